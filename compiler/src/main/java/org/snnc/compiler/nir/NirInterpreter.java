package org.snnc.compiler.nir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/**
 * A reference interpreter of NIR graphs: float64, one sample, step by step, with every discrete-time choice taken
 * from {@link NirConventions}.
 *
 * <p>Each step evaluates the flattened graph in the order of {@link NirSchedule}: an Input node that no edge enters
 * emits the data of this step; every other node receives the sum of its incoming edges (this step's value along a
 * forward edge, the previous step's along a back edge, 0 before the first step) and computes:
 *
 * <ul>
 *   <li>Input (nested), Output, Flatten: its input, unchanged (C order makes Flatten a reshape).</li>
 *   <li>Affine {@code y = W·x + b}, Linear {@code y = W·x}, along the last axis; Scale {@code y = s ⊙ x}.</li>
 *   <li>Conv1d, Conv2d, SumPool2d, AvgPool2d: {@link NirConvolution}.</li>
 *   <li>Delay: {@link NirDelayLine}. Threshold: {@code y = 1} where {@code x > θ} ({@code ≥} under
 *       {@link NirConventions.Fire#GREATER_OR_EQUAL}), else 0.</li>
 *   <li>I, IF, LI, LIF, CubaLI, CubaLIF: {@link NirNeuron}; under {@link NirConventions.LayerDelay
 *       #ONE_STEP_PER_NEURON_LAYER} such a node emits at step t what it computed at step t − 1.</li>
 * </ul>
 *
 * <p>The graph is checked once, when the interpreter is made ({@link NirShapes}); each run starts from rest.
 */
public final class NirInterpreter {

    private final NirGraph graph;
    private final NirConventions conventions;
    private final SourceSpan span;
    private final NirSchedule schedule;
    private final NirShapes shapes;
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    /**
     * An interpreter of {@code graph} (nested graphs are inlined) under {@code conventions}; {@code span} names the
     * file in diagnostics. A graph whose shapes do not fit is E1105, an edge to no node E1104, a field value that
     * cannot be stepped (a time constant ≤ 0, a negative delay) E1103.
     */
    public NirInterpreter(NirGraph graph, NirConventions conventions, SourceSpan span) {
        this.graph = graph.flattened();
        this.conventions = conventions;
        this.span = span;
        this.schedule = NirSchedule.of(this.graph, conventions.recurrence(), span);
        this.shapes = NirShapes.infer(this.graph, schedule, span);
        schedule.order().forEach(this::stepOf); // checks the values of every field now, not at the first run
        Set<String> sources = new HashSet<>();
        Set<String> targets = new HashSet<>();
        this.graph.edges().forEach(edge -> {
            sources.add(edge.source());
            targets.add(edge.target());
        });
        this.graph.nodes().forEach((name, node) -> {
            if (node instanceof NirNode.Input && !targets.contains(name)) {
                inputs.add(name);
            } else if (node instanceof NirNode.Output && !sources.contains(name)) {
                outputs.add(name);
            }
        });
    }

    /** The Input nodes no edge enters, which take the data, by name. */
    public List<String> inputNodes() {
        return List.copyOf(inputs);
    }

    /** The Output nodes no edge leaves, whose values every run records. */
    public List<String> outputNodes() {
        return List.copyOf(outputs);
    }

    /** The output shape of {@code node}, without the step axis. */
    public Shape shapeOf(String node) {
        return shapes.outputs().get(node);
    }

    /** {@link #run(Map, Set)} for a graph with one Input node. */
    public NirRecording run(Tensor x, Set<String> recorded) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("the graph has " + inputs.size() + " Input nodes " + inputs
                    + "; give the data of each by name");
        }
        return run(Map.of(inputs.get(0), x), recorded);
    }

    /**
     * Runs the graph from rest over the data of each Input node, shape (T, *its shape), and records the Output nodes
     * and the nodes in {@code recorded}: their outputs, and for neurons their state variables.
     */
    public NirRecording run(Map<String, Tensor> data, Set<String> recorded) {
        int steps = checkData(data);
        for (String name : recorded) {
            if (!graph.nodes().containsKey(name)) {
                throw CompilationException.of(DiagnosticCode.UNKNOWN_NAME, span, name);
            }
        }
        Map<String, NirStep> nodeSteps = new HashMap<>();
        schedule.order().forEach(name -> nodeSteps.put(name, stepOf(name)));
        Map<String, List<double[]>> outputTrace = new LinkedHashMap<>();
        Map<String, Map<String, List<double[]>>> stateTrace = new LinkedHashMap<>();
        outputs.forEach(name -> outputTrace.put(name, new ArrayList<>()));
        recorded.forEach(name -> outputTrace.put(name, new ArrayList<>()));
        Map<String, double[]> previous = Map.of();
        for (int t = 0; t < steps; t++) {
            Map<String, double[]> now = new HashMap<>();
            for (String name : schedule.order()) {
                double[] value;
                if (data.containsKey(name)) {
                    value = slice(data.get(name), t);
                } else {
                    value = nodeSteps.get(name).apply(sumOfInputs(name, now, previous, nodeSteps));
                }
                now.put(name, value);
                if (outputTrace.containsKey(name)) {
                    outputTrace.get(name).add(value);
                }
                if (recorded.contains(name)) {
                    nodeSteps.get(name).state().forEach((variable, values) -> stateTrace
                            .computeIfAbsent(name, n -> new LinkedHashMap<>())
                            .computeIfAbsent(variable, v -> new ArrayList<>()).add(values));
                }
            }
            previous = now;
        }
        Map<String, Tensor> recordedOutputs = new LinkedHashMap<>();
        outputTrace.forEach((name, trace) -> recordedOutputs.put(name, stack(trace, shapes.outputs().get(name))));
        Map<String, Map<String, Tensor>> recordedStates = new LinkedHashMap<>();
        stateTrace.forEach((name, variables) -> variables.forEach((variable, trace) -> recordedStates
                .computeIfAbsent(name, n -> new LinkedHashMap<>())
                .put(variable, stack(trace, shapes.outputs().get(name)))));
        return new NirRecording(recordedOutputs, recordedStates);
    }

    /** The number of steps; every Input node's data must be given, as (T, *its shape) with one T. */
    private int checkData(Map<String, Tensor> data) {
        int steps = -1;
        for (String name : inputs) {
            Tensor x = data.get(name);
            if (x == null) {
                throw new IllegalArgumentException("no data for Input node '" + name + "'");
            }
            Shape shape = shapes.outputs().get(name);
            List<Integer> dims = x.shape().dims();
            if (dims.isEmpty() || !dims.subList(1, dims.size()).equals(shape.dims())
                    || steps >= 0 && dims.get(0) != steps) {
                throw CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, "Input",
                        "field 'shape' is " + shape + ", but the data has shape " + x.shape() + " (steps first"
                                + (steps >= 0 ? ", " + steps + " of them as the other inputs" : "") + ")");
            }
            steps = dims.get(0);
        }
        if (data.size() != inputs.size()) {
            throw new IllegalArgumentException("data for " + data.keySet() + ", but the Input nodes are " + inputs);
        }
        return steps;
    }

    /**
     * The sum of the edges into {@code name}. A back edge carries its source's output of the previous step, except
     * out of a neuron held back by the layer delay: that one already emits what it computed a step earlier, so the
     * edge carries this step's emission and the cycle is delayed once, as a chip's route delays it.
     */
    private double[] sumOfInputs(String name, Map<String, double[]> now, Map<String, double[]> previous,
            Map<String, NirStep> nodeSteps) {
        double[] sum = new double[shapes.inputs().get(name).size()];
        for (NirEdge edge : schedule.incoming().get(name)) {
            double[] value;
            if (!schedule.backEdges().contains(edge)) {
                value = now.get(edge.source());
            } else if (nodeSteps.get(edge.source()) instanceof Latched held) {
                value = now.containsKey(edge.source()) ? now.get(edge.source()) : held.emitting();
            } else {
                value = previous.get(edge.source());
            }
            if (value != null) {
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += value[k];
                }
            }
        }
        return sum;
    }

    private NirStep stepOf(String name) {
        NirNode node = graph.nodes().get(name);
        int size = shapes.inputs().get(name).size();
        if (node instanceof NirNode.Affine affine) {
            return x -> matrix(affine.weight(), affine.bias(), x);
        }
        if (node instanceof NirNode.Linear linear) {
            return x -> matrix(linear.weight(), null, x);
        }
        if (node instanceof NirNode.Scale scale) {
            double[] factors = NirParameters.expand(scale.scale(), size);
            return x -> {
                double[] y = new double[size];
                for (int k = 0; k < size; k++) {
                    y[k] = factors[k] * x[k];
                }
                return y;
            };
        }
        if (node instanceof NirNode.Conv1d || node instanceof NirNode.Conv2d || node instanceof NirNode.SumPool2d
                || node instanceof NirNode.AvgPool2d) {
            return NirConvolution.of(name, node, shapes.inputs().get(name), span)::apply;
        }
        if (node instanceof NirNode.Delay delay) {
            return new NirDelayLine(name, delay, size, conventions.dt(), span);
        }
        if (node instanceof NirNode.Threshold threshold) {
            double[] theta = NirParameters.expand(threshold.threshold(), size);
            boolean orEqual = conventions.fire() == NirConventions.Fire.GREATER_OR_EQUAL;
            return x -> {
                double[] y = new double[size];
                for (int k = 0; k < size; k++) {
                    y[k] = (orEqual ? x[k] >= theta[k] : x[k] > theta[k]) ? 1 : 0;
                }
                return y;
            };
        }
        if (NirParameters.isNeuron(node)) {
            NirNeuron neuron = new NirNeuron(name, node, size, conventions, span);
            return conventions.layerDelay() == NirConventions.LayerDelay.NONE ? neuron : latched(neuron, size);
        }
        return x -> x; // Input (nested), Output, Flatten
    }

    /** {@code step} with its output held back one step: at step t it emits what it computed at t − 1. */
    private static NirStep latched(NirStep step, int size) {
        return new Latched(step, new double[size]);
    }

    /** A neuron under layer delay, whose output of this step is known before its input is. */
    private static final class Latched implements NirStep {
        private final NirStep step;
        private double[] held;

        Latched(NirStep step, double[] held) {
            this.step = step;
            this.held = held;
        }

        /** What it emits this step: what it computed in the previous one. */
        double[] emitting() {
            return held;
        }

        @Override
        public double[] apply(double[] x) {
            double[] emitted = held;
            held = step.apply(x);
            return emitted;
        }

        @Override
        public Map<String, double[]> state() {
            return step.state();
        }
    }

    /** {@code W·x (+ b)} for each vector along the last axis of {@code x}. */
    private static double[] matrix(Tensor weight, Tensor bias, double[] x) {
        double[] w = weight.backingArray();
        int rows = weight.shape().dim(0);
        int columns = weight.shape().dim(1);
        int vectors = x.length / columns;
        double[] y = new double[vectors * rows];
        for (int n = 0; n < vectors; n++) {
            for (int i = 0; i < rows; i++) {
                double sum = 0;
                for (int j = 0; j < columns; j++) {
                    sum += w[i * columns + j] * x[n * columns + j];
                }
                y[n * rows + i] = sum + (bias == null ? 0 : bias.get(bias.size() == 1 ? 0 : i));
            }
        }
        return y;
    }

    private static double[] slice(Tensor x, int t) {
        int size = x.size() / x.shape().dim(0);
        double[] values = new double[size];
        for (int k = 0; k < size; k++) {
            values[k] = x.get(t * size + k);
        }
        return values;
    }

    private static Tensor stack(List<double[]> trace, Shape shape) {
        double[] values = new double[trace.size() * shape.size()];
        for (int t = 0; t < trace.size(); t++) {
            System.arraycopy(trace.get(t), 0, values, t * shape.size(), shape.size());
        }
        List<Integer> dims = new ArrayList<>();
        dims.add(trace.size());
        dims.addAll(shape.dims());
        return Tensor.wrap(new Shape(dims), values);
    }
}
