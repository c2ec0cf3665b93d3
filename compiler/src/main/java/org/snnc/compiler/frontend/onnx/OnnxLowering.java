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
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.Severity;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
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
            + "Gemm, GlobalAveragePool, Identity, MatMul, MaxPool, Relu, Reshape, Softmax "
            + "(and Shape, Gather, Unsqueeze when they compute a constant Reshape target)";

    /** What an ONNX value name stands for while lowering. */
    private sealed interface Value permits Activation, Constant, PendingMatMul, Broken {
    }

    /** A value computed by the IR node {@code name}. */
    private record Activation(String name) implements Value {
    }

    /** A constant; {@code key} is its parameter key when a node takes it as a weight unchanged. */
    private record Constant(String key, String onnxName, OnnxConstant data) implements Value {
    }

    /** A MatMul whose only reader is an Add of a constant; the Add emits the fused dense layer. */
    private record PendingMatMul(OnnxNode node, String input, Constant matrix) implements Value {
    }

    /** A value whose producer failed; its problem is already reported. */
    private record Broken() implements Value {
    }

    private static final Broken BROKEN = new Broken();

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
        if (dims.get(0).hasDimValue() && dims.get(0).getDimValue() != 1) {
            graphError("input '" + name + "' has shape " + shapeText + ", batch " + dims.get(0).getDimValue()
                    + "; snnc imports models of batch 1 or a symbolic batch");
            return;
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
        Input node = new Input(names.newValueName(name), options.inputDType(), Shape.of(shape),
                options.inputScale(), span);
        builder.add(node);
        values.put(name, new Activation(node.name()));
    }

    /** The IR output is the value that computes the ONNX graph output, seen through Identity aliases. */
    private void declareOutput(String output) {
        Value value = values.get(output);
        if (value == null && initializers.containsKey(output)) {
            value = lookup(output, null);
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
        String x = activation(n, 0);
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
        Window2d window = window(n, x, kh, kw);
        if (window == null) {
            return;
        }
        ParamRef weightRef = param(w, weight, "");
        Optional<ParamRef> biasRef = b == null ? Optional.empty() : Optional.of(param(b, bias, ""));
        emit(n, name -> new Conv2d(name, x, weight.shape().dim(0), window, (int) group, weightRef, biasRef, span));
    }

    private void gemm(OnnxNode n) {
        String a = activation(n, 0);
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
        dense(n, n.output(0).orElse(""), a, b, transB, alpha, c, beta);
    }

    private void matMul(OnnxNode n) {
        String a = activation(n, 0);
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
            values.put(out, new PendingMatMul(n, a, b));
        } else {
            dense(n, out, a, b, false, 1, null, 1);
        }
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
     * and computes the ONNX value {@code output} (the Add's output when a MatMul and its bias Add fuse).
     */
    private void dense(OnnxNode n, String output, String a, Constant b, boolean transB, double alpha, Constant c,
            double beta) {
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
        String suffix = (transB ? "" : ".T") + (alpha != 1 ? ".scaled" : "");
        ParamRef weight = param(b, Tensor.wrap(Shape.of(units, fanIn), w), suffix);
        Optional<ParamRef> bias = Optional.empty();
        if (c != null) {
            int count = c.data().size();
            if (count != units && count != 1) {
                n.unsupported("bias '" + c.onnxName() + "' of shape " + c.data().dimsText()
                        + " does not broadcast to [" + units + "]");
                return;
            }
            double[] bv = new double[units];
            for (int u = 0; u < units; u++) {
                bv[u] = beta * c.data().values()[count == 1 ? 0 : u];
            }
            String biasSuffix = (count == 1 && units > 1 ? ".broadcast" : "") + (beta != 1 ? ".scaled" : "");
            bias = Optional.of(param(c, Tensor.wrap(Shape.of(units), bv), biasSuffix));
        }
        Optional<ParamRef> biasRef = bias;
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
            dense(m.node(), out, m.input(), m.matrix(), false, 1, c, 1);
        } else if (right instanceof PendingMatMul m && left instanceof Constant c) {
            dense(m.node(), out, m.input(), m.matrix(), false, 1, c, 1);
        } else if (left instanceof Activation l && right instanceof Activation r) {
            emit(n, name -> new Add(name, List.of(l.name(), r.name()), span));
        } else if (left instanceof Constant || right instanceof Constant) {
            n.unsupported("operand '" + (left instanceof Constant ? n.input(0).get() : n.input(1).get())
                    + "' is a constant; snnc imports Add of two activations, or of a bias right after a MatMul");
        }
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

    private void pool(OnnxNode n) {
        boolean max = n.opType().equals("MaxPool");
        String x = activation(n, 0);
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
        Window2d window = window(n, x, (int) kernel.get()[0], (int) kernel.get()[1]);
        if (window == null || !ceilModeAgrees(n, x, window)) {
            return;
        }
        boolean countPad = n.intAttribute("count_include_pad", 0) != 0;
        emit(n, name -> max ? new MaxPool(name, x, window, span) : new AvgPool(name, x, window, countPad, span));
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
        // One window covers the map, so the stride is moot; stride = kernel is pooling's default and prints shortest.
        int h = in.get().dim(1);
        int w = in.get().dim(2);
        Window2d whole = new Window2d(h, w, h, w, Padding.NONE);
        emit(n, name -> new AvgPool(name, x, whole, false, span));
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

    private void flatten(OnnxNode n) {
        String x = activation(n, 0);
        long axis = n.intAttribute("axis", 1);
        if (x == null || failed()) {
            return;
        }
        Optional<Shape> in = shapeOf(x, n);
        if (in.isEmpty()) {
            return;
        }
        if (onnxAxis(axis, in.get()) != 1) {
            n.unsupported("axis " + axis + "; snnc flattens every axis but the batch (axis 1)");
            return;
        }
        emit(n, name -> new Flatten(name, x, span));
    }

    /**
     * Reshape is accepted only as a flatten: the target, resolved as ONNX does (0 copies the input's dimension unless
     * allowzero = 1, −1 takes what is left), must be [1, size of the input without its batch].
     */
    private void reshape(OnnxNode n) {
        String x = activation(n, 0);
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
        if (x == null || target == null || failed()) {
            return;
        }
        Optional<Shape> in = shapeOf(x, n);
        if (in.isEmpty()) {
            return;
        }
        long size = in.get().size();
        if (!isFlattenTarget(target, in.get(), allowZero)) {
            n.unsupported("target shape " + Arrays.toString(target) + " of a " + in.get() + " input; snnc imports "
                    + "Reshape only as a flatten to [batch, features], here [1, " + size + "]");
            return;
        }
        emit(n, name -> new Flatten(name, x, span));
    }

    private static boolean isFlattenTarget(long[] target, Shape in, boolean allowZero) {
        if (target.length != 2) {
            return false;
        }
        long[] inDims = new long[in.rank() + 1];
        inDims[0] = 1;
        for (int i = 0; i < in.rank(); i++) {
            inDims[i + 1] = in.dim(i);
        }
        long[] out = target.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = inDims[i];
            }
            if (out[i] == -1 && inferred < 0) {
                inferred = i;
            } else if (out[i] <= 0) {
                return false;
            } else {
                known *= out[i];
            }
        }
        long size = in.size();
        if (inferred >= 0) {
            if (size % known != 0) {
                return false;
            }
            out[inferred] = size / known;
        }
        return out[0] == 1 && out[1] == size;
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
        if (!operands.stream().allMatch(v -> v instanceof Activation)) {
            n.unsupported("it mixes constants and activations; snnc concatenates activations only");
            return;
        }
        List<String> inputs = operands.stream().map(v -> ((Activation) v).name()).toList();
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

    // ---------------------------------------------------------------- constants and their folding

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

    /** Shape of an activation (batch 1) or a constant, with opset 15's start and end. */
    private void shapeOperator(OnnxNode n) {
        Value v = n.input(0).map(in -> lookup(in, n)).orElse(BROKEN);
        List<Long> dims = new ArrayList<>();
        if (v instanceof Constant c) {
            dims.addAll(c.data().dims());
        } else if (v instanceof Activation a) {
            Optional<Shape> s = shapeOf(a.name(), n);
            if (s.isEmpty()) {
                return;
            }
            dims.add(1L);
            s.get().dims().forEach(d -> dims.add((long) d));
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

    private void unsqueeze(OnnxNode n) {
        Constant data = foldOperand(n, 0);
        long[] axes = null;
        if (n.input(1).isPresent()) {
            Constant a = constant(n, 1);
            axes = a == null ? null : a.data().longs();
        } else {
            axes = n.intsAttribute("axes").orElse(null);
            if (axes == null) {
                n.unsupported("it has no axes");
            }
        }
        if (data == null || axes == null || failed()) {
            return;
        }
        int rank = data.data().rank() + axes.length;
        Set<Long> inserted = new HashSet<>();
        for (long a : axes) {
            inserted.add(a < 0 ? a + rank : a);
        }
        List<Long> dims = new ArrayList<>();
        int next = 0;
        for (long i = 0; i < rank; i++) {
            dims.add(inserted.contains(i) ? 1L : data.data().dims().get(next++));
        }
        bindConstant(n, new OnnxConstant(dims, data.data().values()));
    }

    /** An operand of a folding operator, which must be constant. */
    private Constant foldOperand(OnnxNode n, int index) {
        Value v = n.input(index).map(in -> lookup(in, n)).orElse(BROKEN);
        if (v instanceof Activation) {
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
        }
        return v instanceof Activation a ? a.name() : null;
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
        if (v instanceof Activation || v instanceof PendingMatMul) {
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

    /** Adds the node built by {@code factory} for {@code n}'s first output, unless the node failed. */
    private void emit(OnnxNode n, NodeFactory factory) {
        emit(n, n.output(0).orElse(""), factory);
    }

    /**
     * Adds a node that computes ONNX value {@code output}, unless the current node failed. It is named after
     * {@code output} when that is the graph output, else after {@code namer} (see {@link OnnxNames}).
     */
    private void emit(OnnxNode namer, String output, NodeFactory factory) {
        if (failed()) {
            return;
        }
        String name = names.newValueName(graphOutputs.contains(output) ? output : namer.label());
        Node node = factory.create(name);
        builder.add(node);
        if (!output.isEmpty()) {
            values.put(output, new Activation(name));
        }
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
