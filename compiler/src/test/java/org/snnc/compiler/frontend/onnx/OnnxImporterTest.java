package org.snnc.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;

/** The importer on small models built in memory: one mapping or one diagnostic per test. */
class OnnxImporterTest {

    private static Graph lower(OnnxModelBuilder model) {
        return OnnxImporter.importModel(model.build(), "test", SourceSpan.ofFile("test.onnx"),
                OnnxImportOptions.DEFAULT);
    }

    private static List<Diagnostic> errors(OnnxModelBuilder model) {
        return assertThrows(CompilationException.class, () -> lower(model)).diagnostics();
    }

    private static List<String> ids(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(d -> d.code().id()).toList();
    }

    private static List<String> operators(Graph graph) {
        return graph.nodeList().stream().map(Node::operator).toList();
    }

    private static double[] values(Graph graph, String key) {
        return graph.weights().get(key).orElseThrow().toArray();
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 7) * 0.25f - 0.5f;
        }
        return v;
    }

    /** x[1,1,4,4] → Conv (2 filters, 3x3, pads 1) → "c"; attributes are added by {@code withAttributes}. */
    private static OnnxModelBuilder.NodeBuilder conv(OnnxModelBuilder m, String name, String output) {
        return m.floats(name + ".weight", new long[] {2, 1, 3, 3}, ramp(18))
                .node("Conv", name, List.of("x", name + ".weight"), output).ints("pads", 1, 1, 1, 1);
    }

    // ------------------------------------------------------------------ dense layers

    /** Gemm with transB = 0: W = α·Bᵀ under the derived key B.T.scaled, b = β·C under C.scaled. */
    @Test
    void gemmTransposesBAndFoldsAlphaAndBeta() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 3).output("y", 1, 2)
                .floats("B", new long[] {3, 2}, 1, 2, 3, 4, 5, 6)
                .floats("C", new long[] {2}, 10, 20)
                .node("Gemm", "fc", List.of("x", "B", "C"), "y").f("alpha", 2).f("beta", 0.5f).done());
        Dense fc = (Dense) g.node("y");
        assertEquals(2, fc.units());
        assertEquals("B.T.scaled", fc.weight().key());
        assertEquals("C.scaled", fc.bias().orElseThrow().key());
        assertEquals(Shape.of(2, 3), g.weights().get("B.T.scaled").orElseThrow().shape());
        assertArrayEquals(new double[] {2, 6, 10, 4, 8, 12}, values(g, "B.T.scaled"));
        assertArrayEquals(new double[] {5, 10}, values(g, "C.scaled"));
        assertEquals(List.of("B.T.scaled", "C.scaled"), List.copyOf(g.weights().tensors().keySet()));
    }

    @Test
    void gemmWithTransB1KeepsTheInitializer() {
        Graph g = lower(OnnxModelBuilder.model().input("x", -1, 3).output("y", -1, 2)
                .floats("fc.weight", new long[] {2, 3}, 1, 2, 3, 4, 5, 6)
                .floats("fc.bias", new long[] {1, 2}, 7, 8)
                .node("Gemm", "/fc/Gemm", List.of("x", "fc.weight", "fc.bias"), "y").i("transB", 1).done());
        Dense fc = (Dense) g.node("y");
        assertEquals("fc.weight", fc.weight().key());
        assertEquals("fc.bias", fc.bias().orElseThrow().key());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, values(g, "fc.weight"));
        assertEquals(Shape.of(2), g.weights().get("fc.bias").orElseThrow().shape(), "[1,N] bias becomes [N]");
    }

    @Test
    void gemmWithTransAIsRejected() {
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 3).output("y", 1, 2)
                .floats("B", new long[] {3, 2}, 1, 2, 3, 4, 5, 6)
                .node("Gemm", "fc", List.of("x", "B"), "y").i("transA", 1).done());
        assertEquals(List.of("E0402"), ids(errors));
        assertTrue(errors.get(0).message().contains("transA"), errors.get(0).message());
    }

    /** MatMul by W[K,N] followed by Add of b[N] is one dense layer: W.T = Wᵀ and bias b. */
    @Test
    void matMulAndBiasAddFuseIntoOneDense() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 2).output("y", 1, 3)
                .floats("W", new long[] {2, 3}, 1, 2, 3, 4, 5, 6)
                .floats("b", new long[] {3}, 0.5f, -0.5f, 1)
                .node("MatMul", "/fc/MatMul", List.of("x", "W"), "mm").done()
                .node("Add", "/fc/Add", List.of("mm", "b"), "z").done()
                .node("Relu", "/act/Relu", List.of("z"), "y").done());
        assertEquals(List.of("input", "dense", "relu"), operators(g));
        Dense fc = (Dense) g.node("fc_MatMul");
        assertEquals(3, fc.units());
        assertEquals("W.T", fc.weight().key());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, values(g, "W.T"));
        assertEquals("b", fc.bias().orElseThrow().key());
        assertEquals("fc_MatMul", ((Relu) g.node("y")).input());
    }

    @Test
    void matMulAloneIsADenseWithoutBias() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 2).output("y", 1, 3)
                .floats("W", new long[] {2, 3}, 1, 2, 3, 4, 5, 6)
                .node("MatMul", "mm", List.of("x", "W"), "y").done());
        Dense fc = (Dense) g.node("y");
        assertTrue(fc.bias().isEmpty());
        assertEquals("W.T", fc.weight().key());
    }

    // ------------------------------------------------------------------ shape-only operators

    private static OnnxModelBuilder reluThenReshape() {
        return OnnxModelBuilder.model().input("x", 1, 2, 3, 3).output("y", 1, 18)
                .node("Relu", "r", List.of("x"), "r").done();
    }

    @ParameterizedTest(name = "target {0}")
    @ValueSource(strings = {"1,-1", "-1,18", "0,-1", "1,18"})
    void reshapeToBatchByFeaturesIsAFlatten(String target) {
        long[] shape = java.util.Arrays.stream(target.split(",")).mapToLong(Long::parseLong).toArray();
        Graph g = lower(reluThenReshape().int64s("shape", shape)
                .node("Reshape", "/Reshape", List.of("r", "shape"), "y").done());
        assertEquals(List.of("input", "relu", "flatten"), operators(g));
        assertEquals(Shape.of(18), Verifier.verify(g).shape("y"));
    }

    @Test
    void reshapeTargetMayComeFromAConstantNode() {
        Graph g = lower(reluThenReshape()
                .node("Constant", "/Constant", List.of(), "target")
                .t("value", OnnxModelBuilder.int64Tensor("", 1, -1)).done()
                .node("Reshape", "/Reshape", List.of("r", "target"), "y").done());
        assertEquals(List.of("input", "relu", "flatten"), operators(g));
    }

    /** x.view(x.size(0), -1) with a dynamic batch: Shape → Gather → Unsqueeze → Concat folds to [1, -1]. */
    @Test
    void pytorchShapeChainFoldsIntoTheReshapeTarget() {
        Graph g = lower(OnnxModelBuilder.model().input("x", -1, 2, 3, 3).output("y", -1, 18)
                .node("Relu", "r", List.of("x"), "r").done()
                .node("Shape", "/Shape", List.of("r"), "s").done()
                .node("Constant", "/Constant", List.of(), "zero")
                .t("value", OnnxModelBuilder.int64Tensor("", 0).toBuilder().clearDims().build()).done()
                .node("Gather", "/Gather", List.of("s", "zero"), "batch").i("axis", 0).done()
                .node("Constant", "/Constant_1", List.of(), "axes").t("value", OnnxModelBuilder.int64Tensor("", 0))
                .done()
                .node("Unsqueeze", "/Unsqueeze", List.of("batch", "axes"), "batch1").done()
                .node("Constant", "/Constant_2", List.of(), "minus1").t("value", OnnxModelBuilder.int64Tensor("", -1))
                .done()
                .node("Concat", "/Concat", List.of("batch1", "minus1"), "target").i("axis", 0).done()
                .node("Reshape", "/Reshape", List.of("r", "target"), "y").done());
        assertEquals(List.of("input", "relu", "flatten"), operators(g));
        assertEquals(Shape.of(18), Verifier.verify(g).shape("y"));
    }

    @Test
    void reshapeThatIsNotAFlattenIsRejected() {
        List<Diagnostic> errors = errors(reluThenReshape().int64s("shape", 1, 2, 9)
                .node("Reshape", "/Reshape", List.of("r", "shape"), "y").done());
        assertEquals(List.of("E0402"), ids(errors));
        assertTrue(errors.get(0).message().contains("[1, 2, 9]"), errors.get(0).message());
    }

    @Test
    void flattenOnAnotherAxisIsRejected() {
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 2, 3, 3).output("y", 2, 9)
                .node("Flatten", "flat", List.of("x"), "y").i("axis", 2).done());
        assertEquals(List.of("E0402"), ids(errors));
    }

    /** An Add of a constant that no dense or conv reads stays an explicit affine: y = 1·x + shift. */
    @Test
    void addOfAConstantThatNoLayerAbsorbsIsAnAffine() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .floats("shift", new long[] {4}, 1, 2, 3, 4)
                .node("Relu", "r", List.of("x"), "r").done()
                .node("Add", "plus", List.of("r", "shift"), "y").done());
        assertEquals(List.of("input", "relu", "affine"), operators(g));
        Affine affine = (Affine) g.node("y");
        assertArrayEquals(new double[] {1, 1, 1, 1}, values(g, affine.scale().key()));
        assertArrayEquals(new double[] {1, 2, 3, 4}, values(g, affine.shift().orElseThrow().key()));
    }

    /** Identity adds no node: its output is another name for its input, up to the graph output. */
    @Test
    void identityIsAnAlias() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .node("Identity", "id1", List.of("x"), "x1").done()
                .node("Relu", "act", List.of("x1"), "r").done()
                .node("Identity", "id2", List.of("r"), "y").done());
        assertEquals(List.of("input", "relu"), operators(g));
        assertEquals("act", g.output());
        assertEquals("x", ((Relu) g.node("act")).input());
    }

    @Test
    void dropoutKeepsItsRatio() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .floats("ratio", new long[] {}, 0.25f)
                .node("Dropout", "drop", List.of("x", "ratio"), "y").done());
        assertEquals(List.of("input", "dropout"), operators(g));
        assertEquals(0.25, ((Dropout) g.node("y")).rate());

        Graph old = lower(OnnxModelBuilder.model(10).input("x", 1, 4).output("y", 1, 4)
                .node("Dropout", "drop", List.of("x"), "y").f("ratio", 0.3f).done());
        assertEquals(0.3, ((Dropout) old.node("y")).rate(), "the float32 0.3 reads back as the decimal 0.3");
    }

    @Test
    void dropoutWhoseMaskIsUsedIsRejected() {
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .node("Dropout", "drop", List.of("x"), "d", "mask").done()
                .node("Add", "sum", List.of("d", "mask"), "y").done());
        assertEquals("E0402", errors.get(0).code().id());
        assertTrue(errors.get(0).message().contains("mask"), errors.get(0).message());
    }

    @Test
    void concatAlongChannelsJoinsTwoBranches() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("y", 1, 4, 4, 4);
        conv(m, "a", "ya").done();
        conv(m, "b", "yb").done();
        Graph g = lower(m.node("Concat", "cat", List.of("ya", "yb"), "y").i("axis", 1).done());
        Concat cat = (Concat) g.node("y");
        assertEquals(List.of("a", "b"), cat.inputs());
        assertEquals(Shape.of(4, 4, 4), Verifier.verify(g).shape("y"));
    }

    @Test
    void concatAlongASpatialAxisIsRejected() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("y", 1, 2, 8, 4);
        conv(m, "a", "ya").done();
        conv(m, "b", "yb").done();
        List<Diagnostic> errors = errors(m.node("Concat", "cat", List.of("ya", "yb"), "y").i("axis", 2).done());
        assertEquals(List.of("E0402"), ids(errors));
    }

    // ------------------------------------------------------------------ windows

    @Test
    void convPadsAreTopLeftBottomRight() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("y", 1, 2, 5, 7);
        Graph g = lower(m.floats("w", new long[] {2, 1, 3, 3}, ramp(18))
                .node("Conv", "c", List.of("x", "w"), "y").ints("pads", 1, 2, 2, 3).done());
        Conv2d conv = (Conv2d) g.node("y");
        assertEquals(new Padding(1, 2, 2, 3), conv.window().padding());
        assertEquals(Shape.of(2, 5, 7), Verifier.verify(g).shape("y"));
    }

    /** SAME pads to ⌈in/stride⌉; a 2x2 kernel needs one pixel, at the end (UPPER) or the beginning (LOWER). */
    @Test
    void autoPadSameBecomesExplicitPadding() {
        for (String mode : List.of("SAME_UPPER", "SAME_LOWER")) {
            Graph g = lower(OnnxModelBuilder.model().input("x", 1, 1, 5, 5).output("y", 1, 2, 5, 5)
                    .floats("w", new long[] {2, 1, 2, 2}, ramp(8))
                    .node("Conv", "c", List.of("x", "w"), "y").s("auto_pad", mode).done());
            Padding expected = mode.equals("SAME_UPPER") ? new Padding(0, 0, 1, 1) : new Padding(1, 1, 0, 0);
            assertEquals(expected, ((Conv2d) g.node("y")).window().padding(), mode);
            assertEquals(Shape.of(2, 5, 5), Verifier.verify(g).shape("y"));
        }
    }

    /** A 3×3 kernel with dilation (2, 3) is the 5×7 kernel with its taps at rows 0, 2, 4 and columns 0, 3, 6. */
    @Test
    void aDilatedConvolutionIsThePlainConvolutionOfItsSpreadKernel() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 1, 7, 9).output("y", 1, 2, 3, 3);
        Graph g = lower(m.floats("w", new long[] {2, 1, 3, 3}, ramp(18))
                .node("Conv", "c", List.of("x", "w"), "y").ints("dilations", 2, 3).done());
        Conv2d conv = (Conv2d) g.node("y");
        assertEquals(new Window2d(5, 7, 1, 1, Padding.NONE), conv.window());
        assertEquals(Shape.of(2, 3, 3), Verifier.verify(g).shape("y"));
        double[] spread = g.weights().get(conv.weight().key()).orElseThrow().toArray();
        float[] given = ramp(18);
        for (int f = 0; f < 2; f++) {
            for (int u = 0; u < 5; u++) {
                for (int v = 0; v < 7; v++) {
                    double expected = u % 2 == 0 && v % 3 == 0 ? given[(f * 3 + u / 2) * 3 + v / 3] : 0;
                    assertEquals(expected, spread[(f * 5 + u) * 7 + v], "filter " + f + " tap " + u + "," + v);
                }
            }
        }
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("y", 1, 1, 2, 2)
                .node("MaxPool", "p", List.of("x"), "y").ints("kernel_shape", 2, 2).ints("dilations", 2, 2).done());
        assertEquals(List.of("E0402"), ids(errors));
        assertTrue(errors.get(0).message().contains("'p' (MaxPool): dilations [2, 2]"), errors.get(0).message());
    }

    @Test
    void globalAveragePoolIsAWholeWindowAverage() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 3, 5, 6).output("y", 1, 3, 1, 1)
                .node("GlobalAveragePool", "gap", List.of("x"), "y").done());
        assertEquals(new Window2d(5, 6, 5, 6, Padding.NONE), ((AvgPool) g.node("y")).window());
        assertEquals(Shape.of(3, 1, 1), Verifier.verify(g).shape("y"));
    }

    @Test
    void ceilModeAddsTheLastPartialWindowsAsEndPadding() {
        Graph even = lower(OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("y", 1, 1, 2, 2)
                .node("MaxPool", "p", List.of("x"), "y").ints("kernel_shape", 2, 2).ints("strides", 2, 2)
                .i("ceil_mode", 1).done());
        assertEquals(Padding.NONE, ((MaxPool) even.node("y")).window().padding());
        Graph odd = lower(OnnxModelBuilder.model().input("x", 1, 1, 5, 5).output("y", 1, 1, 3, 3)
                .node("MaxPool", "p", List.of("x"), "y").ints("kernel_shape", 2, 2).ints("strides", 2, 2)
                .i("ceil_mode", 1).done());
        assertEquals(Shape.of(1, 3, 3), Verifier.verify(odd).shape("y"));
        // 5 + 1 pad at the start, 3×3 stride 2: ⌈(6 − 3)/2⌉ + 1 = 3 windows, the last starting at 4 < 5 + 1.
        Graph padded = lower(OnnxModelBuilder.model().input("x", 1, 1, 5, 5).output("y", 1, 1, 3, 3)
                .node("MaxPool", "p", List.of("x"), "y").ints("kernel_shape", 3, 3).ints("strides", 2, 2)
                .ints("pads", 1, 1, 0, 0).i("ceil_mode", 1).done());
        assertEquals(new Padding(1, 1, 1, 1), ((MaxPool) padded.node("y")).window().padding());
        // 4 + 1 + 1, 2×2 stride 2: ⌈4/2⌉ + 1 = 4 windows, but the last would start at 6 ≥ 4 + 1, in the end pad.
        Graph dropped = lower(OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("y", 1, 1, 3, 3)
                .node("MaxPool", "p", List.of("x"), "y").ints("kernel_shape", 2, 2).ints("strides", 2, 2)
                .ints("pads", 1, 1, 1, 1).i("ceil_mode", 1).done());
        assertEquals(Shape.of(1, 3, 3), Verifier.verify(dropped).shape("y"));
    }

    @Test
    void clipFromZeroIsAClippedReluAndOtherClipsAreRefused() {
        Graph relu6 = lower(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .node("Clip", "c", List.of("x"), "y").f("min", 0).f("max", 6).done());
        assertEquals(6.0, ((Relu) relu6.node("y")).ceiling());
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .node("Clip", "c", List.of("x"), "y").f("min", -1).f("max", 1).done());
        assertEquals(List.of("E0402"), ids(errors));
        assertTrue(errors.get(0).message().contains("'c' (Clip): min -1"), errors.get(0).message());
    }

    @Test
    void ceilModeAveragePoolThatCountsItsPadsIsRefused() {
        // 6 + 1 pad at the start, 2×2 stride 2: 4 windows, the last over one real cell and one beyond the input.
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 1, 6, 6).output("y", 1, 1, 4, 4)
                .node("AveragePool", "p", List.of("x"), "y").ints("kernel_shape", 2, 2).ints("strides", 2, 2)
                .ints("pads", 1, 1, 0, 0).i("count_include_pad", 1).i("ceil_mode", 1).done());
        assertEquals(List.of("E0402"), ids(errors));
        assertTrue(errors.get(0).message().contains("'p' (AveragePool): ceil_mode = 1"), errors.get(0).message());
    }

    @Test
    void averagePoolKeepsCountIncludePad() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("y", 1, 1, 4, 4)
                .node("AveragePool", "p", List.of("x"), "y").ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1)
                .i("count_include_pad", 1).done());
        AvgPool pool = (AvgPool) g.node("y");
        assertTrue(pool.countIncludePad());
        assertEquals(Window2d.square(3, 1, 1), pool.window());
    }

    // ------------------------------------------------------------------ inputs, outputs and weights

    /** Old exporters list initializers among the graph inputs; they are weights, not a second network input. */
    @Test
    void initializersListedAsInputsAreNotTheNetworkInput() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 3).input("B", 2, 3).output("y", 1, 2)
                .floats("B", new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Graph g = lower(m.node("Gemm", "fc", List.of("x", "B"), "y").i("transB", 1).done());
        assertEquals("x", g.input().name());
        assertEquals(Shape.of(3), g.input().shape());
    }

    @Test
    void rawAndDoubleInitializersDecodeExactly() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 2).output("y", 1, 2)
                .rawFloats("W", new long[] {2, 2}, 0.1f, -2.5f, 3e-8f, 7)
                .doubles("b", new long[] {2}, 0.1, -0.2)
                .node("Gemm", "fc", List.of("x", "W", "b"), "y").i("transB", 1).done());
        assertArrayEquals(new double[] {0.1f, -2.5f, 3e-8f, 7}, values(g, "W"));
        assertArrayEquals(new double[] {0.1, -0.2}, values(g, "b"));
    }

    /** Every operator is per sample, so a static batch other than 1 is dropped like a symbolic one. */
    @Test
    void aStaticBatchIsPerSample() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 2, 4).output("y", 2, 4)
                .node("Relu", "r", List.of("x"), "y").done());
        assertEquals(Shape.of(4), g.input().shape());
    }

    @Test
    void softmaxThatIsNotTheOutputFailsVerification() {
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .node("Softmax", "sm", List.of("x"), "p").done()
                .node("Relu", "r", List.of("p"), "y").done());
        assertEquals(List.of("E0211"), ids(errors));
    }

    // ------------------------------------------------------------------ diagnostics

    @Test
    void unsupportedOperatorNamesTheOpAndTheNode() {
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .node("Hardmax", "/act/Hardmax", List.of("x"), "y").done());
        assertEquals(List.of("E0401"), ids(errors));
        String message = errors.get(0).message();
        assertTrue(message.startsWith("ONNX operator Hardmax (node '/act/Hardmax') is not supported"), message);
        assertTrue(message.contains("Conv") && message.contains("GlobalAveragePool"), message);
        assertEquals("test.onnx: error: " + message + " [E0401]", errors.get(0).format());
    }

    @Test
    void aNonlinearityOtherThanReluIsRefusedWithTheReason() {
        for (String op : List.of("Sigmoid", "LeakyRelu", "Tanh", "HardSwish")) {
            List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                    .node(op, "/act/" + op, List.of("x"), "y").done());
            assertEquals(List.of("E0406"), ids(errors), op);
            String message = errors.get(0).message();
            assertTrue(message.startsWith("ONNX operator " + op + " (node '/act/" + op + "') cannot be converted"),
                    message);
            assertTrue(message.contains("no exact rate-coded integrate-and-fire equivalent"), message);
        }
    }

    /** Every problem is reported at once: two unsupported operators and a bad attribute further down. */
    @Test
    void everyProblemIsReportedTogether() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("y", 1, 2, 4, 4)
                .node("Sigmoid", "s", List.of("x"), "s").done()
                .node("Tanh", "t", List.of("s"), "t").done();
        m.floats("w", new long[] {2, 1, 3, 3}, ramp(18))
                .node("Conv", "c", List.of("x", "w"), "y").ints("pads", 1, 1, 1, 1).ints("dilations", 1, 0).done();
        List<Diagnostic> errors = errors(m);
        assertEquals(List.of("E0406", "E0406", "E0402"), ids(errors));
        assertTrue(errors.get(0).message().contains("Sigmoid (node 's')"), errors.get(0).message());
        assertTrue(errors.get(1).message().contains("Tanh (node 't')"), errors.get(1).message());
    }

    /**
     * A slice of an activation is a selecting 1×1 conv: x [2,5,5], rows 0, 2, 4 and channel 1 give weight [[0, 1]]
     * at stride (2, 1). Keeping rows 1 … 4 crops, which no convolution does, and is refused naming the range.
     */
    @Test
    void aSliceOfAnActivationSelectsByAStrideAndRefusesToCrop() {
        OnnxModelBuilder strided = OnnxModelBuilder.model().input("x", 1, 2, 5, 5).output("y", 1, 1, 3, 5)
                .int64s("starts", 0, 1).int64s("ends", Long.MAX_VALUE, 2).int64s("axes", 2, 1).int64s("steps", 2, 1);
        Graph g = lower(strided.node("Slice", "s", List.of("x", "starts", "ends", "axes", "steps"), "y").done());
        assertEquals(List.of("input", "conv2d"), operators(g));
        Conv2d selection = (Conv2d) g.nodeList().get(1);
        assertEquals(new Window2d(1, 1, 2, 1, Padding.NONE), selection.window());
        assertArrayEquals(new double[] {0, 1}, values(g, selection.weight().key()), 0);

        OnnxModelBuilder cropped = OnnxModelBuilder.model().input("x", 1, 2, 5, 5).output("y", 1, 2, 4, 5)
                .int64s("starts", 1).int64s("ends", 5).int64s("axes", 2);
        List<Diagnostic> errors = errors(cropped.node("Slice", "s", List.of("x", "starts", "ends", "axes"), "y")
                .done());
        assertEquals(List.of("E0402"), ids(errors));
        assertTrue(errors.get(0).message().contains("keeps [1, 5) by 1 of axis 2"), errors.get(0).message());
    }

    @Test
    void operatorsOfOtherDomainsAreUnsupported() {
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .node("Relu", "r", List.of("x"), "y").domain("com.example").done());
        assertEquals(List.of("E0401"), ids(errors));
        assertTrue(errors.get(0).message().contains("com.example.Relu"), errors.get(0).message());
    }

    @Test
    void aWeightComputedAtRunTimeIsRejected() {
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 1, 3, 3).output("y", 1, 1, 1, 1)
                .node("Relu", "r", List.of("x"), "w_dyn").done()
                .node("Conv", "c", List.of("x", "w_dyn"), "y").done());
        assertEquals(List.of("E0404"), ids(errors));
        assertEquals("ONNX node 'c' (Conv): input 'w_dyn' must be an initializer (a constant weight)",
                errors.get(0).message());
    }

    @Test
    void maxPoolIndicesInUseAreRejected() {
        List<Diagnostic> errors = errors(OnnxModelBuilder.model().input("x", 1, 1, 4, 4).output("i", 1, 1, 2, 2)
                .node("MaxPool", "p", List.of("x"), "y", "i").ints("kernel_shape", 2, 2).ints("strides", 2, 2)
                .done());
        assertTrue(ids(errors).contains("E0402"));
        assertTrue(errors.get(0).message().contains("Indices"), errors.get(0).message());
    }

    // ------------------------------------------------------------------ files

    @Test
    void aModelFileImportsUnderItsFileName(@TempDir Path dir) throws IOException {
        Path file = OnnxModelBuilder.model().input("input.0", 1, 4).output("probs", 1, 4)
                .node("Softmax", "/Softmax", List.of("input.0"), "probs").i("axis", 1).done()
                .write(dir, "tiny-net.onnx");
        Graph g = OnnxImporter.importModel(file, OnnxImportOptions.DEFAULT);
        assertEquals("tiny_net", g.name());
        assertEquals(List.of("input.0", "probs"), List.copyOf(g.nodes().keySet()));
        assertEquals(SourceSpan.ofFile("tiny-net.onnx"), g.node("probs").span());
    }

    @Test
    void garbageIsNotAModel(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("garbage.onnx"), "this is not an onnx model".getBytes(
                StandardCharsets.US_ASCII));
        CompilationException e = assertThrows(CompilationException.class,
                () -> OnnxImporter.importModel(file, OnnxImportOptions.DEFAULT));
        assertEquals(List.of("E0403"), ids(e.diagnostics()));
        assertTrue(e.getMessage().startsWith("garbage.onnx: error: cannot read ONNX model"), e.getMessage());
    }

    @Test
    void anEmptyFileIsNotAModel(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        CompilationException e = assertThrows(CompilationException.class,
                () -> OnnxImporter.importModel(file, OnnxImportOptions.DEFAULT));
        assertEquals(List.of("E0403"), ids(e.diagnostics()));
    }

    @Test
    void aMissingFileIsReportedAsSuch(@TempDir Path dir) {
        CompilationException e = assertThrows(CompilationException.class,
                () -> OnnxImporter.importModel(dir.resolve("nope.onnx"), OnnxImportOptions.DEFAULT));
        assertEquals(List.of("E0602"), ids(e.diagnostics()));
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void derivedTensorsDoNotOverwriteInitializers() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 2).output("y", 1, 2)
                .floats("W", new long[] {2, 2}, 1, 2, 3, 4)
                .floats("W.T", new long[] {2, 2}, 9, 9, 9, 9)
                .node("MatMul", "mm", List.of("x", "W"), "y").done());
        assertEquals("W.T_2", ((Dense) g.node("y")).weight().key());
        Tensor derived = g.weights().get("W.T_2").orElseThrow();
        assertArrayEquals(new double[] {1, 3, 2, 4}, derived.toArray());
    }

    // ------------------------------------------------------------------ folded constructs refused

    /** x[1,2,4,4] → Relu → Pad(pads) → {@code reader} "y"; the Pad's extra attributes come from {@code pad}. */
    private static OnnxModelBuilder padded(long[] pads, UnaryOperator<OnnxModelBuilder.NodeBuilder> pad,
            String reader) {
        return padded(true, pads, pad, reader);
    }

    /** {@link #padded(long[], UnaryOperator, String)}, with or without the Relu. */
    private static OnnxModelBuilder padded(boolean relu, long[] pads, UnaryOperator<OnnxModelBuilder.NodeBuilder> pad,
            String reader) {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 4, 4).output("y", 1, 2, 4, 4)
                .int64s("pads", pads);
        if (relu) {
            m = m.node("Relu", "r", List.of("x"), "r").done();
        }
        m = pad.apply(m.node("Pad", "/pad/Pad", List.of(relu ? "r" : "x", "pads"), "p")).done();
        return switch (reader) {
            case "Conv" -> m.floats("w", new long[] {2, 2, 1, 1}, ramp(4))
                    .node("Conv", "conv", List.of("p", "w"), "y").done();
            case "MaxPool" -> m.node("MaxPool", "pool", List.of("p"), "y").ints("kernel_shape", 2, 2).done();
            default -> m.node(reader, "after", List.of("p"), "y").done();
        };
    }

    private static void assertRefused(OnnxModelBuilder model, String node, String reason) {
        List<Diagnostic> errors = errors(model);
        assertEquals(List.of("E0402"), ids(errors), errors.toString());
        String message = errors.get(0).message();
        assertTrue(message.contains("'" + node + "'") && message.contains(reason), message);
        assertEquals("test.onnx", errors.get(0).span().file());
    }

    @Test
    void aPadFoldsIntoTheConvAfterIt() {
        Graph g = lower(padded(new long[] {0, 0, 1, 2, 0, 0, 3, 4}, b -> b, "Conv"));
        assertEquals(List.of("input", "relu", "conv2d"), operators(g));
        assertEquals(new Padding(1, 2, 3, 4), ((Conv2d) g.node("y")).window().padding());
    }

    /** Before opset 11 the pads are an attribute; from opset 18 an axes operand names the padded axes. */
    @Test
    void padsAsAnAttributeOrOnNamedAxesFoldToo() {
        Graph before11 = lower(OnnxModelBuilder.model(10).input("x", 1, 2, 4, 4).output("y", 1, 2, 6, 5)
                .floats("w", new long[] {2, 2, 1, 1}, ramp(4))
                .node("Pad", "pad", List.of("x"), "p").ints("pads", 0, 0, 1, 0, 0, 0, 1, 1).done()
                .node("Conv", "conv", List.of("p", "w"), "y").done());
        assertEquals(new Padding(1, 0, 1, 1), ((Conv2d) before11.node("y")).window().padding());
        Graph axes = lower(OnnxModelBuilder.model(18).input("x", 1, 2, 4, 4).output("y", 1, 2, 5, 7)
                .floats("w", new long[] {2, 2, 1, 1}, ramp(4))
                .int64s("pads", 1, 2, 0, 1)
                .int64s("axes", -2, -1)
                .node("Pad", "pad", List.of("x", "pads", "", "axes"), "p").done()
                .node("Conv", "conv", List.of("p", "w"), "y").done());
        assertEquals(new Padding(1, 2, 0, 1), ((Conv2d) axes.node("y")).window().padding());
    }

    /** One zero channel before two: output channel o reads input channel o − 1, weight [[0, 0], [1, 0], [0, 1]]. */
    @Test
    void aPadOfChannelsAloneIsASelectingConv() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 2, 4, 4).output("y", 1, 3, 4, 4)
                .int64s("pads", 0, 1, 0, 0, 0, 0, 0, 0)
                .node("Pad", "/pad/Pad", List.of("x", "pads"), "y").done());
        assertEquals(List.of("input", "conv2d"), operators(g));
        Conv2d selection = (Conv2d) g.nodeList().get(1);
        assertEquals(3, selection.filters());
        assertArrayEquals(new double[] {0, 0, 1, 0, 0, 1}, values(g, selection.weight().key()), 0);
    }

    @Test
    void aPadOfChannelsWithRowsIsRefused() {
        assertRefused(padded(new long[] {0, 1, 1, 0, 0, 0, 0, 0}, b -> b, "Conv"), "/pad/Pad",
                "pad the batch axis, or the channels with H or W");
    }

    @Test
    void aPadOfAnotherValueIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 4, 4).output("y", 1, 2, 5, 5)
                .int64s("pads", 0, 0, 1, 1, 0, 0, 0, 0)
                .floats("value", new long[] {}, 0.5f)
                .floats("w", new long[] {2, 2, 1, 1}, ramp(4))
                .node("Pad", "/pad/Pad", List.of("x", "pads", "value"), "p").done()
                .node("Conv", "conv", List.of("p", "w"), "y").done();
        assertRefused(m, "/pad/Pad", "value 0.5");
    }

    @Test
    void aReflectPadIsRefused() {
        assertRefused(padded(new long[] {0, 0, 1, 1, 0, 0, 1, 1}, b -> b.s("mode", "reflect"), "Conv"), "/pad/Pad",
                "mode 'reflect'");
    }

    @Test
    void aPadThatNoConvOrPoolReadsIsRefused() {
        assertRefused(padded(new long[] {0, 0, 1, 1, 0, 0, 1, 1}, b -> b, "Relu"), "/pad/Pad",
                "the first 'after' (Relu); snnc folds a Pad only into the one Conv");
    }

    @Test
    void aZeroPadBeforeAMaxPoolOfPossiblyNegativeInputsIsRefused() {
        assertRefused(padded(false, new long[] {0, 0, 0, 0, 0, 0, 1, 1}, b -> b, "MaxPool"), "pool",
                "only on inputs ≥ 0");
    }

    @Test
    void aZeroPadBeforeAMaxPoolOfAReluFolds() {
        Graph g = lower(padded(new long[] {0, 0, 0, 0, 0, 0, 1, 1}, b -> b, "MaxPool"));
        assertEquals(new Padding(0, 0, 1, 1), ((org.snnc.compiler.ir.MaxPool) g.node("y")).window().padding());
    }

    @Test
    void aPadBeforeAnAvgPoolThatLeavesItsOwnPadsOutOfItsDivisorIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 4, 4).output("y", 1, 2, 4, 4)
                .int64s("pads", 0, 0, 1, 1, 0, 0, 1, 1)
                .node("Pad", "/pad/Pad", List.of("x", "pads"), "p").done()
                .node("AveragePool", "pool", List.of("p"), "y").ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1)
                .done();
        assertRefused(m, "pool", "count_include_pad = 0");
    }

    @Test
    void dividingAConstantByAnActivationIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4)
                .floats("one", new long[] {}, 1)
                .node("Div", "inverse", List.of("one", "x"), "y").done();
        assertRefused(m, "inverse", "not an affine map");
    }

    @Test
    void aConstantThatVariesWithinAChannelIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 2, 2).output("y", 1, 2, 2, 2)
                .floats("mean", new long[] {2, 2, 2}, ramp(8))
                .node("Sub", "centre", List.of("x", "mean"), "y").done();
        assertRefused(m, "centre", "neither one value nor one per channel");
    }

    /** Scaling then picking channels (x[:, [1, 0]]·2) folds into a conv, but no Relu can read it. */
    @Test
    void pickedChannelsFoldIntoAConvButNothingElse() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 3, 3).output("y", 1, 2, 3, 3)
                .int64s("swap", 1, 0)
                .floats("two", new long[] {}, 2)
                .node("Mul", "double", List.of("x", "two"), "d").done()
                .node("Gather", "pick", List.of("d", "swap"), "g").i("axis", 1).done();
        Graph g = lower(m.floats("w", new long[] {1, 2, 1, 1}, 3, 5).node("Conv", "conv", List.of("g", "w"), "y")
                .done());
        assertArrayEquals(new double[] {10, 6}, values(g, "w.folded"), "W′[c] = Σ_{k: c(k) = c} s[k]·W[k]");
        OnnxModelBuilder refused = OnnxModelBuilder.model().input("x", 1, 2, 3, 3).output("y", 1, 2, 3, 3)
                .int64s("swap", 1, 0)
                .node("Gather", "pick", List.of("x", "swap"), "g").i("axis", 1).done()
                .node("Relu", "act", List.of("g"), "y").done();
        assertRefused(refused, "act", "picks or reorders channels");
    }

    @Test
    void aTransposeInsideTheNetworkIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 3, 3).output("y", 1, 3, 3, 2)
                .node("Relu", "r", List.of("x"), "r").done()
                .node("Transpose", "swap", List.of("r"), "t").ints("perm", 0, 2, 3, 1).done()
                .node("Relu", "act", List.of("t"), "y").done();
        assertRefused(m, "swap", "only of an N×H×W×C input");
    }

    @Test
    void aSqueezeWithoutAxesIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 1, 1).output("y", 2)
                .node("Squeeze", "sq", List.of("x"), "y").done();
        assertRefused(m, "sq", "would drop the batch axis");
    }

    @Test
    void aSqueezeOfTheBatchIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 1, 1).output("y", 2, 1, 1)
                .int64s("axes", 0)
                .node("Squeeze", "sq", List.of("x", "axes"), "y").done();
        assertRefused(m, "sq", "other than the batch");
    }

    @Test
    void anUnsqueezeOfFeaturesIntoAMapIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 4, 1, 1)
                .int64s("axes", 2, 3)
                .node("Unsqueeze", "map", List.of("x", "axes"), "y").done();
        assertRefused(m, "map", "reshapes a [1, 4] input to [1, 4, 1, 1]");
    }

    @Test
    void aReduceMeanOverChannelsIsRefused() {
        OnnxModelBuilder m = OnnxModelBuilder.model().input("x", 1, 2, 3, 3).output("y", 1, 1, 3, 3)
                .node("ReduceMean", "mean", List.of("x"), "y").ints("axes", 1).done();
        assertRefused(m, "mean", "over H and W");
    }

    @Test
    void aReduceMeanOverHAndWIsAGlobalAveragePool() {
        Graph g = lower(OnnxModelBuilder.model().input("x", 1, 2, 3, 3).output("y", 1, 2)
                .node("ReduceMean", "mean", List.of("x"), "y").ints("axes", -1, -2).i("keepdims", 0).done());
        assertEquals(List.of("input", "avgpool", "flatten"), operators(g));
        assertEquals(new Window2d(3, 3, 3, 3, Padding.NONE), ((AvgPool) g.nodeList().get(1)).window());
    }
}
