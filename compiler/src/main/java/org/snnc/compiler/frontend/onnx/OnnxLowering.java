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
import org.snnc.compiler.frontend.onnx.OnnxValue.Activation;
import org.snnc.compiler.frontend.onnx.OnnxValue.Broken;
import org.snnc.compiler.frontend.onnx.OnnxValue.Constant;
import org.snnc.compiler.frontend.onnx.OnnxValue.PendingMatMul;
import org.snnc.compiler.frontend.onnx.OnnxValue.PendingPad;
import org.snnc.compiler.frontend.onnx.OnnxValue.PendingTranspose;
import org.snnc.compiler.frontend.onnx.OnnxValue.Reshaped;
import org.snnc.compiler.frontend.onnx.OnnxValue.View;
import org.snnc.compiler.frontend.text.Numbers;
import org.snnc.compiler.io.MemoryBudget;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Weights;

/**
 * Lowers one ONNX graph to the IR, node by node in the graph's (topological) order; see {@link OnnxImporter} for the
 * operator mapping. ONNX tensors carry a leading batch axis that IR shapes omit, so an ONNX axis a of a value whose
 * IR rank is r is IR axis a − 1, and a negative ONNX axis a means a + r + 1.
 *
 * <p>This class holds the value table (what each ONNX name stands for: {@link OnnxValue}), the parameters, shapes
 * and emission, and dispatches each node by operator type, through {@link OnnxOperators}' table, to its lowering:
 * {@link WindowLowering} (Conv, pools, Pad, ReduceMean), {@link DenseLowering} (Gemm, MatMul, Add),
 * {@link AffineLowering} (per-channel maps by constants), {@link ReshapeLowering} (Flatten, Reshape, Squeeze,
 * Unsqueeze, Transpose, Concat) and {@link ConstantLowering} (operators evaluated on constants); the one-operand
 * operators are here.
 *
 * <p>Every problem is collected: a node that cannot be lowered is reported, its outputs are marked broken, and the
 * nodes that read them are still checked for their own problems but not reported again for the broken operand.
 */
final class OnnxLowering {

    /** The Transpose perm that takes N×H×W×C to N×C×H×W. */
    private static final long[] CHANNELS_FIRST = {0, 3, 1, 2};

    final GraphProto graph;
    final long opset;
    final String graphName;
    final SourceSpan span;
    final OnnxImportOptions options;
    final DiagnosticBag diagnostics = new DiagnosticBag();
    final GraphBuilder builder;
    final OnnxNames names = new OnnxNames();
    final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    final Map<String, String> initializerKeys = new HashMap<>();
    final Set<String> keysTaken = new HashSet<>();
    final TreeMap<String, Tensor> weights = new TreeMap<>();
    final Map<String, OnnxValue> values = new HashMap<>();
    final Map<String, List<Integer>> readers = new HashMap<>();
    final Set<String> sparseInitializers = new HashSet<>();
    final Set<String> constantNodeOutputs = new HashSet<>();
    final Set<String> graphOutputs = new HashSet<>();
    final Map<String, Shape> shapes = new HashMap<>();
    boolean shapeErrorsReported;
    /** The static batch size, or 1 for a symbolic batch: every operator is per sample, so the IR drops it. */
    long batch = 1;
    /** The ONNX name of an N×H×W×C input that the IR declares as [C,H,W], or null. */
    String channelsLastInput;
    private int errorsBeforeNode;
    final WindowLowering windows = new WindowLowering(this);
    final ReshapeLowering reshapes = new ReshapeLowering(this);
    final AffineLowering affine = new AffineLowering(this);
    final DenseLowering dense = new DenseLowering(this);
    final ConstantLowering constants = new ConstantLowering(this);
    final SelectionLowering selections = new SelectionLowering(this);

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
            inputs.forEach(v -> values.put(v.getName(), OnnxValue.BROKEN));
            return;
        }
        ValueInfoProto input = inputs.get(0);
        String name = input.getName();
        values.put(name, OnnxValue.BROKEN);
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
        // Every later stage sizes arrays by the element count, so it must be an int; checked here, where the
        // shape is still the user's and can be named, not as an overflow deep in a pass.
        long elements = MemoryBudget.product(Arrays.stream(shape).asLongStream().toArray());
        if (elements > Integer.MAX_VALUE) {
            graphError("input '" + name + "' has shape " + shapeText + ", " + elements + " elements per sample; "
                    + "snnc takes at most 2^31-1");
            return;
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
        OnnxValue value = values.get(output);
        if (value == null && initializers.containsKey(output)) {
            value = lookup(output, null);
        }
        if (value instanceof View w) {
            String materialized = affine.materialize(w.node(), output, w);
            value = materialized == null ? OnnxValue.BROKEN : new Activation(materialized);
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
                    + n.opType(), n.label(), OnnxOperators.supportedMessage());
        } else {
            Optional<OnnxOperators.Operator> operator = OnnxOperators.of(n.opType());
            if (operator.isPresent()) {
                operator.get().lowering().accept(this, n);
            } else if (OnnxOperators.NONLINEARITIES.contains(n.opType())) {
                diagnostics.report(DiagnosticCode.ONNX_NONLINEARITY, span, n.opType(), n.label(), n.opType());
            } else {
                diagnostics.report(DiagnosticCode.ONNX_UNSUPPORTED_OPERATOR, span, n.opType(), n.label(),
                        OnnxOperators.supportedMessage());
            }
        }
        for (String out : n.outputs()) {
            if (!out.isEmpty()) {
                values.putIfAbsent(out, OnnxValue.BROKEN);
            }
        }
    }

    // ---------------------------------------------------------------- operators of one activation

    /** Identity adds no node: its output becomes another name for its operand (activation or constant). */
    void identity(OnnxNode n) {
        if (n.input(0).isEmpty()) {
            n.unsupported("operand 1 is missing");
            return;
        }
        OnnxValue value = lookup(n.input(0).get(), n);
        n.output(0).ifPresent(out -> values.put(out, value));
    }

    void relu(OnnxNode n) {
        String x = activation(n, 0);
        if (x != null) {
            emit(n, name -> new Relu(name, x, span));
        }
    }

    /**
     * Clip(0, m), as torch writes ReLU6 (m = 6): y = min(max(0, x), m), a relu with ceiling m; Clip(0) with no max is
     * a plain relu. The bounds are the optional constant operands 2 and 3 (opset ≥ 11) or the min and max attributes
     * (earlier opsets). Any other lower bound is refused: a spiking neuron's rate is a relu's, never below 0 nor
     * above it.
     */
    void clip(OnnxNode n) {
        String x = activation(n, 0);
        double min = clipBound(n, 1, "min", Double.NEGATIVE_INFINITY);
        double max = clipBound(n, 2, "max", Double.POSITIVE_INFINITY);
        if (x == null || failed()) {
            return;
        }
        if (min != 0) {
            n.unsupported("min " + Numbers.format(min) + "; snnc converts Clip(0, m), a relu clipped at m, only");
        } else if (!(max > 0)) {
            n.unsupported("max " + Numbers.format(max) + "; a relu clipped at m needs m > 0");
        } else {
            emit(n, name -> new Relu(name, x, max, span));
        }
    }

    /** A Clip bound: the scalar constant operand {@code index}, else the attribute {@code name}, else absent. */
    private double clipBound(OnnxNode n, int index, String name, double absent) {
        if (n.input(index).isEmpty()) {
            return n.floatAttribute(name, absent);
        }
        Constant bound = constant(n, index);
        Tensor value = bound == null ? null : tensor(n, bound);
        if (value == null) {
            return Double.NaN;
        }
        if (value.size() != 1) {
            n.unsupported(name + " '" + bound.onnxName() + "' holds " + value.size() + " values, not one");
            return Double.NaN;
        }
        return value.get(0);
    }

    void batchNorm(OnnxNode n) {
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

    void softmax(OnnxNode n) {
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
    void dropout(OnnxNode n) {
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

    // ---------------------------------------------------------------- values, parameters and shapes

    /** Binds {@code n}'s first output to a constant computed at import. */
    void bindConstant(OnnxNode n, OnnxConstant value) {
        n.output(0).ifPresent(out -> values.put(out,
                new Constant(OnnxNames.unique(OnnxNames.key(out), keysTaken), out, value)));
    }

    /** A constant's values as integers (shapes, axes, pads), or null for a missing one. */
    static long[] longsOf(Constant c) {
        return c == null ? null : c.data().longs();
    }

    OnnxValue lookup(String name, OnnxNode reader) {
        OnnxValue value = values.get(name);
        if (value != null) {
            return value;
        }
        TensorProto init = initializers.get(name);
        if (init == null && sparseInitializers.contains(name)) {
            graphError("initializer '" + name + "' is sparse, which snnc does not read");
            value = OnnxValue.BROKEN;
        } else if (init == null) {
            diagnostics.report(DiagnosticCode.ONNX_MALFORMED, span, "node '" + reader.label() + "' ("
                    + reader.opType() + ") reads '" + name + "', which no earlier node, graph input or initializer "
                    + "defines");
            value = OnnxValue.BROKEN;
        } else {
            try {
                value = new Constant(initializerKeys.get(name), name, OnnxConstant.decode(init));
            } catch (OnnxConstant.DecodeException e) {
                graphError("initializer '" + name + "': " + e.getMessage());
                value = OnnxValue.BROKEN;
            }
        }
        values.put(name, value);
        return value;
    }

    /** Operand {@code index} as an activation's IR name, or null (reported unless already broken). */
    String activation(OnnxNode n, int index) {
        Optional<String> name = n.input(index);
        if (name.isEmpty()) {
            n.unsupported("operand " + (index + 1) + " is missing");
            return null;
        }
        OnnxValue v = lookup(name.get(), n);
        if (v instanceof Constant) {
            n.unsupported("operand '" + name.get() + "' is a constant; snnc expects an activation there");
        } else if (v instanceof PendingMatMul) {
            n.unsupported("operand '" + name.get() + "' is a MatMul that a later Add absorbs");
        } else if (v instanceof View w) {
            return affine.materialize(n, name.get(), w);
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
    long[] onnxDims(OnnxNode n) {
        OnnxValue v = lookup(n.input(0).orElseThrow(), n);
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
    long[] onnxDims(Shape irShape) {
        long[] dims = new long[irShape.rank() + 1];
        dims[0] = batch;
        for (int i = 0; i < irShape.rank(); i++) {
            dims[i + 1] = irShape.dim(i);
        }
        return dims;
    }

    /** Reserves a parameter key derived from {@code base} for a tensor that no single constant holds. */
    ParamRef newParam(String base, Tensor tensor) {
        String key = OnnxNames.unique(base, keysTaken);
        weights.put(key, tensor);
        return new ParamRef(key, span);
    }

    Constant required(OnnxNode n, int index, String role) {
        if (n.input(index).isEmpty()) {
            n.unsupported(role + " (operand " + (index + 1) + ") is missing");
            return null;
        }
        return constant(n, index);
    }

    /** Operand {@code index} as a constant, or null (E0404 when it is computed at run time). */
    Constant constant(OnnxNode n, int index) {
        String name = n.input(index).orElseThrow();
        OnnxValue v = lookup(name, n);
        if (!(v instanceof Constant || v instanceof Broken)) {
            diagnostics.report(DiagnosticCode.ONNX_DYNAMIC_WEIGHT, span, n.label(), n.opType(), name);
        }
        return v instanceof Constant c ? c : null;
    }

    Tensor tensor(OnnxNode n, Constant c) {
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
    ParamRef param(Constant c, Tensor tensor, String suffix) {
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
    Optional<Shape> shapeOf(String irName, OnnxNode reader) {
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
    static long onnxAxis(long axis, Shape irShape) {
        return axis < 0 ? axis + irShape.rank() + 1 : axis;
    }

    static boolean hasRank3(OnnxNode n, Shape in) {
        if (in.rank() != 3) {
            n.unsupported("its input has shape [N," + in.toString().substring(1) + "; snnc needs N×C×H×W here");
            return false;
        }
        return true;
    }

    void rejectUsedOutput(OnnxNode n, int index, String role) {
        n.output(index).filter(out -> readers.containsKey(out) || graphOutputs.contains(out)).ifPresent(out ->
                n.unsupported("its " + role + " output '" + out + "' is used; snnc imports only its first output"));
    }

    // ---------------------------------------------------------------- emission

    interface NodeFactory {
        Node create(String name);
    }

    /** Adds the node built by {@code factory} for {@code n}'s first output unless the node failed; its name or null. */
    String emit(OnnxNode n, NodeFactory factory) {
        return emit(n, n.output(0).orElse(""), factory);
    }

    /**
     * Adds a node that computes ONNX value {@code output}, unless the current node failed. It is named after
     * {@code output} when that is the graph output, else after {@code namer} (see {@link OnnxNames}).
     */
    String emit(OnnxNode namer, String output, NodeFactory factory) {
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

    boolean failed() {
        return errorCount() > errorsBeforeNode;
    }

    private int errorCount() {
        return diagnostics.diagnostics().size();
    }

    private void graphError(String message) {
        diagnostics.report(DiagnosticCode.ONNX_UNSUPPORTED_GRAPH, span, message);
    }

    static boolean isDefaultDomain(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    private static String names(List<ValueInfoProto> infos) {
        return infos.stream().map(v -> "'" + v.getName() + "'").collect(Collectors.joining(", ", "(", ")"));
    }
}
