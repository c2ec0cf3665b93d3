package org.snnc.targets.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.targets.net.InputSource;

/**
 * The synapses of a spiking graph in the form a chip holds: every population P reads Σ of conv2d and dense synapses
 * (with flatten and add between them), each of which reads a source, a value that carries spikes (a population, a
 * max-pool gate, a population's spikes of the step before along a recurrent edge, the encoder, or a flatten or concat of
 * such values). Each synapse feeds exactly one population, so
 * that it can take that population's weight exponent.
 *
 * <p>For every element along axis 0 of a source (a channel, or an element of a vector) it records what one step can
 * carry, in stored units: spikes lie in [0, 1], a sequence input's event counts in [0,
 * {@link InputSource#SEQUENCE_MAX_EVENTS}]; the analog encoder passes the raw stored input, in [min, max] of its
 * integer type. It also records the gain g by which the weights reading the element are multiplied when the graph is
 * prepared for quantization: the input's scale for the analog encoder (the chip sees raw values, so the scale moves
 * into the weights), R for a population that resets to zero (whose rate the threshold R divides), else 1: a sequence
 * input's events, like spikes, deliver the weights once each, so its scale must be 1.
 */
final class Synapses {

    /** Per element along axis 0 of a source: the weight gain g and the range [low, high] of one step's value. */
    record SourceRange(double[] gain, double[] low, double[] high) {
    }

    private final Graph graph;
    private final Map<String, Shape> shapes;
    private final Map<String, SourceRange> sources;
    private final Map<String, List<String>> synapsesOf;

    private Synapses(Graph graph, Map<String, Shape> shapes, Map<String, SourceRange> sources,
            Map<String, List<String>> synapsesOf) {
        this.graph = graph;
        this.shapes = shapes;
        this.sources = sources;
        this.synapsesOf = synapsesOf;
    }

    /**
     * The names of the values that carry spikes: populations, gates and encoders, and flattens and concats of them.
     */
    static Set<String> sourceValues(Graph graph) {
        Set<String> spiking = new HashSet<>();
        for (Node node : graph.nodes().values()) {
            if (node instanceof IfNeurons || node instanceof MaxPoolGate || node instanceof SpikeEncoder
                    || node instanceof PreviousStep
                    || (node instanceof Flatten || node instanceof Concat) && spiking.containsAll(node.inputs())) {
                spiking.add(node.name());
            }
        }
        return spiking;
    }

    /**
     * Checks that {@code graph} (after {@link SynapseRewrites}) has the chip's form and records its sources.
     *
     * @param zeroResetRatios R of every population that resets to zero, the gain of the synapses leaving it
     * @throws CompilationException (E0908) naming the first synapse a chip cannot hold, or an analog input that is
     *         not an integer type
     */
    static Synapses analyze(Graph graph, Map<String, Shape> shapes, String target,
            Map<String, Integer> zeroResetRatios) {
        Map<String, SourceRange> spikes = new LinkedHashMap<>();
        for (Node node : graph.nodes().values()) {
            if (node instanceof IfNeurons neurons) {
                double gain = zeroResetRatios.getOrDefault(neurons.name(), 1);
                spikes.put(node.name(), uniform(shapes.get(node.name()).dim(0), gain, 0, 1));
            }
        }
        Map<String, SourceRange> sources = new LinkedHashMap<>();
        for (Node node : graph.nodes().values()) {
            if (node instanceof SpikeEncoder encoder) {
                sources.put(node.name(), encoderRange(encoder, graph.input(), target));
            } else if (node instanceof IfNeurons) {
                sources.put(node.name(), spikes.get(node.name()));
            } else if (node instanceof PreviousStep previous) {
                // Defined before its population, so the population's spikes are looked up, not yet in sources.
                sources.put(node.name(), spikes.get(previous.source()));
            } else if (node instanceof MaxPoolGate gate && sources.containsKey(gate.input())) {
                sources.put(node.name(), sources.get(gate.input()));
            } else if (node instanceof Flatten flatten && sources.containsKey(flatten.input())) {
                sources.put(node.name(), flattened(sources.get(flatten.input()), shapes.get(flatten.input())));
            } else if (node instanceof Concat concat && sources.keySet().containsAll(concat.inputs())) {
                sources.put(node.name(), concatenated(concat.inputs().stream().map(sources::get).toList()));
            }
        }
        Map<String, String> owner = new LinkedHashMap<>();
        Map<String, List<String>> synapsesOf = new LinkedHashMap<>();
        for (Node node : graph.nodes().values()) {
            if (node instanceof IfNeurons population) {
                List<String> synapses = new ArrayList<>();
                collect(graph, population, population.input(), sources.keySet(), owner, synapses, target);
                synapsesOf.put(population.name(), List.copyOf(synapses));
            }
        }
        return new Synapses(graph, shapes, sources, synapsesOf);
    }

    /** Walks P's synapse expression down to its conv2d and dense synapses, which must read sources. */
    private static void collect(Graph graph, IfNeurons population, String value, Set<String> sourceValues,
            Map<String, String> owner, List<String> synapses, String target) {
        Node node = graph.node(value);
        if (node instanceof Conv2d || node instanceof Dense) {
            String operand = node.inputs().get(0);
            if (!sourceValues.contains(operand)) {
                Node read = graph.node(operand);
                throw notQuantizable(node, target, "it reads " + read.operator() + " '" + operand + "' rather than "
                        + "spikes; a chip's synapses connect the spikes of one population to the next, so two "
                        + "weighted layers need a population between them");
            }
            String previous = owner.putIfAbsent(node.name(), population.name());
            if (previous != null && !previous.equals(population.name())) {
                throw notQuantizable(node, target, "it feeds both '" + previous + "' and '" + population.name()
                        + "', and each population scales its synapses for its own threshold");
            }
            if (!synapses.contains(node.name())) {
                synapses.add(node.name());
            }
        } else if (node instanceof Add || node instanceof Flatten) {
            node.inputs().forEach(operand -> collect(graph, population, operand, sourceValues, owner, synapses,
                    target));
        } else {
            throw notQuantizable(node, target, "population '" + population.name() + "' reads it, but a population's "
                    + "input must be a sum of conv2d and dense synapses");
        }
    }

    private static SourceRange encoderRange(SpikeEncoder encoder, Input input, String target) {
        int elements = input.shape().dim(0);
        return switch (encoder.encoding()) {
            case POISSON -> uniform(elements, 1, 0, 1);
            case SEQUENCE -> sequenceRange(input, target, elements);
            case ANALOG -> analogRange(input, target, elements);
        };
    }

    /** Event counts in [0, {@link InputSource#SEQUENCE_MAX_EVENTS}], each delivering the weights once: gain 1. */
    private static SourceRange sequenceRange(Input input, String target, int elements) {
        if (input.scale().value() != 1) {
            throw CompilationException.of(DiagnosticCode.NOT_QUANTIZABLE, input.span(), input.name(), target,
                    "a sequence input's values are counts of events, each delivering the weights once, but its "
                            + "scale is " + input.scale().value() + "; import it with scale 1");
        }
        return uniform(elements, 1, 0, InputSource.SEQUENCE_MAX_EVENTS);
    }

    /** The raw stored values of an integer type, with the input's scale as the gain of the weights reading them. */
    private static SourceRange analogRange(Input input, String target, int elements) {
        double low;
        double high;
        switch (input.dtype()) {
            case U8 -> {
                low = 0;
                high = 255;
            }
            case I8 -> {
                low = -128;
                high = 127;
            }
            case I32 -> {
                low = Integer.MIN_VALUE;
                high = Integer.MAX_VALUE;
            }
            case I64 -> {
                low = Long.MIN_VALUE;
                high = Long.MAX_VALUE;
            }
            default -> throw CompilationException.of(DiagnosticCode.NOT_QUANTIZABLE, input.span(), input.name(),
                    target, "the analog input holds " + input.dtype() + " values, but a chip's synapses multiply "
                            + "integers; import the model with an integer input, e.g. --input-dtype u8 "
                            + "--input-scale 1/255");
        }
        return uniform(elements, input.scale().value(), low, high);
    }

    private static SourceRange uniform(int elements, double gain, double low, double high) {
        return new SourceRange(filled(elements, gain), filled(elements, low), filled(elements, high));
    }

    private static double[] filled(int length, double value) {
        double[] values = new double[length];
        Arrays.fill(values, value);
        return values;
    }

    /** A [C,H,W] source flattened: element k comes from channel ⌊k/(H·W)⌋. */
    private static SourceRange flattened(SourceRange range, Shape shape) {
        int block = shape.size() / shape.dim(0);
        return new SourceRange(repeat(range.gain(), block), repeat(range.low(), block), repeat(range.high(), block));
    }

    private static double[] repeat(double[] perChannel, int block) {
        double[] values = new double[perChannel.length * block];
        Arrays.setAll(values, k -> perChannel[k / block]);
        return values;
    }

    private static SourceRange concatenated(List<SourceRange> parts) {
        return new SourceRange(
                parts.stream().flatMapToDouble(p -> Arrays.stream(p.gain())).toArray(),
                parts.stream().flatMapToDouble(p -> Arrays.stream(p.low())).toArray(),
                parts.stream().flatMapToDouble(p -> Arrays.stream(p.high())).toArray());
    }

    static CompilationException notQuantizable(Node node, String target, String reason) {
        return CompilationException.of(DiagnosticCode.NOT_QUANTIZABLE, node.span(), node.name(), target, reason);
    }

    /** The conv2d and dense synapses into {@code population}, in the order its expression reaches them. */
    List<String> into(String population) {
        return synapsesOf.get(population);
    }

    /** The source range of the value {@code synapse} reads. */
    SourceRange sourceOf(String synapse) {
        return sources.get(graph.node(synapse).inputs().get(0));
    }

    /**
     * For every weight of {@code synapse} (flat, C order), the element along axis 0 of its operand that it reads: for
     * a conv2d of G groups with weight [F, C/G, kH, kW], filter f = ⌊k/(C/G·kH·kW)⌋ reads channel
     * ⌊f·G/F⌋·C/G + (⌊k/(kH·kW)⌋ mod C/G); for a dense with weight [U, N], weight k reads element k mod N.
     */
    IntUnaryOperator operandElements(Node synapse) {
        Shape operand = shapes.get(synapse.inputs().get(0));
        if (synapse instanceof Conv2d conv) {
            int perGroup = operand.dim(0) / conv.groups();
            int taps = conv.window().kernelH() * conv.window().kernelW();
            int perGroupOut = conv.filters() / conv.groups();
            return k -> k / (perGroup * taps) / perGroupOut * perGroup + k / taps % perGroup;
        }
        int inputs = operand.size();
        return k -> k % inputs;
    }

    /**
     * The most and the least synaptic input that one step can bring each element of {@code value} (a population's
     * operand or part of it), given the weights of its synapses: for output element i of a synapse,
     * most_i = Σ_j max(w_ij·high_j, w_ij·low_j) and least_i = Σ_j min(w_ij·high_j, w_ij·low_j) over the weights j
     * of its filter or row, summed over the operands of an add. A conv2d's border outputs see fewer taps, so its full
     * kernel bounds every position.
     *
     * @param weights the values of each synapse's weight, by synapse name
     * @return {most, least}, each with one entry per element of {@code value}
     */
    double[][] extremes(String value, Function<String, double[]> weights) {
        Node node = graph.node(value);
        int size = shapes.get(value).size();
        if (node instanceof Add) {
            double[][] sum = {new double[size], new double[size]};
            for (String operand : node.inputs()) {
                double[][] term = extremes(operand, weights);
                Arrays.setAll(sum[0], k -> sum[0][k] + term[0][k]);
                Arrays.setAll(sum[1], k -> sum[1][k] + term[1][k]);
            }
            return sum;
        }
        if (node instanceof Flatten flatten) {
            return extremes(flatten.input(), weights);
        }
        double[] w = weights.apply(value);
        SourceRange range = sourceOf(value);
        int rows = node instanceof Conv2d conv ? conv.filters() : ((Dense) node).units();
        int perRow = w.length / rows;
        double[] most = new double[rows];
        double[] least = new double[rows];
        // A row reads its sources in order, each for `spread` consecutive weights (a conv's taps, a dense's one).
        int spread = node instanceof Conv2d conv ? conv.window().kernelH() * conv.window().kernelW() : 1;
        IntUnaryOperator reads = operandElements(node);
        for (int row = 0; row < rows; row++) {
            int k = row * perRow;
            int first = reads.applyAsInt(k);
            for (int j = first; j < first + perRow / spread; j++) {
                double sourceHigh = range.high()[j];
                double sourceLow = range.low()[j];
                for (int end = k + spread; k < end; k++) {
                    double high = w[k] * sourceHigh;
                    double low = w[k] * sourceLow;
                    most[row] += Math.max(high, low);
                    least[row] += Math.min(high, low);
                }
            }
        }
        int positions = size / rows;
        double[][] perElement = {new double[size], new double[size]};
        Arrays.setAll(perElement[0], k -> most[k / positions]);
        Arrays.setAll(perElement[1], k -> least[k / positions]);
        return perElement;
    }
}
