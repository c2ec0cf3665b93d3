package org.snnc.compiler.passes;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.sim.RateNetwork;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SpikingSimulator;

/**
 * Layer-wise bias calibration (Li et al. 2021, "A free lunch from ANN: towards efficient, accurate spiking neural
 * networks calibration"), on the calibration images only. The target of population P, channel c, is the mean rate the
 * network should reach,
 * <pre>
 *   ρ_c = mean over images and c's positions of clip(z, 0, 1)      z the input of the {@link RateNetwork}
 * </pre>
 * and the converted network, simulated for T steps (pipelined, v from v0), reaches the mean rate
 * <pre>
 *   r_c = spikes / ((T − d)·images·positions)
 * </pre>
 * where d is P's depth, the steps its first input takes to arrive in the pipelined schedule: every hop from a
 * population costs one step, the analog input none, and d is the longest such path from the input. The first d
 * steps are a delay, not a rate error, and no current can shorten them. A neuron in its linear range fires at (z·θ + δ)/θ per step after its current is raised by δ,
 * so the expected rate error ρ_c − r_c vanishes with
 * <pre>
 *   b_c ← b_c + (ρ_c − r_c)·θ
 * </pre>
 * The error of a layer is partly that of the layers before it, so the populations are calibrated one at a time in
 * graph order, each simulated with every earlier one already corrected, as Li et al. do. The output population is
 * left alone: the membrane readout reads its integrated input, not its rate. The targets ρ come from the graph as the
 * pass receives it, so calibration never chases its own corrections.
 */
public final class CalibrateBias implements Pass {

    /** The corrections of every calibrated population, by name: one value δ/θ per channel. */
    public static final RecordKey<Map<String, List<Double>>> CORRECTIONS = new RecordKey<>("bias_corrections");

    /** The calibration images simulated; the mean rate of a channel settles long before, and each costs T steps. */
    static final int MAX_IMAGES = 256;

    private final int steps;

    /** @param steps the horizon T the network is simulated for, at least 1 */
    public CalibrateBias(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("bias calibration simulates at least 1 step, not " + steps);
        }
        this.steps = steps;
    }

    @Override
    public String name() {
        return "calibrate-bias";
    }

    @Override
    public String summary() {
        return "correct each population's current so that its mean rate on the calibration images is the rate "
                + "network's";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.BIAS_AS_CURRENT, Stage.GATED, Stage.ENCODED, Stage.READOUT);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.noneOf(Stage.class);
    }

    @Override
    public Set<Stage> mustPrecede() {
        return EnumSet.of(Stage.QUANTIZED);
    }

    @Override
    public String mustPrecedeReason() {
        return "it corrects the float currents, which the quantizer then rounds";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        double[][] all = context.calibration().orElseThrow(() -> CompilationException.of(
                DiagnosticCode.CALIBRATION_REQUIRED, SourceSpan.GENERATED, name()));
        double[][] images = Arrays.copyOf(all, Math.min(all.length, MAX_IMAGES));
        Map<String, Shape> shapes = Verifier.verify(graph).shapes();
        String output = ((Readout) graph.node(graph.output())).input();
        Map<String, double[]> targets = targetRates(graph, shapes, images);
        Map<String, Integer> depths = depths(graph);
        Map<String, List<Double>> corrections = new LinkedHashMap<>();
        Graph calibrated = graph;
        for (Node node : graph.nodes().values()) {
            if (!(node instanceof IfNeurons population) || population.name().equals(output)) {
                continue;
            }
            SpikingSimulator simulator = new SpikingSimulator(calibrated,
                    new SimulationOptions(Schedule.PIPELINED, steps, context.inputs().threads()));
            long[] spikes = simulator.spikesPerNeuron(images, context.inputs().progress()).get(population.name());
            double[] target = targets.get(population.name());
            int active = Math.max(1, steps - depths.get(population.name()));
            double[] rate = channelMeans(spikes, target.length, (double) active * images.length);
            double[] error = new double[rate.length];
            Arrays.setAll(error, c -> target[c] - rate[c]);
            calibrated = withCorrection(calibrated, population, shapes.get(population.name()), error);
            corrections.put(population.name(), Arrays.stream(error).boxed().toList());
            context.count("populations-calibrated", 1);
        }
        context.record(CORRECTIONS, corrections);
        return calibrated;
    }

    /**
     * d of every value: −1 for the input and an analog encoder (a current, present from the first step), 0 for a
     * Poisson encoder, one more than its operands' deepest for a population, and its operands' deepest for the nodes
     * of a synapse expression and for gates, which pass spikes within their step.
     */
    static Map<String, Integer> depths(Graph graph) {
        Map<String, Integer> depths = new LinkedHashMap<>();
        for (Node node : graph.nodes().values()) {
            int deepest = node.inputs().stream().mapToInt(depths::get).max().orElse(-1);
            if (node instanceof SpikeEncoder encoder) {
                depths.put(node.name(), encoder.encoding() == InputEncoding.ANALOG ? -1 : 0);
            } else {
                depths.put(node.name(), node instanceof IfNeurons ? deepest + 1 : deepest);
            }
        }
        return depths;
    }

    /** ρ of every population: the mean of clip(z, 0, 1) per channel over the images. */
    private static Map<String, double[]> targetRates(Graph graph, Map<String, Shape> shapes, double[][] images) {
        RateNetwork rates = new RateNetwork(graph, shapes);
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (double[] image : images) {
            rates.evaluate(image, (population, z) -> {
                double[] rate = Arrays.stream(z).map(RateNetwork::rate).toArray();
                double[] sum = sums.computeIfAbsent(population.name(), name -> new double[channels(shapes.get(name))]);
                double[] means = channelMeans(rate, sum.length, 1);
                Arrays.setAll(sum, c -> sum[c] + means[c]);
            });
        }
        sums.values().forEach(sum -> Arrays.setAll(sum, c -> sum[c] / images.length));
        return sums;
    }

    /** A feature map's channels, or each unit of a flat population its own channel. */
    private static int channels(Shape shape) {
        return shape.rank() == 3 ? shape.dim(0) : shape.size();
    }

    /** The mean per channel of values laid out channel after channel, divided further by {@code divisor}. */
    private static double[] channelMeans(double[] values, int channels, double divisor) {
        int positions = values.length / channels;
        double[] means = new double[channels];
        for (int k = 0; k < values.length; k++) {
            means[k / positions] += values[k];
        }
        Arrays.setAll(means, c -> means[c] / positions / divisor);
        return means;
    }

    private static double[] channelMeans(long[] counts, int channels, double divisor) {
        return channelMeans(Arrays.stream(counts).asDoubleStream().toArray(), channels, divisor);
    }

    /** {@code population} with δ_c = error_c·θ added to the current of every neuron of channel c. */
    private static Graph withCorrection(Graph graph, IfNeurons population, Shape shape, double[] error) {
        int positions = shape.size() / error.length;
        double[] current = population.current()
                .map(ref -> graph.weights().get(ref.key()).orElseThrow().toArray()).orElse(new double[shape.size()]);
        Arrays.setAll(current, k -> current[k] + error[k / positions] * population.threshold());
        GraphBuilder builder = graph.toBuilder();
        Tensor values = Tensor.wrap(shape, current);
        String key = population.name() + ".current";
        ParamRef ref = population.current().map(old -> builder.rewriteWeight(old, key, values))
                .orElseGet(() -> builder.addWeight(key, values, population.span()));
        builder.replace(population.withCurrent(Optional.of(ref)));
        return builder.pruneWeights().build();
    }
}
