package org.snnc.compiler.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Weights;

/**
 * A converted spiking graph read as the rate network it approximates: the encoder gives the input values (analog),
 * their clamp to [0, 1] (Poisson) or, for a sequence of frames, their mean over the frames (events per step while
 * the frames last), a population P has input
 * <pre>
 *   z = (E(r) + b) / θ        E its synapse expression on its sources' rates r, b its current
 * </pre>
 * in thresholds per step and fires at rate clip(z, 0, 1), the most an IF neuron can fire at; a gate passes the
 * highest rate of its window, and the readout is not evaluated. These are the rates an ideal conversion reaches as T grows.
 * A recurrent edge reads its population's rates of the sweep before, starting from 0: the sweeps repeat until those
 * rates stop changing, or {@value #RECURRENT_SWEEPS} times, as an image held for many steps settles to the fixed point
 * r = clip(z(r), 0, 1) when there is one. Each value is dropped once
 * its last reader has run, so one image costs the memory of the widest cut of the graph. Thread-safe: every
 * {@link #evaluate} keeps its values to itself.
 */
public final class RateNetwork {

    /** Receives each population's z for one image, in graph order. */
    @FunctionalInterface
    public interface PopulationInput {
        void accept(IfNeurons population, double[] z);
    }

    /** The most sweeps of a recurrent graph: rates that oscillate instead of settling are read after this many. */
    static final int RECURRENT_SWEEPS = 64;

    private final Graph graph;
    private final Map<String, AnnInterpreter> kernels = new HashMap<>();
    private final Map<String, Integer> lastUse = new HashMap<>();
    private final int inputSize;
    /** The populations that recurrent edges read. */
    private final Set<String> recurrentSources;

    /** @param shapes the shapes of {@code graph}'s values */
    public RateNetwork(Graph graph, Map<String, Shape> shapes) {
        this.graph = graph;
        this.inputSize = shapes.get(graph.input().name()).size();
        this.recurrentSources = graph.nodes().values().stream().filter(PreviousStep.class::isInstance)
                .map(node -> ((PreviousStep) node).source()).collect(Collectors.toSet());
        int position = 0;
        for (Node node : graph.nodes().values()) {
            if (isKernel(node)) {
                kernels.put(node.name(), kernel(node, shapes.get(node.inputs().get(0))));
            }
            for (String operand : node.inputs()) {
                lastUse.put(operand, position);
            }
            position++;
        }
    }

    /**
     * Evaluates one image (the values the graph's input holds; a sequence's frames one after another), handing each
     * population's z to {@code sink}.
     */
    public void evaluate(double[] image, PopulationInput sink) {
        if (recurrentSources.isEmpty()) {
            sweep(image, Map.of(), sink);
            return;
        }
        Map<String, double[]> previous = new HashMap<>();
        List<Map.Entry<IfNeurons, double[]>> inputs = new ArrayList<>();
        for (int round = 0; round < RECURRENT_SWEEPS; round++) {
            inputs.clear();
            Map<String, double[]> rates = sweep(image, previous,
                    (population, z) -> inputs.add(Map.entry(population, z)));
            boolean settled = rates.keySet().stream()
                    .allMatch(source -> previous.containsKey(source)
                            && Arrays.equals(previous.get(source), rates.get(source)));
            previous.putAll(rates);
            if (settled) {
                break;
            }
        }
        inputs.forEach(entry -> sink.accept(entry.getKey(), entry.getValue()));
    }

    /**
     * One evaluation of the graph in definition order with every recurrent edge reading {@code previous} (0 where
     * absent); returns the rates of the recurrent edges' sources.
     */
    private Map<String, double[]> sweep(double[] image, Map<String, double[]> previous, PopulationInput sink) {
        Map<String, double[]> values = new HashMap<>();
        Map<String, double[]> sourceRates = new HashMap<>();
        int position = 0;
        for (Node node : graph.nodes().values()) {
            List<double[]> operands = node.inputs().stream().map(values::get).toList();
            double[] result;
            if (node instanceof Input) {
                result = image;
            } else if (node instanceof PreviousStep edge) {
                result = previous.getOrDefault(edge.source(), new double[edge.shape().size()]);
            } else if (node instanceof SpikeEncoder encoder) {
                result = switch (encoder.encoding()) {
                    case ANALOG -> operands.get(0);
                    case POISSON -> Arrays.stream(operands.get(0)).map(RateNetwork::rate).toArray();
                    case SEQUENCE -> meanFrame(operands.get(0), inputSize);
                };
            } else if (kernels.containsKey(node.name())) {
                result = kernels.get(node.name()).evaluate(operands.get(0));
            } else if (node instanceof Add) {
                result = sum(operands);
            } else if (node instanceof Concat) {
                result = operands.stream().flatMapToDouble(Arrays::stream).toArray();
            } else if (node instanceof Flatten) {
                result = operands.get(0);
            } else if (node instanceof IfNeurons population) {
                double[] z = input(population, operands.get(0));
                sink.accept(population, z);
                result = Arrays.stream(z).map(RateNetwork::rate).toArray();
                if (recurrentSources.contains(population.name())) {
                    sourceRates.put(population.name(), result);
                }
            } else {
                result = null;
            }
            for (String operand : node.inputs()) {
                if (lastUse.get(operand) == position) {
                    values.remove(operand);
                }
            }
            if (result != null) {
                values.put(node.name(), result);
            }
            position++;
        }
        return sourceRates;
    }

    /**
     * Whether the ANN interpreter evaluates {@code node} on its operand's values: every one-operand node of a synapse
     * expression (conv2d, dense, avgpool, affine, a max pool of rates) and the gates.
     */
    private static boolean isKernel(Node node) {
        return node.inputs().size() == 1 && !(node instanceof IfNeurons || node instanceof SpikeEncoder
                || node instanceof Flatten || node instanceof Readout);
    }

    /** The mean of the frames of {@code frameSize} values that {@code sequence} holds one after another. */
    private static double[] meanFrame(double[] sequence, int frameSize) {
        int frames = sequence.length / frameSize;
        double[] mean = new double[frameSize];
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < frameSize; k++) {
                mean[k] += sequence[t * frameSize + k] / frames;
            }
        }
        return mean;
    }

    /** clip(z, 0, 1). */
    public static double rate(double z) {
        return Math.min(Math.max(z, 0), 1);
    }

    private double[] input(IfNeurons population, double[] synaptic) {
        int size = synaptic.length;
        double[] current = population.current()
                .map(c -> graph.weights().get(c.key()).orElseThrow().backingArray()).orElse(new double[size]);
        double[] z = new double[size];
        Arrays.setAll(z, k -> (synaptic[k] + current[k]) / population.threshold());
        return z;
    }

    private static double[] sum(List<double[]> operands) {
        double[] total = new double[operands.get(0).length];
        for (double[] operand : operands) {
            Arrays.setAll(total, k -> total[k] + operand[k]);
        }
        return total;
    }

    /**
     * {@code node} alone on an input of its operand's shape, with only its own parameters, for the ANN
     * interpreter's kernels; a gate passes the highest rate of its window, so it evaluates as a max pool.
     */
    private AnnInterpreter kernel(Node node, Shape operandShape) {
        String operand = node.name().equals("operand") ? "operand_" : "operand";
        Node alone = node instanceof MaxPoolGate gate
                ? new MaxPool(gate.name(), operand, gate.window(), gate.span())
                : node.withInputs(List.of(operand));
        Map<String, Tensor> own = new TreeMap<>();
        alone.parameters().values().forEach(ref -> own.put(ref.key(), graph.weights().get(ref.key()).orElseThrow()));
        return new AnnInterpreter(Graph.builder("kernel")
                .add(new Input(operand, DType.F64, operandShape, Scale.ONE, node.span()))
                .add(alone)
                .output(node.name())
                .weights(Weights.of(own))
                .build());
    }
}
