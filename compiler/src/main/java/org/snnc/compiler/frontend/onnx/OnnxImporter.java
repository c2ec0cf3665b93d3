package org.snnc.compiler.frontend.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Verifier;

/**
 * Imports a trained ONNX model (a {@code ModelProto}) as an IR {@link Graph}. Operator semantics are those of the
 * ONNX operator specification (onnx.ai/onnx/operators); ONNX tensors are N×C×H×W or N×F with a batch axis N that
 * the IR drops: every operator imported acts on each sample alone, so a static batch of any size imports like a
 * symbolic one. Each ONNX operator maps to IR as follows:
 * <ul>
 *   <li>{@code Conv} → {@link org.snnc.compiler.ir.Conv2d}: Y = B + W ⋆ pad(X), weight W [F, C/group, kH, kW] and
 *       bias B [F] taken unchanged; pads [top, left, bottom, right]; auto_pad VALID and SAME_UPPER/SAME_LOWER are
 *       turned into explicit padding from the input shape. A dilated kernel becomes the plain kernel of its whole
 *       extent, (k − 1)·d + 1 taps with zeros between the given ones.</li>
 *   <li>{@code Gemm} → {@link org.snnc.compiler.ir.Dense}: Y = α·A·B′ + β·C with B′ = Bᵀ if transB else B, so the
 *       IR weight is W = α·(transB ? B : Bᵀ), of shape [N, K], and the bias b = β·C broadcast to [N]. transA = 1 is
 *       rejected.</li>
 *   <li>{@code MatMul} by a constant [K, N] matrix B → dense with W = Bᵀ; when its only reader is an {@code Add}
 *       of a constant C, the two fuse into one dense layer with bias C (y = x·B + C).</li>
 *   <li>{@code Add} of two activations → {@link org.snnc.compiler.ir.Add}: y = a + b (a residual join).</li>
 *   <li>{@code Relu} → relu: y = max(0, x).</li>
 *   <li>{@code BatchNormalization} (inference mode) → {@link org.snnc.compiler.ir.BatchNorm}, kept unfolded:
 *       y = γ·(x − μ)/√(σ² + ε) + β with scale γ, bias β, input_mean μ and input_var σ².</li>
 *   <li>{@code MaxPool} → maxpool, {@code AveragePool} → avgpool with its count_include_pad; ceil_mode = 1 adds
 *       the last partial windows as padding at the end (an average pool then leaves those cells out of its divisor,
 *       and is refused if its own pads count), and a MaxPool whose Indices output is used is rejected.</li>
 *   <li>{@code GlobalAveragePool} → avgpool whose window is the whole H×W input: y[c] = Σ_{i,j} x[c,i,j] / (H·W).</li>
 *   <li>{@code Flatten} with axis 1, and {@code Reshape} whose target resolves to [N, C·H·W] (such as [N,−1],
 *       [−1,K], [0,−1]) → {@link org.snnc.compiler.ir.Flatten}. The target may be an initializer, a {@code Constant},
 *       or PyTorch's {@code Shape → Gather → Unsqueeze → Concat} chain, which is folded to a constant; so are
 *       {@code ConstantOfShape}, {@code Slice}, {@code Transpose}, {@code Reshape} and {@code Cast} of constants
 *       (torch's {@code F.pad} pads; see {@link ConstantFolding}).</li>
 *   <li>{@code Concat} of activations along axis 1 (channels) → concat.</li>
 *   <li>{@code Softmax} over axis 1 (or −1) of an [N, K] input → softmax, which must be the graph output.</li>
 *   <li>{@code Pad} (mode constant, value 0, pads of H and W only) → no node: the one Conv, MaxPool or AveragePool
 *       that reads it takes the pads into its own. Exact for a Conv (zero padding either way); for a MaxPool only
 *       when its input is ≥ 0 (a Relu's output: max(x, 0) = x there, and the IR pads with −∞) and every window
 *       still covers an input cell; for an AveragePool the padded zeros count in the divisor, so it becomes an
 *       avgpool with count_include_pad, refused when its own pads did not count.</li>
 *   <li>{@code Add}, {@code Sub}, {@code Mul}, {@code Div} of an activation and a constant of one value or one per
 *       channel, with {@code Gather} of channels along axis 1 and their {@code Unsqueeze} and {@code Concat}
 *       (torchvision's inception_v3 {@code transform_input}) → no node: a per-channel map
 *       v = s·x[c(k)] + t folded into the Conv or Gemm/MatMul that reads it, W′ = W·s (summed over the channels
 *       that read the same source channel) and b′ = b + Σ W·t, or an {@link org.snnc.compiler.ir.Affine} before any
 *       other reader, and before a padded Conv when t ≠ 0 (see {@link AffineView}).</li>
 *   <li>{@code Transpose} of an N×H×W×C input by [0,3,1,2] (every reader) → no node: the IR input is [C,H,W].
 *       A Transpose right before a flatten → the flatten's features reordered, folded into the columns of the dense
 *       layer that reads them (a channel-last flatten, W′[u, i] = W[u, k] for the feature i that position k
 *       holds).</li>
 *   <li>{@code ReduceMean} over axes {2, 3} → the global avgpool, then a flatten when keepdims = 0.</li>
 *   <li>{@code Squeeze}, {@code Unsqueeze} of activations, like {@code Reshape}: a flatten, the identity, or a shape
 *       that only further reshapes read.</li>
 *   <li>{@code Concat} of one operand → no node, its output is its operand.</li>
 *   <li>{@code Dropout} (inference mode) → dropout, y = x, keeping its ratio; {@code Identity} → no node, its output
 *       is another name for its input; {@code Constant} → a constant operand only.</li>
 * </ul>
 * Every other operator is reported as E0401, and unsupported attributes as E0402; all problems of a model are
 * reported together. Weights are the graph's initializers (or Constant values) converted exactly to float64, and a
 * weight computed at run time is E0404. See {@link OnnxNames} for how values and parameters are named.
 */
public final class OnnxImporter {

    private OnnxImporter() {
    }

    /**
     * Reads and lowers an ONNX model, then verifies the graph. The graph is named after the file, its single input
     * gets the element type and scale of {@code options}, and it names no weights file (the caller sets one when it
     * writes the weights out).
     *
     * @throws CompilationException with every problem found: a missing or unreadable file, a file that is not an
     *                              ONNX model, unsupported operators or attributes, or a graph the verifier rejects
     */
    public static Graph importModel(Path onnxFile, OnnxImportOptions options) {
        Path fileName = onnxFile.getFileName();
        String file = fileName == null ? onnxFile.toString() : fileName.toString();
        SourceSpan span = SourceSpan.ofFile(file);
        return importModel(parse(InputFiles.readAllBytes(onnxFile, span), span), graphName(file), span, options);
    }

    /** Lowers and verifies an already parsed model; package-private so tests can build models in memory. */
    static Graph importModel(ModelProto model, String graphName, SourceSpan span, OnnxImportOptions options) {
        if (!model.hasGraph()) {
            throw CompilationException.of(DiagnosticCode.ONNX_MALFORMED, span, "the file holds no graph");
        }
        Graph graph = new OnnxLowering(model, graphName, span, options).lower();
        Verifier.verify(graph);
        return graph;
    }

    private static ModelProto parse(byte[] bytes, SourceSpan span) {
        if (bytes.length == 0) {
            throw CompilationException.of(DiagnosticCode.ONNX_MALFORMED, span, "the file is empty");
        }
        try {
            // Aliasing: the tensors' raw_data are views of the file's bytes, not a second copy of every weight.
            CodedInputStream input = CodedInputStream.newInstance(bytes);
            input.enableAliasing(true);
            input.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(input);
        } catch (InvalidProtocolBufferException e) {
            throw CompilationException.of(DiagnosticCode.ONNX_MALFORMED, span,
                    "the file is not an ONNX protobuf (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("reading bytes already in memory", e);
        }
    }

    /** The file name without its {@code .onnx} extension, as an identifier: {@code lenet.onnx} → {@code lenet}. */
    static String graphName(String fileName) {
        String stem = fileName.toLowerCase(Locale.ROOT).endsWith(".onnx")
                ? fileName.substring(0, fileName.length() - ".onnx".length()) : fileName;
        return OnnxNames.identifier(stem);
    }
}
