package org.snnc.targets.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.testing.RandomNetworks;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.NormalizeOptions;
import org.snnc.compiler.passes.PassContext;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SpikingSimulator;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.NeuronFormat;
import org.snnc.targets.testing.TestChips;

/**
 * Quantization of random converted networks for random chips: the result verifies and simulates; θ, every weight
 * mantissa and every bias mantissa fit their bit widths; each mantissa is within half an LSB of the float weight in
 * the population's units unless the population reports clipping; and the stored integers respect the per-step
 * bounds, checked here independently with the exact taps of every output position. A chip too narrow for a network
 * may refuse it with E0908, never crash.
 */
class QuantizationProperties {

    private static final int CALIBRATION_IMAGES = 16;
    private static final double EPSILON = 1e-9;

    /** Half the generated networks take f32 input, which analog input cannot quantize, so twice the tries. */
    @Property(tries = 160)
    void quantizedNetworksFitTheChipAndRoundToNearest(@ForAll long seed) {
        Random random = new Random(seed);
        Graph ann = RandomNetworks.generateForChips(seed);
        Assume.that(ann.input().dtype() == DType.U8);
        double[][] calibration = new double[CALIBRATION_IMAGES][ann.input().shape().size()];
        for (double[] image : calibration) {
            Arrays.setAll(image, k -> random.nextInt(256) / 255.0);
        }
        CompilationInputs inputs = new CompilationInputs(
                random.nextBoolean() ? Optional.of(calibration) : Optional.empty(), 1, Progress.NONE);
        ConversionOptions conversion = new ConversionOptions(
                new NormalizeOptions(random.nextBoolean() ? 99.9 : 100, random.nextBoolean(),
                        NormalizeOptions.OutputScale.values()[random.nextInt(3)]),
                random.nextBoolean() ? ResetMode.SUBTRACT : ResetMode.ZERO, OptionalDouble.empty(),
                random.nextInt(4) > 0 ? InputEncoding.ANALOG : InputEncoding.POISSON,
                ReadoutMode.MEMBRANE, 0, false,
                random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? ConversionOptions.HALF_THRESHOLD
                        : random.nextDouble(), random.nextInt(4) == 0 ? 8 : 0, false,
                random.nextBoolean() ? ReadoutWindow.ALL : ReadoutWindow.HALF);
        Graph spiking = new PassManager(Passes.standard(conversion), IrDumps.NONE)
                .run(ann, new CompilationInputs(Optional.of(calibration), 1, Progress.NONE)).graph();
        ChipSpec chip = random.nextInt(3) == 0 ? TestChips.generic() : TestChips.randomFormats(random);
        QuantizeOptions options = new QuantizeOptions(chip, 1 << random.nextInt(5));

        PipelineResult result;
        try {
            result = new PassManager(List.of(new Quantize(options)), IrDumps.NONE).run(spiking, inputs);
        } catch (CompilationException refused) {
            assertEquals(DiagnosticCode.NOT_QUANTIZABLE, refused.diagnostics().get(0).code(), refused.getMessage());
            assertTrue(refused.getMessage().contains("the smallest threshold"), refused.getMessage());
            Statistics.label("outcome").collect("refused: chip too narrow");
            return;
        }
        Statistics.label("outcome").collect("quantized for a " + chip.name() + " chip");
        Graph quantized = result.graph();
        Map<String, Shape> shapes = Verifier.verify(quantized).shapes();
        Quantize.Prepared prepared = new Quantize(options).prepare(spiking, new PassContext(inputs));
        List<LayerQuantization> layers = result.record(Quantize.QUANTIZATION).orElseThrow();
        Map<String, LayerQuantization> byPopulation = new HashMap<>();
        layers.forEach(layer -> byPopulation.put(layer.population(), layer));
        for (Node node : quantized.nodes().values()) {
            if (node instanceof IfNeurons population) {
                checkPopulation(quantized, shapes, prepared, population, byPopulation.get(population.name()), chip);
            }
        }
        Statistics.label("clipping").collect(layers.stream().anyMatch(LayerQuantization::clipped));
        Statistics.label("full mantissa everywhere").collect(
                layers.stream().allMatch(layer -> layer.weightBits() == chip.weights().bits()));
        new SpikingSimulator(quantized, new SimulationOptions(Schedule.PIPELINED, 5, 1))
                .run(Arrays.copyOf(calibration, 2), Progress.NONE);
    }

    private static void checkPopulation(Graph quantized, Map<String, Shape> shapes, Quantize.Prepared prepared,
            IfNeurons population, LayerQuantization layer, ChipSpec chip) {
        NeuronFormat format = chip.neurons();
        FixedPoint fixed = population.fixed().orElseThrow();
        long theta = layer.threshold();
        long step = 1L << format.thresholdShift();
        String name = population.name();
        boolean firesAbove = format.fire() == FireComparison.GT && theta >= 2 * step;
        assertEquals(firesAbove ? theta - step : theta, population.threshold(), name);
        assertTrue(theta >= step && theta <= format.maxThreshold() && theta % step == 0, name + ": θ " + theta);
        assertEquals(new FixedPoint(chip.weights().bits(), layer.weightExponent(), format.accumulatorBits(),
                format.stateBits(), format.overflow(), format.membraneFloor(), format.fire()), fixed, name);
        assertTrue(layer.weightBits() <= chip.weights().bits(), name);
        assertTrue(layer.biasBits() <= format.biasBits(), name);
        assertEquals(layer.clipped(), !layer.warnings().isEmpty(), name);

        double lsb = Math.scalb(1.0, fixed.weightExponent());
        double thetaFloat = ((IfNeurons) prepared.graph().node(name)).threshold();
        for (String synapse : prepared.synapses().into(name)) {
            double[] stored = weight(quantized, synapse);
            double[] floating = weight(prepared.graph(), synapse);
            for (int k = 0; k < stored.length; k++) {
                double m = stored[k] / lsb;
                assertEquals(Math.rint(m), m, name + ": " + synapse + "[" + k + "]");
                assertTrue(Math.abs(m) <= fixed.maxMantissa(), name + ": " + synapse + "[" + k + "]");
                double exact = floating[k] * theta / thetaFloat / lsb;
                assertTrue(layer.clipped() || Math.abs(m - exact) <= 0.5 + EPSILON,
                        name + ": " + synapse + "[" + k + "] m = " + m + " for " + exact);
            }
        }
        double[] current = population.current().map(ref -> quantized.weights().get(ref.key()).orElseThrow()
                .toArray()).orElse(new double[shapes.get(name).size()]);
        double biasLsb = Math.scalb(1.0, layer.biasExponent());
        for (double c : current) {
            assertEquals(Math.rint(c / biasLsb), c / biasLsb, name + ": current " + c);
            assertTrue(Math.abs(c / biasLsb) <= format.maxBiasMantissa(), name + ": current " + c);
        }

        long stateMax = FixedPoint.maxSigned(format.stateBits());
        assertTrue(theta * (1 + layer.maxStepInput()) <= stateMax * (1 + EPSILON), name + ": state");
        assertTrue(theta * layer.maxSynapticInput() <= FixedPoint.maxSigned(format.accumulatorBits())
                * (1 + EPSILON), name + ": accumulator");
        double[][] extremes = extremes(quantized, shapes, population.input());
        for (int i = 0; i < current.length; i++) {
            assertTrue(theta + extremes[0][i] + Math.max(current[i], 0) <= stateMax, name + ": membrane of " + i);
            assertTrue(Math.max(extremes[0][i], -extremes[1][i]) <= FixedPoint.maxSigned(format.accumulatorBits()),
                    name + ": accumulator of " + i);
            assertTrue(Math.abs(current[i]) <= stateMax, name + ": current of " + i);
        }
        assertFalse(Double.isNaN(layer.weightError()), name);
    }

    /**
     * The most and least one step's synaptic input can be at each element of {@code value}, by enumerating the taps
     * of every conv2d output position that fall inside its input (the pass bounds with the full kernel instead).
     * A source value lies in [0, 255] for the analog input's raw pixels and in [0, 1] for spikes.
     */
    private static double[][] extremes(Graph graph, Map<String, Shape> shapes, String value) {
        Node node = graph.node(value);
        int size = shapes.get(value).size();
        double[][] result = {new double[size], new double[size]};
        if (node instanceof Add) {
            for (String operand : node.inputs()) {
                double[][] term = extremes(graph, shapes, operand);
                Arrays.setAll(result[0], k -> result[0][k] + term[0][k]);
                Arrays.setAll(result[1], k -> result[1][k] + term[1][k]);
            }
            return result;
        }
        if (node instanceof Flatten flatten) {
            return extremes(graph, shapes, flatten.input());
        }
        String operand = node.inputs().get(0);
        double high = graph.node(operand) instanceof SpikeEncoder encoder
                && encoder.encoding() == InputEncoding.ANALOG ? 255 : 1;
        double[] w = weight(graph, value);
        if (node instanceof Dense dense) {
            int inputs = w.length / dense.units();
            for (int u = 0; u < dense.units(); u++) {
                for (int n = 0; n < inputs; n++) {
                    result[0][u] += Math.max(w[u * inputs + n] * high, 0);
                    result[1][u] += Math.min(w[u * inputs + n] * high, 0);
                }
            }
            return result;
        }
        Conv2d conv = (Conv2d) node;
        Shape in = shapes.get(operand);
        Shape out = shapes.get(value);
        int perGroup = in.dim(0) / conv.groups();
        int kh = conv.window().kernelH();
        int kw = conv.window().kernelW();
        for (int f = 0; f < conv.filters(); f++) {
            for (int i = 0; i < out.dim(1); i++) {
                for (int j = 0; j < out.dim(2); j++) {
                    int k = (f * out.dim(1) + i) * out.dim(2) + j;
                    for (int c = 0; c < perGroup; c++) {
                        for (int u = 0; u < kh; u++) {
                            for (int v = 0; v < kw; v++) {
                                int row = i * conv.window().strideH() + u - conv.window().padding().top();
                                int col = j * conv.window().strideW() + v - conv.window().padding().left();
                                if (row < 0 || row >= in.dim(1) || col < 0 || col >= in.dim(2)) {
                                    continue;
                                }
                                double tap = w[((f * perGroup + c) * kh + u) * kw + v] * high;
                                result[0][k] += Math.max(tap, 0);
                                result[1][k] += Math.min(tap, 0);
                            }
                        }
                    }
                }
            }
        }
        return result;
    }

    private static double[] weight(Graph graph, String synapse) {
        return graph.weights().get(graph.node(synapse).parameters().get("weight").key()).orElseThrow().toArray();
    }
}
