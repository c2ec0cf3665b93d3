package org.snnc.compiler.frontend.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.Severity;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Weights;
import org.snnc.compiler.ir.Window2d;

/**
 * Lowers one ONNX graph to the IR, node by node in the graph's (topological) order; see {@link OnnxImporter} for the
 * operator mapping. ONNX tensors carry a leading batch axis that IR shapes omit, so an ONNX axis a of a value whose
 * IR rank is r is IR axis a − 1, and a negative ONNX axis a means a + r + 1.
 *
 * <p>Every problem is collected: a node that cannot be lowered is reported, its outputs are marked broken, and the
 * nodes that read them are still checked for their own problems but not reported again for the broken operand.
 */
final class OnnxLowering {

    /** The operators the importer accepts, as the E0401 message lists them. */
    static final String SUPPORTED = "Add, AveragePool, BatchNormalization, Concat, Constant, Conv, Dropout, Flatten, "
            + "Gemm, GlobalAveragePool, Identity, MatMul, MaxPool, ReduceMean, Relu, Reshape, Softmax, Squeeze "
            + "(and Pad into a conv or pool; Add, Sub, Mul, Div by constants and Gather, Unsqueeze of channels, folded "
            + "into the layer that reads them; Transpose of the input or before a flatten; Shape, Gather, Unsqueeze, "
            + "ConstantOfShape, Slice, Transpose, Cast when they compute a constant)";

    /** What an ONNX value name stands for while lowering. */
    private sealed interface Value permits Activation, Constant, PendingMatMul, PendingPad, PendingTranspose, View,
            Reshaped, Broken {
    }

    /** A value computed by the IR node {@code name}. */
    private record Activation(String name) implements Value {
    }

    /** A constant; {@code key} is its parameter key when a node takes it as a weight unchanged. */
    private record Constant(String key, String onnxName, OnnxConstant data) implements Value {
    }

    /** A MatMul whose only reader is an Add of a constant; the Add emits the fused dense layer. */
    private record PendingMatMul(OnnxNode node, String input, AffineView view, Constant matrix) implements Value {
    }

    /** A zero Pad of activation {@code input} that the Conv or pool reading it absorbs into its window. */
    private record PendingPad(OnnxNode node, String input, Padding padding) implements Value {
    }

    /** A Transpose of activation {@code input} (ONNX perm {@code perm}) that the flatten reading it resolves. */
    private record PendingTranspose(OnnxNode node, String input, int[] perm) implements Value {
    }

    /** A per-channel affine map of an activation, folded into the layer that reads it (see {@link AffineView}). */
    private record View(OnnxNode node, AffineView view) implements Value {
    }

    /** Activation {@code input} under ONNX dimensions {@code dims} that no IR shape holds, for a further reshape. */
    private record Reshaped(OnnxNode node, String input, long[] dims) implements Value {
    }

    /** A value whose producer failed; its problem is already reported. */
    private record Broken() implements Value {
    }

    private static final Broken BROKEN = new Broken();

    /** The operators whose window a Pad before them widens. */
    private static final Set<String> PADDED_WINDOWS = Set.of("Conv", "MaxPool", "AveragePool");

    /** The operators that may read a {@link Reshaped} or {@link PendingTranspose} value (Shape reads only its dims). */
    private static final Set<String> RESHAPES = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Shape");

    /** The Transpose perm that takes N×H×W×C to N×C×H×W. */
    private static final long[] CHANNELS_FIRST = {0, 3, 1, 2};

    private final GraphProto graph;
    private final long opset;
    private final String graphName;
    private final SourceSpan span;
    private final OnnxImportOptions options;
    private final DiagnosticBag diagnostics = new DiagnosticBag();
    private final GraphBuilder builder;
    private final OnnxNames names = new OnnxNames();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, String> initializerKeys = new HashMap<>();
    private final Set<String> keysTaken = new HashSet<>();
    private final TreeMap<String, Tensor> weights = new TreeMap<>();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, List<Integer>> readers = new HashMap<>();
    private final Set<String> sparseInitializers = new HashSet<>();
    private final Set<String> constantNodeOutputs = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private boolean shapeErrorsReported;
    /** The static batch size, or 1 for a symbolic batch: every operator is per sample, so the IR drops it. */
    private long batch = 1;
    /** The ONNX name of an N×H×W×C input that the IR declares as [C,H,W], or null. */
    private String channelsLastInput;
    private int errorsBeforeNode;

    OnnxLowering(ModelProto model, String graphName, SourceSpan span, OnnxImportOptions options) {
        this.graph = model.getGraph();
        this.opset = model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion).max().orElse(Long.MAX_VALUE);
        this.graphName = graphName;
        this.span = span;
        this.options = options;
        this.builder = Graph.builder(graphName).span(span).weightsFile(Optional.empty());
    }

    /** The IR graph, not yet verified; throws every import problem at once. */
    Graph lower() {
        for (TensorProto init : graph.getInitializerList()) {
            if (initializers.putIfAbsent(init.getName(), init) == null) {
                initializerKeys.put(init.getName(), OnnxNames.unique(OnnxNames.key(init.getName()), keysTaken));
            }
        }
        graph.getSparseInitializerList().forEach(t -> sparseInitializers.add(t.getValues().getName()));
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            for (String in : node.getInputList()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
            if (node.getOpType().equals("Constant") && isDefaultDomain(node)) {
                constantNodeOutputs.addAll(node.getOutputList());
            }
        }
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        if (graph.getOutputCount() != 1) {
            graphError("the graph has " + graph.getOutputCount() + " outputs "
                    + names(graph.getOutputList()) + "; snnc networks have exactly one");
        }
        declareInput();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            lowerNode(new OnnxNode(graph.getNode(i), diagnostics, span));
        }
        if (graph.getOutputCount() == 1) {
            declareOutput(graph.getOutput(0).getName());
        }
        diagnostics.throwIfErrors();
        return builder.weights(Weights.of(weights)).build();
    }

    // ---------------------------------------------------------------- graph input and dispatch

    private void declareInput() {
        List<ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(v -> !initializers.containsKey(v.getName())).toList();
        if (inputs.size() != 1) {
            graphError("the graph has " + inputs.size() + " inputs besides its initializers " + names(inputs)
                    + "; snnc networks have exactly one");
            inputs.forEach(v -> values.put(v.getName(), BROKEN));
            return;
        }
        ValueInfoProto input = inputs.get(0);
        String name = input.getName();
        values.put(name, BROKEN);
        if (!input.getType().hasTensorType() || !input.getType().getTensorType().hasShape()) {
            graphError("input '" + name + "' declares no tensor shape; snnc needs N×C×H×W or N×F");
            return;
        }
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        String shapeText = dims.stream().map(d -> d.hasDimValue() ? String.valueOf(d.getDimValue())
                : d.hasDimParam() ? d.getDimParam() : "?").collect(Collectors.joining(",", "[", "]"));
        if (dims.size() != 2 && dims.size() != 4) {
            graphError("input '" + name + "' has shape " + shapeText + "; snnc needs N×C×H×W or N×F");
            return;
        }
        if (dims.get(0).hasDimValue()) {
            if (dims.get(0).getDimValue() <= 0) {
                graphError("input '" + name + "' has shape " + shapeText + "; its batch is not positive");
                return;
            }
            batch = dims.get(0).getDimValue();
        }
        int[] shape = new int[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (!d.hasDimValue() || d.getDimValue() <= 0 || d.getDimValue() > Integer.MAX_VALUE) {
                graphError("input '" + name + "' has shape " + shapeText + "; snnc needs fixed positive sizes "
                        + "for every axis but the batch");
                return;
            }
            shape[i - 1] = (int) d.getDimValue();
        }
        if (dims.size() == 4 && readsChannelsLast(name)) {
            shape = new int[] {shape[2], shape[0], shape[1]};
            channelsLastInput = name;
        }
        Input node = new Input(names.newValueName(name), options.inputDType(), Shape.of(shape),
                options.inputScale(), span);
        builder.add(node);
        values.put(name, new Activation(node.name()));
    }

    /**
     * Whether the input is N×H×W×C and every reader transposes it to N×C×H×W (perm [0,3,1,2]), as a Keras-style
     * model does: the IR input is then [C,H,W] and those Transposes are the identity. Data for the imported model is
     * laid out channel first.
     */
    private boolean readsChannelsLast(String input) {
        List<Integer> users = readers.getOrDefault(input, List.of());
        return !users.isEmpty() && !graphOutputs.contains(input) && users.stream().map(graph::getNode).allMatch(node ->
                        node.getOpType().equals("Transpose") && isDefaultDomain(node)
                        && Arrays.equals(new OnnxNode(node, new DiagnosticBag(), span).intsAttribute("perm")
                                .orElse(null), CHANNELS_FIRST));
    }

    /** The IR output is the value that computes the ONNX graph output, seen through Identity aliases. */
    private void declareOutput(String output) {
        Value value = values.get(output);
        if (value == null && initializers.containsKey(output)) {
            value = lookup(output, null);
        }
        if (value instanceof View w) {
            String affine = materialize(w.node(), output, w);
            value = affine == null ? BROKEN : new Activation(affine);
        }
        if (value instanceof Activation a) {
            builder.output(a.name());
        } else if (value instanceof Constant) {
            graphError("the graph output '" + output + "' is a constant, not computed from the input");
        } else if (value == null) {
            graphError("no node computes the graph output '" + output + "'");
        } else if (!diagnostics.hasErrors()) {
            graphError("the graph output '" + output + "' could not be lowered");
        }
    }

    private void lowerNode(OnnxNode n) {
        errorsBeforeNode = errorCount();
        if (!isDefaultDomain(n.proto())) {
            diagnostics.report(DiagnosticCode.ONNX_UNSUPPORTED_OPERATOR, span, n.proto().getDomain() + "."
                    + n.opType(), n.label(), SUPPORTED);
        } else {
            switch (n.opType()) {
                case "Conv" -> conv(n);
                case "Gemm" -> gemm(n);
                case "MatMul" -> matMul(n);
                case "Add" -> add(n);
                case "Sub" -> arithmetic(n, AffineView.Arithmetic.SUB);
                case "Mul" -> arithmetic(n, AffineView.Arithmetic.MUL);
                case "Div" -> arithmetic(n, AffineView.Arithmetic.DIV);
                case "Pad" -> pad(n);
                case "Transpose" -> transpose(n);
                case "ReduceMean" -> reduceMean(n);
                case "Squeeze" -> squeeze(n);
                case "ConstantOfShape" -> constantOfShape(n);
                case "Slice" -> slice(n);
                case "Cast" -> cast(n);
                case "Relu" -> relu(n);
                case "BatchNormalization" -> batchNorm(n);
                case "MaxPool", "AveragePool" -> pool(n);
                case "GlobalAveragePool" -> globalAveragePool(n);
                case "Flatten" -> flatten(n);
                case "Reshape" -> reshape(n);
                case "Concat" -> concat(n);
                case "Softmax" -> softmax(n);
                case "Dropout" -> dropout(n);
                case "Identity" -> identity(n);
                case "Constant" -> constantNode(n);
                case "Shape" -> shapeOperator(n);
                case "Gather" -> gather(n);
                case "Unsqueeze" -> unsqueeze(n);
                default -> diagnostics.report(DiagnosticCode.ONNX_UNSUPPORTED_OPERATOR, span, n.opType(), n.label(),
                        SUPPORTED);
            }
        }
        for (String out : n.outputs()) {
            if (!out.isEmpty()) {
                values.putIfAbsent(out, BROKEN);
            }
        }
    }

    // ---------------------------------------------------------------- weighted layers

    /** Identity adds no node: its output becomes another name for its operand (activation or constant). */
    private void identity(OnnxNode n) {
        if (n.input(0).isEmpty()) {
            n.unsupported("operand 1 is missing");
            return;
        }
        Value value = lookup(n.input(0).get(), n);
        n.output(0).ifPresent(out -> values.put(out, value));
    }

    private void relu(OnnxNode n) {
        String x = activation(n, 0);
        if (x != null) {
            emit(n, name -> new Relu(name, x, span));
        }
    }

    private void conv(OnnxNode n) {
        Value operand = n.input(0).map(in -> lookup(in, n)).orElse(BROKEN);
        AffineView view = operand instanceof View v ? v.view() : null;
        Padding padded = operand instanceof PendingPad p ? p.padding() : Padding.NONE;
        String x = view != null ? view.source() : operand instanceof PendingPad p ? p.input() : activation(n, 0);
        Constant w = required(n, 1, "weight W");
        Constant b = n.input(2).isPresent() ? constant(n, 2) : null;
        long group = n.intAttribute("group", 1);
        checkDilations(n);
        if (x == null || w == null || (b == null && n.input(2).isPresent()) || failed()) {
            return;
        }
        if (w.data().rank() != 4) {
            n.unsupported("weight '" + w.onnxName() + "' has shape " + w.data().dimsText()
                    + "; snnc imports 2-D convolutions, whose weight is [F, C/group, kH, kW]");
            return;
        }
        if (group < 1 || group > Integer.MAX_VALUE) {
            n.unsupported("group " + group + " is not a positive count");
            return;
        }
        Tensor weight = tensor(n, w);
        Tensor bias = b == null ? null : tensor(n, b);
        if (weight == null || (b != null && bias == null)) {
            return;
        }
        int kh = weight.shape().dim(2);
        int kw = weight.shape().dim(3);
        Optional<long[]> kernel = n.intsAttribute("kernel_shape");
        if (kernel.isPresent() && !Arrays.equals(kernel.get(), new long[] {kh, kw})) {
            n.unsupported("kernel_shape " + Arrays.toString(kernel.get()) + " disagrees with weight '"
                    + w.onnxName() + "' of shape " + w.data().dimsText());
            return;
        }
        Window2d window = widened(n, window(n, x, kh, kw), padded);
        if (window == null) {
            return;
        }
        if (view != null && !(view.width() == weight.shape().dim(1) * group && !view.channelAxisDropped()
                && (group == 1 || view.isIdentityMap()) && (window.padding().equals(Padding.NONE) || !view.hasShift()))) {
            // Padded cells of the view are 0, not its shift, so the shift stays an explicit affine layer.
            String affine = materialize(n, n.input(0).orElseThrow(), (View) operand);
            if (affine != null) {
                emitConv(n, affine, w, weight, b, bias, window, (int) group, null);
            }
            return;
        }
        emitConv(n, x, w, weight, b, bias, window, (int) group, view);
    }

    /** The conv of {@link #conv}, with {@code view} (if any) folded into its weight and bias. */
    private void emitConv(OnnxNode n, String x, Constant w, Tensor weight, Constant b, Tensor bias, Window2d window,
            int group, AffineView view) {
        ParamRef weightRef;
        Optional<ParamRef> biasRef;
        if (view == null) {
            weightRef = param(w, weight, "");
            biasRef = b == null ? Optional.empty() : Optional.of(param(b, bias, ""));
        } else {
            AffineView.Folded folded = view.foldIntoConv(weight, bias == null ? null : bias.toArray(), group);
            weightRef = param(w, folded.weight(), ".folded");
            biasRef = foldedBias(w, b, folded);
        }
        emit(n, name -> new Conv2d(name, x, weight.shape().dim(0), window, group, weightRef, biasRef, span));
    }

    /** The bias of a layer a view folded into: b′ under the bias's key + .folded, or the weight's + .folded_bias. */
    private Optional<ParamRef> foldedBias(Constant w, Constant b, AffineView.Folded folded) {
        if (folded.bias() == null) {
            return Optional.empty();
        }
        Tensor bias = Tensor.wrap(Shape.of(folded.bias().length), folded.bias());
        return Optional.of(b == null ? param(w, bias, ".folded_bias") : param(b, bias, ".folded"));
    }

    private void gemm(OnnxNode n) {
        AffineView view = denseView(n);
        String a = view != null ? view.source() : activation(n, 0);
        Constant b = required(n, 1, "matrix B");
        Constant c = n.input(2).isPresent() ? constant(n, 2) : null;
        if (n.intAttribute("transA", 0) != 0) {
            n.unsupported("transA = 1; snnc imports Gemm with the activation A as a [1, K] row (transA = 0)");
        }
        boolean transB = n.intAttribute("transB", 0) != 0;
        double alpha = n.floatAttribute("alpha", 1);
        double beta = n.floatAttribute("beta", 1);
        if (a == null || b == null || (c == null && n.input(2).isPresent()) || failed()) {
            return;
        }
        dense(n, n.output(0).orElse(""), a, view, b, transB, alpha, c, beta);
    }

    private void matMul(OnnxNode n) {
        AffineView view = denseView(n);
        String a = view != null ? view.source() : activation(n, 0);
        Constant b = required(n, 1, "matrix B");
        if (a == null || b == null || failed()) {
            return;
        }
        if (b.data().rank() != 2) {
            n.unsupported("operand '" + b.onnxName() + "' has shape " + b.data().dimsText()
                    + "; snnc imports MatMul by a [K, N] matrix as a dense layer");
            return;
        }
        String out = n.output(0).orElse("");
        if (fusesWithAdd(out)) {
            values.put(out, new PendingMatMul(n, a, view, b));
        } else {
            dense(n, out, a, view, b, false, 1, null, 1);
        }
    }

    /** Operand 0 of a Gemm or MatMul when it is a view of features, which the dense layer absorbs. */
    private AffineView denseView(OnnxNode n) {
        Value v = n.input(0).map(in -> values.get(in)).orElse(null);
        if (!(v instanceof View w) || w.view().channelAxisDropped()) {
            return null;
        }
        Optional<Shape> source = shapeOf(w.view().source(), n);
        return source.isPresent() && source.get().rank() == 1 ? w.view() : null;
    }

    /** Whether {@code out}'s only reader is an Add of {@code out} and a constant, and no graph output is {@code out}. */
    private boolean fusesWithAdd(String out) {
        List<Integer> users = readers.getOrDefault(out, List.of());
        if (out.isEmpty() || graphOutputs.contains(out) || users.size() != 1) {
            return false;
        }
        NodeProto add = graph.getNode(users.get(0));
        if (!add.getOpType().equals("Add") || !isDefaultDomain(add) || add.getInputCount() != 2) {
            return false;
        }
        String other = add.getInput(0).equals(out) ? add.getInput(1) : add.getInput(0);
        return !other.equals(out) && (initializers.containsKey(other) || constantNodeOutputs.contains(other)
                || values.get(other) instanceof Constant);
    }

    /**
     * A dense layer from Gemm (or MatMul, with transB = 0, α = β = 1): Y = α·A·B′ + β·C, B′ = Bᵀ if transB else B,
     * so W = α·(transB ? B : Bᵀ), which is [N, K], and b = β·C broadcast to [N]. The layer is named after {@code n}
     * and computes the ONNX value {@code output} (the Add's output when a MatMul and its bias Add fuse). A
     * {@code view} of its input (or null) folds into W and b as {@link AffineView} states.
     */
    private void dense(OnnxNode n, String output, String a, AffineView view, Constant b, boolean transB, double alpha,
            Constant c, double beta) {
        if (b.data().rank() != 2) {
            n.unsupported("matrix '" + b.onnxName() + "' has shape " + b.data().dimsText() + "; expected rank 2");
            return;
        }
        int rows = (int) (long) b.data().dims().get(0);
        int cols = (int) (long) b.data().dims().get(1);
        if (rows <= 0 || cols <= 0) {
            n.unsupported("matrix '" + b.onnxName() + "' has shape " + b.data().dimsText());
            return;
        }
        int units = transB ? rows : cols;
        int fanIn = transB ? cols : rows;
        double[] src = b.data().values();
        double[] w = new double[units * fanIn];
        for (int u = 0; u < units; u++) {
            for (int k = 0; k < fanIn; k++) {
                w[u * fanIn + k] = alpha * (transB ? src[u * fanIn + k] : src[k * units + u]);
            }
        }
        double[] bv = null;
        if (c != null) {
            int count = c.data().size();
            if (count != units && count != 1) {
                n.unsupported("bias '" + c.onnxName() + "' of shape " + c.data().dimsText()
                        + " does not broadcast to [" + units + "]");
                return;
            }
            bv = new double[units];
            for (int u = 0; u < units; u++) {
                bv[u] = beta * c.data().values()[count == 1 ? 0 : u];
            }
        }
        String suffix = (transB ? "" : ".T") + (alpha != 1 ? ".scaled" : "");
        String biasSuffix = c == null ? "" : (c.data().size() == 1 && units > 1 ? ".broadcast" : "")
                + (beta != 1 ? ".scaled" : "");
        Tensor weightTensor = Tensor.wrap(Shape.of(units, fanIn), w);
        ParamRef weight;
        Optional<ParamRef> biasRef;
        if (view == null) {
            weight = param(b, weightTensor, suffix);
            double[] biasValues = bv;
            biasRef = c == null ? Optional.empty() : Optional.of(param(c, Tensor.wrap(Shape.of(units), biasValues),
                    biasSuffix));
        } else if (view.width() != fanIn) {
            n.unsupported("its input has " + view.width() + " features, but matrix '" + b.onnxName() + "' takes "
                    + fanIn);
            return;
        } else {
            AffineView.Folded folded = view.foldIntoDense(weightTensor, bv);
            weight = param(b, folded.weight(), suffix + ".folded");
            biasRef = folded.bias() == null ? Optional.empty() : Optional.of(c == null
                    ? param(b, Tensor.wrap(Shape.of(units), folded.bias()), suffix + ".folded_bias")
                    : param(c, Tensor.wrap(Shape.of(units), folded.bias()), biasSuffix + ".folded"));
        }
        emit(n, output, name -> new Dense(name, a, units, weight, biasRef, span));
    }

    private void add(OnnxNode n) {
        if (n.inputs().size() != 2 || n.input(0).isEmpty() || n.input(1).isEmpty()) {
            n.unsupported("Add takes two operands, got " + n.inputs().size());
            return;
        }
        Value left = lookup(n.input(0).get(), n);
        Value right = lookup(n.input(1).get(), n);
        String out = n.output(0).orElse("");
        if (left instanceof PendingMatMul m && right instanceof Constant c) {
            dense(m.node(), out, m.input(), m.view(), m.matrix(), false, 1, c, 1);
        } else if (right instanceof PendingMatMul m && left instanceof Constant c) {
            dense(m.node(), out, m.input(), m.view(), m.matrix(), false, 1, c, 1);
        } else if (left instanceof Constant || right instanceof Constant) {
            arithmetic(n, AffineView.Arithmetic.ADD);
        } else {
            String l = activation(n, 0);
            String r = activation(n, 1);
            if (l != null && r != null) {
                emit(n, name -> new Add(name, List.of(l, r), span));
            }
        }
    }

    /**
     * Add, Sub, Mul or Div of an activation and a constant that is one value or one per channel (ONNX shape [C,1,1],
     * [1,C,1,1], or [C] for features): a per-channel affine map that the reading layer folds in (see
     * {@link AffineView}). A constant divided by an activation is not affine and is refused.
     */
    private void arithmetic(OnnxNode n, AffineView.Arithmetic op) {
        if (n.inputs().size() != 2 || n.input(0).isEmpty() || n.input(1).isEmpty()) {
            n.unsupported(n.opType() + " takes two operands, got " + n.inputs().size());
            return;
        }
        Value left = lookup(n.input(0).get(), n);
        Value right = lookup(n.input(1).get(), n);
        if (left instanceof Broken || right instanceof Broken) {
            return;
        }
        boolean constantFirst = left instanceof Constant;
        if (constantFirst == right instanceof Constant) {
            n.unsupported(constantFirst ? "both operands are constants, and snnc folds constants only into shapes"
                    : "both operands are activations; snnc imports " + n.opType() + " of an activation and a "
                    + "constant only" + (op == AffineView.Arithmetic.ADD ? ", or Add of two activations" : ""));
            return;
        }
        if (op == AffineView.Arithmetic.DIV && constantFirst) {
            n.unsupported("it divides a constant by an activation, which is not an affine map");
            return;
        }
        Constant c = (Constant) (constantFirst ? left : right);
        AffineView view = viewOf(n, constantFirst ? 1 : 0);
        double[] a = view == null ? null : perChannel(n, c, view);
        if (a == null || failed()) {
            return;
        }
        if (op == AffineView.Arithmetic.DIV && Arrays.stream(a).anyMatch(v -> v == 0)) {
            n.unsupported("divisor '" + c.onnxName() + "' holds a zero");
            return;
        }
        bindView(n, view.apply(op, a, constantFirst));
    }

    /** Operand {@code index} as a per-channel affine view: a pending one, or an activation as the identity map. */
    private AffineView viewOf(OnnxNode n, int index) {
        Value v = lookup(n.input(index).orElseThrow(), n);
        if (v instanceof View w) {
            return w.view();
        }
        String x = activation(n, index);
        Optional<Shape> in = x == null ? Optional.empty() : shapeOf(x, n);
        return in.map(shape -> AffineView.identity(x, shape.dim(0))).orElse(null);
    }

    /**
     * The values of constant {@code c} per channel of {@code view}: one value, or one per channel when c's
     * dimensions, aligned to the right of the view's ONNX shape as broadcasting does, are 1 except on axis 1.
     */
    private double[] perChannel(OnnxNode n, Constant c, AffineView view) {
        Optional<Shape> source = shapeOf(view.source(), n);
        if (source.isEmpty()) {
            return null;
        }
        int rank = source.get().rank() + (view.channelAxisDropped() ? 0 : 1);
        List<Long> dims = c.data().dims();
        boolean fits = dims.size() <= rank;
        for (int i = 0; fits && i < dims.size(); i++) {
            boolean channelAxis = rank - dims.size() + i == 1 && !view.channelAxisDropped();
            fits = dims.get(i) == 1 || channelAxis && dims.get(i) == view.width();
        }
        if (!fits) {
            n.unsupported("constant '" + c.onnxName() + "' of shape " + c.data().dimsText() + " is neither one value "
                    + "nor one per channel of its " + view.width() + "-channel operand; snnc folds per-channel "
                    + "constants only");
            return null;
        }
        return c.data().values();
    }

    private void bindView(OnnxNode n, AffineView view) {
        n.output(0).ifPresent(out -> values.put(out, new View(n, view)));
    }

    /**
     * Emits a view that no weighted layer absorbs as an explicit {@link Affine} (scale s, shift t) named after the
     * node that made it, when its channel map is the identity; {@code reader} reports it otherwise.
     */
    private String materialize(OnnxNode reader, String onnxName, View w) {
        AffineView view = w.view();
        if (!view.isIdentityMap()) {
            reader.unsupported("operand '" + onnxName + "' picks or reorders channels (node '" + w.node().label()
                    + "', " + w.node().opType() + "); snnc folds that only into a Conv, Gemm or MatMul that reads it");
            return null;
        }
        String base = OnnxNames.key(w.node().label());
        ParamRef scale = newParam(base + ".scale", Tensor.of(Shape.of(view.width()), view.scale()));
        Optional<ParamRef> shift = view.hasShift()
                ? Optional.of(newParam(base + ".shift", Tensor.of(Shape.of(view.width()), view.shift())))
                : Optional.empty();
        String name = names.newValueName(graphOutputs.contains(onnxName) ? onnxName : w.node().label());
        builder.add(new Affine(name, view.source(), scale, shift, span));
        values.put(onnxName, new Activation(name));
        return name;
    }

    private void batchNorm(OnnxNode n) {
        String x = activation(n, 0);
        Constant gamma = required(n, 1, "scale");
        Constant beta = required(n, 2, "bias B");
        Constant mean = required(n, 3, "input_mean");
        Constant variance = required(n, 4, "input_var");
        double epsilon = n.floatAttribute("epsilon", 1e-5);
        if (n.intAttribute("training_mode", 0) != 0) {
            n.unsupported("training_mode = 1; snnc imports batch normalization in inference mode");
        }
        if (n.has("spatial") && n.intAttribute("spatial", 1) == 0) {
            n.unsupported("spatial = 0; snnc imports per-channel batch normalization");
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            rejectUsedOutput(n, i, "running statistics");
        }
        if (x == null || gamma == null || beta == null || mean == null || variance == null || failed()) {
            return;
        }
        Tensor[] t = {tensor(n, gamma), tensor(n, beta), tensor(n, mean), tensor(n, variance)};
        if (Arrays.stream(t).anyMatch(v -> v == null)) {
            return;
        }
        ParamRef g = param(gamma, t[0], "");
        ParamRef bt = param(beta, t[1], "");
        ParamRef mu = param(mean, t[2], "");
        ParamRef var = param(variance, t[3], "");
        emit(n, name -> new BatchNorm(name, x, epsilon, g, bt, mu, var, span));
    }

    // ---------------------------------------------------------------- windows

    /**
     * MaxPool and AveragePool. A zero Pad before the pool widens its window: exact for a max pool when the padded
     * input is ≥ 0 (a Relu's output), since max(x, 0) = x there and the IR's −∞ padding never wins, and provided
     * every window still covers an input cell; exact for an average pool whose divisor then counts every cell,
     * kH·kW (count_include_pad), which is refused when the pool's own pads are left out of the divisor.
     */
    private void pool(OnnxNode n) {
        boolean max = n.opType().equals("MaxPool");
        Value operand = n.input(0).map(in -> lookup(in, n)).orElse(BROKEN);
        PendingPad pad = operand instanceof PendingPad p ? p : null;
        String x = pad != null ? pad.input() : activation(n, 0);
        checkDilations(n);
        if (max) {
            rejectUsedOutput(n, 1, "Indices");
        }
        Optional<long[]> kernel = n.intsAttribute("kernel_shape");
        if (kernel.isEmpty()) {
            n.unsupported("kernel_shape is missing");
        } else if (kernel.get().length != 2 || kernel.get()[0] <= 0 || kernel.get()[1] <= 0
                || kernel.get()[0] > Integer.MAX_VALUE || kernel.get()[1] > Integer.MAX_VALUE) {
            n.unsupported("kernel_shape " + Arrays.toString(kernel.get()) + "; snnc pools 2-D windows");
        }
        if (x == null || failed()) {
            return;
        }
        Window2d own = window(n, x, (int) kernel.get()[0], (int) kernel.get()[1]);
        Window2d window = widened(n, own, pad == null ? Padding.NONE : pad.padding());
        if (window == null || !ceilModeAgrees(n, x, window)) {
            return;
        }
        boolean countPad = n.intAttribute("count_include_pad", 0) != 0 || pad != null;
        if (pad != null && max) {
            Padding p = window.padding();
            if (!nonNegative(x)) {
                n.unsupported("Pad '" + pad.node().label() + "' pads its input with zeros and snnc's max pooling pads "
                        + "with −∞; the two agree only on inputs ≥ 0, such as a Relu's output, and this input is not "
                        + "known to be");
            } else if (Math.max(p.top(), p.bottom()) >= own.kernelH() || Math.max(p.left(), p.right()) >= own.kernelW()) {
                n.unsupported("Pad '" + pad.node().label() + "' makes windows of padding alone, whose maximum 0 "
                        + "snnc's −∞ padding cannot give");
            }
        } else if (pad != null && !own.padding().equals(Padding.NONE) && n.intAttribute("count_include_pad", 0) == 0) {
            n.unsupported("Pad '" + pad.node().label() + "' adds zeros that count in the divisor, while the pool's "
                    + "own pads do not (count_include_pad = 0); snnc's avgpool has one divisor for all its padding");
        }
        if (failed()) {
            return;
        }
        emit(n, name -> max ? new MaxPool(name, x, window, span) : new AvgPool(name, x, window, countPad, span));
    }

    /** Whether IR value {@code irName} is ≥ 0 for every input: a Relu, or pooling, flattening or joining of such. */
    private boolean nonNegative(String irName) {
        Node node = builder.nodes().get(irName);
        return node instanceof Relu || (node instanceof MaxPool || node instanceof AvgPool || node instanceof Flatten
                || node instanceof Dropout || node instanceof Concat) && node.inputs().stream().allMatch(this::nonNegative);
    }

    /**
     * {@code window} with the zeros of a folded Pad added to its padding: for a Conv, Σ W·pad(pad(x)) = Σ W·pad′(x)
     * with pad′ the sum of both. A Pad before an auto_pad SAME window is refused: its padding depends on the padded
     * size.
     */
    private Window2d widened(OnnxNode n, Window2d window, Padding extra) {
        if (window == null || extra.equals(Padding.NONE)) {
            return window;
        }
        String autoPad = n.stringAttribute("auto_pad", "NOTSET");
        if (autoPad.startsWith("SAME")) {
            n.unsupported("auto_pad " + autoPad + " after a Pad; snnc folds a Pad into explicit pads only");
            return null;
        }
        Padding p = window.padding();
        return new Window2d(window.kernelH(), window.kernelW(), window.strideH(), window.strideW(), new Padding(
                p.top() + extra.top(), p.left() + extra.left(), p.bottom() + extra.bottom(), p.right() + extra.right()));
    }

    /** ceil_mode = 1 is accepted only where it rounds like floor mode: where every stride divides evenly. */
    private boolean ceilModeAgrees(OnnxNode n, String x, Window2d w) {
        if (n.intAttribute("ceil_mode", 0) == 0) {
            return true;
        }
        Optional<Shape> in = shapeOf(x, n);
        if (in.isEmpty() || !hasRank3(n, in.get())) {
            return false;
        }
        Padding p = w.padding();
        int spanH = in.get().dim(1) + p.top() + p.bottom() - w.kernelH();
        int spanW = in.get().dim(2) + p.left() + p.right() - w.kernelW();
        if (spanH < 0 || spanW < 0 || spanH % w.strideH() != 0 || spanW % w.strideW() != 0) {
            n.unsupported("ceil_mode = 1 would add a partial window to the " + in.get().dim(1) + "x"
                    + in.get().dim(2) + " input; snnc's windows round down (ceil_mode = 0)");
            return false;
        }
        return true;
    }

    private void globalAveragePool(OnnxNode n) {
        String x = activation(n, 0);
        if (x == null || failed()) {
            return;
        }
        Optional<Shape> in = shapeOf(x, n);
        if (in.isEmpty() || !hasRank3(n, in.get())) {
            return;
        }
        emit(n, name -> wholeMapPool(name, x, in.get()));
    }

    /** The average pool over all of an H×W map: y[c] = Σ_{i,j} x[c,i,j] / (H·W). */
    private AvgPool wholeMapPool(String name, String x, Shape in) {
        // One window covers the map, so the stride is moot; stride = kernel is pooling's default and prints shortest.
        int h = in.dim(1);
        int w = in.dim(2);
        return new AvgPool(name, x, new Window2d(h, w, h, w, Padding.NONE), false, span);
    }

    /**
     * The window of a Conv or pool node: strides (default 1), and ONNX pads [top, left, bottom, right] (the begins of
     * H and W, then their ends), or auto_pad. VALID pads nothing; SAME_UPPER and SAME_LOWER pad so that the output
     * is ⌈in / stride⌉ with total padding max(0, (⌈in/s⌉ − 1)·s + k − in), the odd pixel going to the end (UPPER)
     * or the beginning (LOWER).
     */
    private Window2d window(OnnxNode n, String x, int kh, int kw) {
        long[] strides = n.intsAttribute("strides").orElse(new long[] {1, 1});
        long[] pads = n.intsAttribute("pads").orElse(new long[4]);
        String autoPad = n.stringAttribute("auto_pad", "NOTSET");
        if (strides.length != 2 || Arrays.stream(strides).anyMatch(s -> s <= 0 || s > Integer.MAX_VALUE)) {
            n.unsupported("strides " + Arrays.toString(strides) + "; snnc needs two positive strides (2-D)");
            return null;
        }
        if (pads.length != 4 || Arrays.stream(pads).anyMatch(p -> p < 0 || p > Integer.MAX_VALUE)) {
            n.unsupported("pads " + Arrays.toString(pads) + "; snnc needs four non-negative pads "
                    + "[top, left, bottom, right]");
            return null;
        }
        int sh = (int) strides[0];
        int sw = (int) strides[1];
        boolean explicitPads = Arrays.stream(pads).anyMatch(p -> p != 0);
        switch (autoPad) {
            case "NOTSET", "" -> {
                return new Window2d(kh, kw, sh, sw, new Padding((int) pads[0], (int) pads[1], (int) pads[2],
                        (int) pads[3]));
            }
            case "VALID", "SAME_UPPER", "SAME_LOWER" -> {
                if (explicitPads) {
                    n.unsupported("auto_pad " + autoPad + " together with pads " + Arrays.toString(pads));
                    return null;
                }
                if (autoPad.equals("VALID")) {
                    return new Window2d(kh, kw, sh, sw, Padding.NONE);
                }
                Optional<Shape> in = shapeOf(x, n);
                if (in.isEmpty() || !hasRank3(n, in.get())) {
                    return null;
                }
                boolean upper = autoPad.equals("SAME_UPPER");
                int[] v = samePadding(in.get().dim(1), kh, sh, upper);
                int[] h = samePadding(in.get().dim(2), kw, sw, upper);
                return new Window2d(kh, kw, sh, sw, new Padding(v[0], h[0], v[1], h[1]));
            }
            default -> {
                n.unsupported("auto_pad '" + autoPad + "'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
                return null;
            }
        }
    }

    private static int[] samePadding(int in, int kernel, int stride, boolean upper) {
        int out = Math.floorDiv(in + stride - 1, stride);
        int total = Math.max(0, (out - 1) * stride + kernel - in);
        int small = total / 2;
        return upper ? new int[] {small, total - small} : new int[] {total - small, small};
    }

    private void checkDilations(OnnxNode n) {
        n.intsAttribute("dilations").filter(d -> Arrays.stream(d).anyMatch(v -> v != 1)).ifPresent(d ->
                n.unsupported("dilations " + Arrays.toString(d) + "; snnc supports dilation 1 only"));
    }

    // ---------------------------------------------------------------- shape-only operators

    /** Flatten with axis 1: [N, C, H, W] → [N, C·H·W]. */
    private void flatten(OnnxNode n) {
        long axis = n.intAttribute("axis", 1);
        long[] in = onnxDims(n);
        if (in == null || failed()) {
            return;
        }
        if ((axis < 0 ? axis + in.length : axis) != 1) {
            n.unsupported("axis " + axis + "; snnc flattens every axis but the batch (axis 1)");
            return;
        }
        reshapeTo(n, in, new long[] {batch, Arrays.stream(in).reduce(1, Math::multiplyExact) / batch});
    }

    /**
     * Reshape of a constant is folded. Of an activation, the target is resolved as ONNX does (0 copies the input's
     * dimension unless allowzero = 1, −1 takes what is left) and must flatten ([batch, features]), keep the shape, or
     * lead through further reshapes to one of those (see {@link #reshapeTo}).
     */
    private void reshape(OnnxNode n) {
        Value data = n.input(0).map(in -> lookup(in, n)).orElse(BROKEN);
        long[] target = null;
        if (n.input(1).isPresent()) {
            Constant c = constant(n, 1);
            target = c == null ? null : c.data().longs();
        } else if (n.intsAttribute("shape").isPresent()) {
            target = n.intsAttribute("shape").get();
        } else {
            n.unsupported("it has no target shape");
        }
        boolean allowZero = n.intAttribute("allowzero", 0) != 0;
        if (target == null || failed()) {
            return;
        }
        try {
            if (data instanceof Constant c) {
                bindConstant(n, ConstantFolding.reshape(c.data(), target, allowZero));
                return;
            }
            long[] in = onnxDims(n);
            if (in != null) {
                reshapeTo(n, in, ConstantFolding.resolveReshape(in, target, allowZero));
            }
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
        }
    }

    /** Squeeze of named axes of size 1 (axes from operand 2 from opset 13, else the attribute), never the batch. */
    private void squeeze(OnnxNode n) {
        long[] in = onnxDims(n);
        long[] axes = axesOperand(n);
        if (in == null || failed()) {
            return;
        }
        if (axes == null) {
            n.unsupported("it names no axes, so it would drop the batch axis too; snnc imports Squeeze of named axes");
            return;
        }
        Set<Integer> dropped = new HashSet<>();
        for (long a : axes) {
            int axis = (int) (a < 0 ? a + in.length : a);
            if (axis <= 0 || axis >= in.length || in[axis] != 1) {
                n.unsupported("axis " + a + " of a " + Arrays.toString(in) + " input is not an axis of size 1 "
                        + "other than the batch");
                return;
            }
            dropped.add(axis);
        }
        long[] out = new long[in.length - dropped.size()];
        for (int i = 0, j = 0; i < in.length; i++) {
            if (!dropped.contains(i)) {
                out[j++] = in[i];
            }
        }
        reshapeTo(n, in, out);
    }

    /** The axes of a Squeeze or Unsqueeze: operand 2 (opset 13 on), else the attribute; null when absent. */
    private long[] axesOperand(OnnxNode n) {
        return n.input(1).isPresent() ? longsOf(constant(n, 1)) : n.intsAttribute("axes").orElse(null);
    }

    /**
     * Binds the output of reshaping operator {@code n} (operand 0 of ONNX dimensions {@code in}) to dimensions
     * {@code out}: the same dimensions are no node; [batch, features] is a {@link Flatten} (none for an N×F input).
     * A Transpose before the flatten becomes a permutation of the features that the next dense layer folds in. Any
     * other shape is kept pending when only further reshapes read it, and refused otherwise: snnc's layers read
     * N×C×H×W or N×F.
     */
    private void reshapeTo(OnnxNode n, long[] in, long[] out) {
        Value v = lookup(n.input(0).orElseThrow(), n);
        String output = n.output(0).orElse("");
        long size = Arrays.stream(in).reduce(1, Math::multiplyExact) / batch;
        String base = v instanceof Reshaped r ? r.input() : v instanceof Activation a ? a.name() : null;
        Optional<long[]> baseDims = base == null ? Optional.empty() : shapeOf(base, n).map(this::onnxDims);
        if (baseDims.isPresent() && Arrays.equals(out, baseDims.get())) {
            values.put(output, new Activation(base));
        } else if (Arrays.equals(out, in)) {
            values.put(output, v);
        } else if (out.length == 2 && out[0] == batch && out[1] == size) {
            flattenValue(n, v);
        } else if (base != null && readers.getOrDefault(output, List.of()).stream().map(graph::getNode)
                .allMatch(r -> RESHAPES.contains(r.getOpType())) && !graphOutputs.contains(output)) {
            values.put(output, new Reshaped(n, base, out));
        } else {
            n.unsupported("it reshapes a " + Arrays.toString(in) + " input to " + Arrays.toString(out)
                    + "; snnc imports reshapes that flatten to [batch, features], here [" + batch + ", " + size + "]");
        }
    }

    /** The Flatten of value {@code v} for node {@code n}'s output. */
    private void flattenValue(OnnxNode n, Value v) {
        if (v instanceof PendingTranspose t) {
            flattenTransposed(n, t);
        } else if (v instanceof View w) {
            AffineView view = w.view();
            Optional<Shape> source = shapeOf(view.source(), n);
            if (source.isEmpty() || view.channelAxisDropped()) {
                n.unsupported("its operand is one channel picked by a Gather; snnc flattens whole maps");
            } else if (source.get().rank() == 1) {
                n.output(0).ifPresent(out -> values.put(out, v));
            } else {
                String flat = emit(n, name -> new Flatten(name, view.source(), span));
                if (flat != null) {
                    bindView(n, view.flattened(flat, source.get().dim(1) * source.get().dim(2)));
                }
            }
        } else {
            String x = v instanceof Reshaped r ? r.input() : activation(n, 0);
            Optional<Shape> in = x == null ? Optional.empty() : shapeOf(x, n);
            if (in.isPresent() && in.get().rank() == 1) {
                n.output(0).ifPresent(out -> values.put(out, new Activation(x)));
            } else if (in.isPresent()) {
                emit(n, name -> new Flatten(name, x, span));
            }
        }
    }

    /**
     * A Transpose then a flatten: feature k of the result is element k, in C order, of the transposed tensor, which is
     * element order[k] of the IR's C·H·W flatten. The identity order is a plain Flatten; any other becomes a
     * permutation view that the Gemm or MatMul reading it folds into its columns.
     */
    private void flattenTransposed(OnnxNode n, PendingTranspose t) {
        Optional<Shape> in = shapeOf(t.input(), n);
        if (in.isEmpty()) {
            return;
        }
        long[] dims = onnxDims(in.get());
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= dims[i];
        }
        int size = in.get().size();
        int[] order = new int[size];
        int[] index = new int[dims.length];
        boolean identity = true;
        for (int k = 0; k < size; k++) {
            long source = 0;
            for (int j = 1; j < dims.length; j++) {
                source += index[j] * strides[t.perm()[j]];
            }
            order[k] = (int) source;
            identity &= order[k] == k;
            for (int j = dims.length - 1; j > 0 && ++index[j] == dims[t.perm()[j]]; j--) {
                index[j] = 0;
            }
        }
        String flat = in.get().rank() == 1 ? t.input() : emit(n, name -> new Flatten(name, t.input(), span));
        if (flat != null && !identity) {
            bindView(n, AffineView.permutation(flat, order));
        } else if (flat != null) {
            n.output(0).ifPresent(out -> values.put(out, new Activation(flat)));
        }
    }

    /**
     * Transpose of a constant is folded. Of an activation it is accepted as the N×H×W×C → N×C×H×W Transpose of the
     * input (the IR input is then [C,H,W]), as the identity, or right before a flatten (see
     * {@link #flattenTransposed}).
     */
    private void transpose(OnnxNode n) {
        Value v = n.input(0).map(in -> lookup(in, n)).orElse(BROKEN);
        long[] perm = n.intsAttribute("perm").orElse(null);
        String output = n.output(0).orElse("");
        if (v instanceof Constant c) {
            try {
                bindConstant(n, ConstantFolding.transpose(c.data(), perm));
            } catch (ConstantFolding.FoldException e) {
                n.unsupported(e.getMessage());
            }
            return;
        }
        if (n.input(0).get().equals(channelsLastInput)) {
            values.put(output, v);
            return;
        }
        String x = activation(n, 0);
        Optional<Shape> in = x == null || failed() ? Optional.empty() : shapeOf(x, n);
        if (in.isEmpty()) {
            return;
        }
        int rank = in.get().rank() + 1;
        boolean permutes = perm == null || perm.length == rank && Arrays.stream(perm).sorted().boxed().toList()
                .equals(LongStream.range(0, rank).boxed().toList());
        int[] p = new int[rank];
        boolean identity = true;
        for (int i = 0; permutes && i < rank; i++) {
            p[i] = perm == null ? rank - 1 - i : (int) perm[i];
            identity &= p[i] == i;
        }
        boolean beforeFlatten = !graphOutputs.contains(output) && readers.getOrDefault(output, List.of()).stream()
                .map(graph::getNode).allMatch(r -> RESHAPES.contains(r.getOpType()));
        if (!permutes) {
            n.unsupported("perm " + Arrays.toString(perm) + " does not permute " + rank + " axes");
        } else if (identity) {
            values.put(output, v);
        } else if (p[0] != 0 || !beforeFlatten) {
            n.unsupported("perm " + Arrays.toString(p) + "; snnc imports Transpose only of an N×H×W×C input to "
                    + "N×C×H×W, or right before a flatten that a Gemm or MatMul reads");
        } else {
            values.put(output, new PendingTranspose(n, x, p));
        }
    }

    /** ReduceMean over H and W is a global average pool; with keepdims = 0, a Flatten follows it. */
    private void reduceMean(OnnxNode n) {
        String x = activation(n, 0);
        long[] axes = opset >= 18 ? (n.input(1).isPresent() ? longsOf(constant(n, 1)) : null)
                : n.intsAttribute("axes").orElse(null);
        boolean keepDims = n.intAttribute("keepdims", 1) != 0;
        if (x == null || failed()) {
            return;
        }
        Optional<Shape> in = shapeOf(x, n);
        if (in.isEmpty() || !hasRank3(n, in.get())) {
            return;
        }
        Set<Long> spatial = axes == null ? Set.of() : Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).boxed()
                .collect(Collectors.toSet());
        if (axes == null || axes.length != 2 || !spatial.equals(Set.of(2L, 3L))) {
            n.unsupported("axes " + (axes == null ? "(all)" : Arrays.toString(axes)) + "; snnc imports ReduceMean "
                    + "over H and W (axes 2 and 3) as a global average pool");
            return;
        }
        if (keepDims) {
            emit(n, name -> wholeMapPool(name, x, in.get()));
            return;
        }
        String pooled = names.newValueName(n.label());
        builder.add(wholeMapPool(pooled, x, in.get()));
        emit(n, name -> new Flatten(name, pooled, span));
    }

    private static long[] longsOf(Constant c) {
        return c == null ? null : c.data().longs();
    }

    private void concat(OnnxNode n) {
        List<Value> operands = new ArrayList<>();
        for (String in : n.inputs()) {
            operands.add(in.isEmpty() ? BROKEN : lookup(in, n));
        }
        if (!n.has("axis")) {
            n.unsupported("attribute 'axis' is missing");
        }
        long axis = n.intAttribute("axis", 1);
        if (operands.isEmpty() || failed() || operands.stream().anyMatch(v -> v instanceof Broken)) {
            return;
        }
        if (operands.size() == 1) {
            n.output(0).ifPresent(out -> values.put(out, operands.get(0)));
            return;
        }
        if (operands.stream().allMatch(v -> v instanceof Constant)) {
            List<OnnxConstant> parts = operands.stream().map(v -> ((Constant) v).data()).toList();
            if (parts.stream().anyMatch(p -> p.rank() != 1) || (axis != 0 && axis != -1)) {
                n.unsupported("snnc folds Concat of constants only along axis 0 of vectors");
                return;
            }
            bindConstant(n, OnnxConstant.vector(parts.stream().flatMapToDouble(p -> Arrays.stream(p.values()))
                    .toArray()));
            return;
        }
        if (operands.stream().anyMatch(v -> v instanceof Constant)) {
            n.unsupported("it mixes constants and activations; snnc concatenates activations only");
            return;
        }
        if (axis == 1 && concatViews(n, operands)) {
            return;
        }
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < operands.size(); i++) {
            inputs.add(activation(n, i));
        }
        if (inputs.contains(null)) {
            return;
        }
        Optional<Shape> first = shapeOf(inputs.get(0), n);
        if (first.isEmpty()) {
            return;
        }
        if (onnxAxis(axis, first.get()) != 1) {
            n.unsupported("axis " + axis + "; snnc concatenates along the channel axis (axis 1) only");
            return;
        }
        emit(n, name -> new Concat(name, inputs, span));
    }

    /**
     * A Concat along channels of views of one source (and that source itself) is one view; true when it bound one.
     * Such are the per-channel pieces of inception_v3's {@code transform_input}.
     */
    private boolean concatViews(OnnxNode n, List<Value> operands) {
        if (operands.stream().noneMatch(v -> v instanceof View)) {
            return false;
        }
        List<AffineView> parts = new ArrayList<>();
        for (int i = 0; i < operands.size(); i++) {
            AffineView part = operands.get(i) instanceof View w ? w.view()
                    : operands.get(i) instanceof Activation ? viewOf(n, i) : null;
            if (part == null || part.channelAxisDropped() || !part.source().equals(parts.isEmpty()
                    ? part.source() : parts.get(0).source())) {
                return false;
            }
            parts.add(part);
        }
        bindView(n, AffineView.concat(parts));
        return true;
    }

    private void softmax(OnnxNode n) {
        String x = activation(n, 0);
        long axis = n.intAttribute("axis", opset >= 13 ? -1 : 1);
        if (x == null || failed()) {
            return;
        }
        Optional<Shape> in = shapeOf(x, n);
        if (in.isEmpty()) {
            return;
        }
        if (in.get().rank() != 1) {
            n.unsupported("its input has shape [N," + in.get().toString().substring(1)
                    + "; snnc imports softmax over the features of an [N, K] input");
            return;
        }
        if (onnxAxis(axis, in.get()) != 1) {
            n.unsupported("axis " + axis + "; snnc imports softmax over the features (axis 1 or -1)");
            return;
        }
        emit(n, name -> new Softmax(name, x, span));
    }

    /** Dropout is the identity at inference; the IR keeps the node with its training ratio. */
    private void dropout(OnnxNode n) {
        String x = activation(n, 0);
        double ratio = 0.5;
        if (opset < 12) {
            ratio = n.floatAttribute("ratio", 0.5);
        } else if (n.input(1).isPresent()) {
            Constant r = constant(n, 1);
            ratio = r == null || r.data().size() != 1 ? ratio : r.data().values()[0];
            if (r != null && r.data().size() != 1) {
                n.unsupported("ratio '" + r.onnxName() + "' is not a scalar");
            }
        }
        if (n.input(2).isPresent()) {
            Constant mode = constant(n, 2);
            if (mode != null && Arrays.stream(mode.data().values()).anyMatch(v -> v != 0)) {
                n.unsupported("training_mode is true; snnc imports dropout in inference mode");
            }
        }
        rejectUsedOutput(n, 1, "mask");
        if (x == null || failed()) {
            return;
        }
        double rate = Double.parseDouble(Float.toString((float) ratio));
        emit(n, name -> new Dropout(name, x, rate, span));
    }

    // ---------------------------------------------------------------- Pad

    /**
     * A constant zero Pad of H and W, whose only reader is a Conv, MaxPool or AveragePool: that reader widens its
     * window's padding by the Pad's (see {@link #widened} and {@link #pool}). Pads come from operand 2 (opset 11 on,
     * with optional constant_value and axes operands) or the pads/paddings attribute; negative pads, pads of N or C,
     * a non-zero value and modes other than constant are refused.
     */
    private void pad(OnnxNode n) {
        String x = activation(n, 0);
        String mode = n.stringAttribute("mode", "constant");
        long[] pads;
        long[] axes = null;
        double value = n.floatAttribute("value", 0);
        if (opset >= 11) {
            pads = longsOf(required(n, 1, "pads"));
            Constant c = n.input(2).isPresent() ? constant(n, 2) : null;
            value = c == null || c.data().size() == 0 ? 0 : c.data().values()[0];
            axes = n.input(3).isPresent() ? longsOf(constant(n, 3)) : null;
        } else {
            pads = n.intsAttribute(opset < 2 ? "paddings" : "pads").orElse(null);
            if (pads == null) {
                n.unsupported("it has no pads");
            }
        }
        if (!mode.equals("constant")) {
            n.unsupported("mode '" + mode + "'; snnc folds only constant zero padding into a Conv or pool");
        }
        if (value != 0) {
            n.unsupported("value " + value + "; snnc folds only zero padding into a Conv or pool");
        }
        Optional<Shape> in = x == null || pads == null || failed() ? Optional.empty() : shapeOf(x, n);
        if (in.isEmpty() || !hasRank3(n, in.get())) {
            return;
        }
        long[] begin = new long[4];
        long[] end = new long[4];
        long[] padded = axes == null ? new long[] {0, 1, 2, 3} : axes;
        if (pads.length != 2 * padded.length) {
            n.unsupported("pads " + Arrays.toString(pads) + " do not give a begin and an end for each of "
                    + padded.length + " axes");
            return;
        }
        for (int i = 0; i < padded.length; i++) {
            int axis = (int) (padded[i] < 0 ? padded[i] + 4 : padded[i]);
            begin[axis] = pads[i];
            end[axis] = pads[i + padded.length];
        }
        String output = n.output(0).orElse("");
        List<Integer> users = readers.getOrDefault(output, List.of());
        NodeProto reader = users.size() == 1 ? graph.getNode(users.get(0)) : null;
        if (begin[0] != 0 || end[0] != 0 || begin[1] != 0 || end[1] != 0) {
            n.unsupported("pads " + Arrays.toString(pads) + " pad the batch or channel axis; snnc folds padding of "
                    + "H and W only");
        } else if (Arrays.stream(pads).anyMatch(p -> p < 0 || p > Integer.MAX_VALUE)) {
            n.unsupported("pads " + Arrays.toString(pads) + " crop; snnc folds non-negative padding only");
        } else if (reader == null || graphOutputs.contains(output) || !isDefaultDomain(reader)
                || !PADDED_WINDOWS.contains(reader.getOpType()) || !reader.getInput(0).equals(output)) {
            n.unsupported("its output is read by " + (users.isEmpty() ? "no node" : users.size() + " node(s), the "
                    + "first '" + new OnnxNode(graph.getNode(users.get(0)), new DiagnosticBag(), span).label() + "' ("
                    + graph.getNode(users.get(0)).getOpType() + ")") + "; snnc folds a Pad only into the one Conv, "
                    + "MaxPool or AveragePool that reads it");
        } else {
            values.put(output, new PendingPad(n, x, new Padding((int) begin[2], (int) begin[3], (int) end[2],
                    (int) end[3])));
        }
    }

    // ---------------------------------------------------------------- constants and their folding

    private void constantOfShape(OnnxNode n) {
        Constant shape = foldOperand(n, 0);
        double value = 0;
        if (n.tensorAttribute("value").isPresent()) {
            try {
                OnnxConstant v = OnnxConstant.decode(n.tensorAttribute("value").get());
                if (v.size() != 1) {
                    n.unsupported("its value holds " + v.size() + " elements, not one");
                } else {
                    value = v.values()[0];
                }
            } catch (OnnxConstant.DecodeException e) {
                n.unsupported("its value: " + e.getMessage());
            }
        }
        if (shape == null || failed()) {
            return;
        }
        try {
            bindConstant(n, ConstantFolding.constantOfShape(shape.data().longs(), value));
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
        }
    }

    /** Slice of a constant, with starts, ends, axes and steps as operands (opset 10 on) or attributes. */
    private void slice(OnnxNode n) {
        Constant data = foldOperand(n, 0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (opset >= 10) {
            starts = longsOf(required(n, 1, "starts"));
            ends = longsOf(required(n, 2, "ends"));
            axes = n.input(3).isPresent() ? longsOf(constant(n, 3)) : null;
            steps = n.input(4).isPresent() ? longsOf(constant(n, 4)) : null;
        } else {
            starts = n.intsAttribute("starts").orElse(null);
            ends = n.intsAttribute("ends").orElse(null);
            axes = n.intsAttribute("axes").orElse(null);
            if (starts == null || ends == null) {
                n.unsupported("it has no starts or ends");
            }
        }
        if (data == null || failed()) {
            return;
        }
        try {
            bindConstant(n, ConstantFolding.slice(data.data(), starts, ends, axes, steps));
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
        }
    }

    private void cast(OnnxNode n) {
        Constant data = foldOperand(n, 0);
        long to = n.intAttribute("to", 0);
        if (data == null || failed()) {
            return;
        }
        try {
            bindConstant(n, ConstantFolding.cast(data.data(), to));
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
        }
    }

    private void constantNode(OnnxNode n) {
        OnnxConstant value = null;
        try {
            if (n.tensorAttribute("value").isPresent()) {
                value = OnnxConstant.decode(n.tensorAttribute("value").get());
            } else if (n.has("value_float")) {
                value = new OnnxConstant(List.of(), new double[] {n.floatAttribute("value_float", 0)});
            } else if (n.has("value_floats")) {
                value = OnnxConstant.vector(n.floatsAttribute("value_floats").orElse(new double[0]));
            } else if (n.has("value_int")) {
                value = new OnnxConstant(List.of(), new double[] {n.intAttribute("value_int", 0)});
            } else if (n.has("value_ints")) {
                value = OnnxConstant.vector(Arrays.stream(n.intsAttribute("value_ints").orElse(new long[0]))
                        .asDoubleStream().toArray());
            } else {
                n.unsupported("snnc reads a Constant's value, value_float(s) or value_int(s) only");
            }
        } catch (OnnxConstant.DecodeException e) {
            n.unsupported("its value: " + e.getMessage());
        }
        if (value != null && !failed()) {
            bindConstant(n, value);
        }
    }

    /** Shape of an activation (with the batch) or a constant, with opset 15's start and end. */
    private void shapeOperator(OnnxNode n) {
        Value v = n.input(0).map(in -> lookup(in, n)).orElse(BROKEN);
        List<Long> dims = new ArrayList<>();
        if (v instanceof Constant c) {
            dims.addAll(c.data().dims());
        } else if (!(v instanceof Broken)) {
            long[] d = onnxDims(n);
            if (d == null) {
                return;
            }
            Arrays.stream(d).forEach(dims::add);
        } else {
            return;
        }
        int rank = dims.size();
        long start = clampAxis(n.intAttribute("start", 0), rank);
        long end = clampAxis(n.intAttribute("end", rank), rank);
        double[] out = dims.subList((int) start, (int) Math.max(start, end)).stream().mapToDouble(Long::doubleValue)
                .toArray();
        if (!failed()) {
            bindConstant(n, OnnxConstant.vector(out));
        }
    }

    private static long clampAxis(long axis, int rank) {
        return Math.max(0, Math.min(rank, axis < 0 ? axis + rank : axis));
    }

    private void gather(OnnxNode n) {
        Value source = n.input(0).map(in -> lookup(in, n)).orElse(BROKEN);
        if (source instanceof Activation || source instanceof View) {
            gatherChannels(n);
            return;
        }
        Constant data = foldOperand(n, 0);
        Constant indices = foldOperand(n, 1);
        long axis = n.intAttribute("axis", 0);
        if (data == null || indices == null || failed()) {
            return;
        }
        if (data.data().rank() != 1 || axis != 0) {
            n.unsupported("snnc folds Gather only from a constant vector along axis 0");
            return;
        }
        int size = data.data().size();
        double[] out = new double[indices.data().size()];
        for (int i = 0; i < out.length; i++) {
            long index = (long) indices.data().values()[i];
            long wrapped = index < 0 ? index + size : index;
            if (wrapped < 0 || wrapped >= size) {
                n.unsupported("index " + index + " is outside a vector of " + size);
                return;
            }
            out[i] = data.data().values()[(int) wrapped];
        }
        bindConstant(n, new OnnxConstant(indices.data().dims(), out));
    }

    /**
     * Gather along axis 1 of an activation picks channels: a scalar index c gives x[:, c] (the axis dropped), a vector
     * of indices the channels it lists; either is a view (see {@link AffineView}) that an Unsqueeze, a Concat and the
     * reading layer take up.
     */
    private void gatherChannels(OnnxNode n) {
        AffineView view = viewOf(n, 0);
        Constant indices = n.input(1).isPresent() ? constant(n, 1) : null;
        long axis = n.intAttribute("axis", 0);
        if (view == null || indices == null || failed()) {
            return;
        }
        if (axis != 1 || view.channelAxisDropped() || indices.data().rank() > 1) {
            n.unsupported("snnc imports Gather of an activation only along the channel axis (axis 1) by a scalar or "
                    + "a vector of indices");
            return;
        }
        int[] picks = new int[indices.data().size()];
        for (int i = 0; i < picks.length; i++) {
            long index = (long) indices.data().values()[i];
            long wrapped = index < 0 ? index + view.width() : index;
            if (wrapped < 0 || wrapped >= view.width()) {
                n.unsupported("index " + index + " is outside " + view.width() + " channels");
                return;
            }
            picks[i] = (int) wrapped;
        }
        bindView(n, view.gather(picks, indices.data().rank() == 0));
    }

    private void unsqueeze(OnnxNode n) {
        Value source = n.input(0).map(in -> lookup(in, n)).orElse(BROKEN);
        if (source instanceof View w && w.view().channelAxisDropped()) {
            long[] axes = axesOperand(n);
            if (axes != null && axes.length == 1 && (axes[0] == 1 || axes[0] == -3)) {
                bindView(n, w.view().restoreChannelAxis());
            } else if (!failed()) {
                n.unsupported("snnc restores a channel picked by Gather only at axis 1");
            }
            return;
        }
        if (!(source instanceof Constant || source instanceof Broken)) {
            long[] in = onnxDims(n);
            long[] axes = axesOperand(n);
            if (axes == null && !failed()) {
                n.unsupported("it has no axes");
            }
            if (in == null || axes == null || failed()) {
                return;
            }
            reshapeTo(n, in, unsqueezed(in, axes));
            return;
        }
        Constant data = foldOperand(n, 0);
        long[] axes = axesOperand(n);
        if (axes == null && !failed()) {
            n.unsupported("it has no axes");
        }
        if (data == null || axes == null || failed()) {
            return;
        }
        long[] dims = unsqueezed(data.data().dims().stream().mapToLong(Long::longValue).toArray(), axes);
        bindConstant(n, new OnnxConstant(Arrays.stream(dims).boxed().toList(), data.data().values()));
    }

    /** Dimensions {@code in} with an axis of size 1 inserted at each of {@code axes} (of the output's rank). */
    private static long[] unsqueezed(long[] in, long[] axes) {
        int rank = in.length + axes.length;
        Set<Long> inserted = new HashSet<>();
        for (long a : axes) {
            inserted.add(a < 0 ? a + rank : a);
        }
        long[] dims = new long[rank];
        int next = 0;
        for (int i = 0; i < rank; i++) {
            dims[i] = inserted.contains((long) i) ? 1L : in[next++];
        }
        return dims;
    }

    /** An operand of a folding operator, which must be constant. */
    private Constant foldOperand(OnnxNode n, int index) {
        Value v = n.input(index).map(in -> lookup(in, n)).orElse(BROKEN);
        if (!(v instanceof Constant || v instanceof Broken)) {
            n.unsupported("operand '" + n.input(index).orElse("") + "' is an activation; snnc imports "
                    + n.opType() + " only to compute a constant, such as a Reshape's target shape");
        }
        return v instanceof Constant c ? c : null;
    }

    private void bindConstant(OnnxNode n, OnnxConstant value) {
        n.output(0).ifPresent(out -> values.put(out,
                new Constant(OnnxNames.unique(OnnxNames.key(out), keysTaken), out, value)));
    }

    // ---------------------------------------------------------------- values, parameters and shapes

    private Value lookup(String name, OnnxNode reader) {
        Value value = values.get(name);
        if (value != null) {
            return value;
        }
        TensorProto init = initializers.get(name);
        if (init == null && sparseInitializers.contains(name)) {
            graphError("initializer '" + name + "' is sparse, which snnc does not read");
            value = BROKEN;
        } else if (init == null) {
            diagnostics.report(DiagnosticCode.ONNX_MALFORMED, span, "node '" + reader.label() + "' ("
                    + reader.opType() + ") reads '" + name + "', which no earlier node, graph input or initializer "
                    + "defines");
            value = BROKEN;
        } else {
            try {
                value = new Constant(initializerKeys.get(name), name, OnnxConstant.decode(init));
            } catch (OnnxConstant.DecodeException e) {
                graphError("initializer '" + name + "': " + e.getMessage());
                value = BROKEN;
            }
        }
        values.put(name, value);
        return value;
    }

    /** Operand {@code index} as an activation's IR name, or null (reported unless already broken). */
    private String activation(OnnxNode n, int index) {
        Optional<String> name = n.input(index);
        if (name.isEmpty()) {
            n.unsupported("operand " + (index + 1) + " is missing");
            return null;
        }
        Value v = lookup(name.get(), n);
        if (v instanceof Constant) {
            n.unsupported("operand '" + name.get() + "' is a constant; snnc expects an activation there");
        } else if (v instanceof PendingMatMul) {
            n.unsupported("operand '" + name.get() + "' is a MatMul that a later Add absorbs");
        } else if (v instanceof View w) {
            return materialize(n, name.get(), w);
        } else if (v instanceof PendingPad p) {
            n.unsupported("operand '" + name.get() + "' is Pad '" + p.node().label() + "', which snnc folds only into "
                    + "the Conv, MaxPool or AveragePool that reads it");
        } else if (v instanceof PendingTranspose t) {
            n.unsupported("operand '" + name.get() + "' is Transpose '" + t.node().label() + "', which snnc imports "
                    + "only right before a flatten");
        } else if (v instanceof Reshaped r) {
            n.unsupported("operand '" + name.get() + "' is reshaped by '" + r.node().label() + "' to "
                    + Arrays.toString(r.dims()) + "; snnc's layers read N×C×H×W or N×F");
        }
        return v instanceof Activation a ? a.name() : null;
    }

    /** The ONNX dimensions of operand 0, batch first, or null (reported). */
    private long[] onnxDims(OnnxNode n) {
        Value v = lookup(n.input(0).orElseThrow(), n);
        if (v instanceof Reshaped r) {
            return r.dims().clone();
        }
        String x = v instanceof PendingTranspose t ? t.input() : v instanceof View w ? w.view().source()
                : activation(n, 0);
        Optional<long[]> dims = x == null ? Optional.empty() : shapeOf(x, n).map(this::onnxDims);
        if (dims.isEmpty()) {
            return null;
        }
        long[] d = dims.get();
        if (v instanceof PendingTranspose t) {
            return Arrays.stream(t.perm()).mapToLong(axis -> d[axis]).toArray();
        }
        if (v instanceof View w) {
            d[1] = w.view().width();
            if (w.view().channelAxisDropped()) {
                long[] squeezed = new long[d.length - 1];
                squeezed[0] = d[0];
                System.arraycopy(d, 2, squeezed, 1, d.length - 2);
                return squeezed;
            }
        }
        return d;
    }

    /** The ONNX dimensions of an IR shape: the batch, then the shape. */
    private long[] onnxDims(Shape irShape) {
        long[] dims = new long[irShape.rank() + 1];
        dims[0] = batch;
        for (int i = 0; i < irShape.rank(); i++) {
            dims[i + 1] = irShape.dim(i);
        }
        return dims;
    }

    /** Reserves a parameter key derived from {@code base} for a tensor that no single constant holds. */
    private ParamRef newParam(String base, Tensor tensor) {
        String key = OnnxNames.unique(base, keysTaken);
        weights.put(key, tensor);
        return new ParamRef(key, span);
    }

    private Constant required(OnnxNode n, int index, String role) {
        if (n.input(index).isEmpty()) {
            n.unsupported(role + " (operand " + (index + 1) + ") is missing");
            return null;
        }
        return constant(n, index);
    }

    /** Operand {@code index} as a constant, or null (E0404 when it is computed at run time). */
    private Constant constant(OnnxNode n, int index) {
        String name = n.input(index).orElseThrow();
        Value v = lookup(name, n);
        if (!(v instanceof Constant || v instanceof Broken)) {
            diagnostics.report(DiagnosticCode.ONNX_DYNAMIC_WEIGHT, span, n.label(), n.opType(), name);
        }
        return v instanceof Constant c ? c : null;
    }

    private Tensor tensor(OnnxNode n, Constant c) {
        try {
            return c.data().toTensor();
        } catch (OnnxConstant.DecodeException e) {
            n.unsupported("'" + c.onnxName() + "': " + e.getMessage());
            return null;
        }
    }

    /**
     * The parameter for {@code tensor}, derived from constant {@code c}: under c's own key when {@code suffix} is
     * empty, else under key + suffix ({@code .T} transposed, {@code .scaled} multiplied by Gemm's α or β,
     * {@code .broadcast} a one-element bias repeated). A key already holding a different tensor gets {@code _2}, ….
     */
    private ParamRef param(Constant c, Tensor tensor, String suffix) {
        String base = c.key() + suffix;
        for (int k = 1; ; k++) {
            String key = k == 1 ? base : base + "_" + k;
            Tensor existing = weights.get(key);
            boolean own = key.equals(c.key());
            if (existing != null ? existing.equals(tensor) : own || !keysTaken.contains(key)) {
                weights.put(key, tensor);
                keysTaken.add(key);
                return new ParamRef(key, span);
            }
        }
    }

    /** The IR shape of a value lowered so far, inferring it from the nodes before it. */
    private Optional<Shape> shapeOf(String irName, OnnxNode reader) {
        Shape known = shapes.get(irName);
        if (known != null) {
            return Optional.of(known);
        }
        DiagnosticBag scratch = new DiagnosticBag();
        Graph sofar = new Graph(graphName, builder.nodes(), irName, Weights.of(weights), Optional.empty(), span);
        ShapeInference.Result result = ShapeInference.infer(sofar, scratch);
        shapes.putAll(result.shapes());
        if (!shapes.containsKey(irName)) {
            List<Diagnostic> errors = scratch.diagnostics().stream()
                    .filter(d -> d.severity() == Severity.ERROR).toList();
            if (errors.isEmpty()) {
                reader.unsupported("the shape of its operand '" + irName + "' is unknown");
            } else if (!shapeErrorsReported) {
                diagnostics.addAll(errors);
                shapeErrorsReported = true;
            }
            return Optional.empty();
        }
        return Optional.of(shapes.get(irName));
    }

    /** The ONNX axis {@code axis} of a value whose IR shape is {@code irShape}, made non-negative. */
    private static long onnxAxis(long axis, Shape irShape) {
        return axis < 0 ? axis + irShape.rank() + 1 : axis;
    }

    private static boolean hasRank3(OnnxNode n, Shape in) {
        if (in.rank() != 3) {
            n.unsupported("its input has shape [N," + in.toString().substring(1) + "; snnc needs N×C×H×W here");
            return false;
        }
        return true;
    }

    private void rejectUsedOutput(OnnxNode n, int index, String role) {
        n.output(index).filter(out -> readers.containsKey(out) || graphOutputs.contains(out)).ifPresent(out ->
                n.unsupported("its " + role + " output '" + out + "' is used; snnc imports only its first output"));
    }

    // ---------------------------------------------------------------- emission

    private interface NodeFactory {
        Node create(String name);
    }

    /** Adds the node built by {@code factory} for {@code n}'s first output, unless the node failed; its name or null. */
    private String emit(OnnxNode n, NodeFactory factory) {
        return emit(n, n.output(0).orElse(""), factory);
    }

    /**
     * Adds a node that computes ONNX value {@code output}, unless the current node failed. It is named after
     * {@code output} when that is the graph output, else after {@code namer} (see {@link OnnxNames}).
     */
    private String emit(OnnxNode namer, String output, NodeFactory factory) {
        if (failed()) {
            return null;
        }
        String name = names.newValueName(graphOutputs.contains(output) ? output : namer.label());
        Node node = factory.create(name);
        builder.add(node);
        if (!output.isEmpty()) {
            values.put(output, new Activation(name));
        }
        return name;
    }

    private boolean failed() {
        return errorCount() > errorsBeforeNode;
    }

    private int errorCount() {
        return diagnostics.diagnostics().size();
    }

    private void graphError(String message) {
        diagnostics.report(DiagnosticCode.ONNX_UNSUPPORTED_GRAPH, span, message);
    }

    private static boolean isDefaultDomain(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    private static String names(List<ValueInfoProto> infos) {
        return infos.stream().map(v -> "'" + v.getName() + "'").collect(Collectors.joining(", ", "(", ")"));
    }
}
