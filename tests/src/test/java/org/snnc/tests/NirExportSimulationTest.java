package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.nir.NirConventions;
import org.snnc.compiler.nir.NirExporter;
import org.snnc.compiler.nir.NirGraph;
import org.snnc.compiler.nir.NirInterpreter;
import org.snnc.compiler.nir.NirNode;
import org.snnc.compiler.nir.NirReader;
import org.snnc.compiler.nir.NirRecording;
import org.snnc.compiler.nir.NirWriter;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SpikingSimulator;

/**
 * A converted network written as NIR, read back, and run by the NIR interpreter gives, neuron for neuron, the spike
 * counts of snnc's own float simulator under the sync schedule (NIR readers advance every node each step, so a spike
 * reaches the next population in the step it is fired), and the same class. The interpreter reads the file by the
 * snnc flavor: NIR's IF with the conventions snnc writes into its metadata, each population's reset by subtraction,
 * its v0 and its θ to subtract, one spike per step, and v > v_threshold, which the exporter makes snnc's v ≥ θ by
 * writing the largest float64 below θ. Both the paper's conversion (v0 = 0) and the default one (v0 = θ/2).
 */
class NirExportSimulationTest {

    private static final int STEPS = 40;
    private static final int DIGITS = 8;

    @TempDir
    Path folder;

    @ParameterizedTest
    @CsvSource({"lenet, paper", "resnet_dev, paper", "lenet, default", "resnet_dev, default"})
    void exportedNetworkSpikesAsTheSimulatorDoes(String model, String conversion) {
        Path shared = Locations.shared();
        Graph ann = ModelLoader.load(shared.resolve("models/" + model + ".onnx"), PyTorchAgreementTest.MNIST_PIXELS)
                .graph();
        double[][] calibration = Dataset.load(shared.resolve("data/mnist_calib.npz"), ann.input(), 200).inputs();
        Dataset digits = Dataset.load(shared.resolve("data/mnist_dev.npz"), ann.input(), DIGITS);
        ConversionOptions options = conversion.equals("paper") ? ConversionOptions.paper()
                : ConversionOptions.defaults();
        Graph converted = new PassManager(Passes.standard(options), IrDumps.NONE)
                .run(ann, new CompilationInputs(Optional.of(calibration), 2, Progress.NONE)).graph();

        IfNeurons first = converted.nodes().values().stream().filter(IfNeurons.class::isInstance)
                .map(IfNeurons.class::cast).findFirst().orElseThrow();
        assertEquals(conversion.equals("paper") ? 0 : first.threshold() / 2, first.initialMembrane());

        NirExporter.Result exported = NirExporter.export(converted, NirExporter.Options.STRICT);
        Path file = folder.resolve(model + ".nir");
        NirWriter.write(exported.graph(), file);
        NirGraph read = NirReader.read(file);
        NirConventions snncReading = NirConventions.of(NirConventions.Flavor.SNNC, OptionalDouble.empty(), read);
        NirInterpreter interpreter = new NirInterpreter(read, snncReading, SourceSpan.ofFile(file.toString()));

        Map<String, String> populations = converted.nodes().values().stream()
                .filter(IfNeurons.class::isInstance)
                .filter(p -> read.nodes().get(exported.nirNames().get(p.name())) instanceof NirNode.IF)
                .collect(Collectors.toMap(p -> p.name(), p -> exported.nirNames().get(p.name())));
        SpikingSimulator simulator = new SpikingSimulator(converted, new SimulationOptions(Schedule.SYNC, STEPS, 1));
        for (int digit = 0; digit < DIGITS; digit++) {
            double[] image = digits.inputs()[digit];
            Map<String, long[]> simulated = simulator.spikesPerNeuron(new double[][] {image}, Progress.NONE);
            NirRecording run = interpreter.run(frames(image, ann.input().shape()), Set.copyOf(populations.values()));
            for (Map.Entry<String, String> population : populations.entrySet()) {
                assertArrayEquals(simulated.get(population.getKey()), spikeCounts(run.output(population.getValue())),
                        model + " digit " + digit + ": spikes of " + population.getKey());
            }
            int simulatedClass = simulator.run(new double[][] {image}, Progress.NONE).predictions()[STEPS - 1][0];
            assertEquals(simulatedClass, lastArgmax(run.output(interpreter.outputNodes().get(0))),
                    model + " digit " + digit + ": class");
        }
    }

    /** The image (already scaled by the data set's loader), repeated for every step: shape [T, ...input]. */
    private static Tensor frames(double[] image, Shape input) {
        double[] values = new double[STEPS * image.length];
        for (int t = 0; t < STEPS; t++) {
            System.arraycopy(image, 0, values, t * image.length, image.length);
        }
        int[] dims = new int[input.rank() + 1];
        dims[0] = STEPS;
        for (int axis = 0; axis < input.rank(); axis++) {
            dims[axis + 1] = input.dim(axis);
        }
        return Tensor.wrap(Shape.of(dims), values);
    }

    /** Each neuron's spikes summed over the steps of a recording of shape [T, ...]. */
    private static long[] spikeCounts(Tensor perStep) {
        int neurons = perStep.size() / STEPS;
        long[] counts = new long[neurons];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < neurons; i++) {
                counts[i] += Math.round(perStep.get(t * neurons + i));
            }
        }
        return counts;
    }

    private static int lastArgmax(Tensor perStep) {
        int classes = perStep.size() / STEPS;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (perStep.get((STEPS - 1) * classes + c) > perStep.get((STEPS - 1) * classes + best)) {
                best = c;
            }
        }
        return best;
    }
}
