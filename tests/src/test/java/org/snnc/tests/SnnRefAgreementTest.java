package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.Normalize;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SimulationResult;
import org.snnc.compiler.sim.SpikingSimulator;

/**
 * snnc's conversion and float simulator against the numpy reference (../shared/reference/snn_ref.py), whose outputs
 * for the same models, digits, percentile (99.9), schedule and T = 200 are committed in resources/snn_ref with the
 * command that made them. The two are written independently and compute the same thing, so they agree exactly: on the
 * λs (to 1e-9 relative, float rounding), on every one of the 500 predictions at t = 25, 50, 100 and 200 (the steps
 * the reference records), and on the synaptic operations per image at every step (to 1e-9 relative).
 */
class SnnRefAgreementTest {

    private static final int[] KEY_STEPS = {25, 50, 100, 200};

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"lenet, pipelined", "lenet, sync", "small_bn_maxpool, pipelined", "small_bn_maxpool, sync"})
    void simulatorAgreesWithTheNumpyReference(String model, String schedule) throws IOException {
        Path shared = Locations.shared();
        JsonNode reference = new ObjectMapper().readTree(Locations.testResources()
                .resolve("snn_ref/" + model + "_" + schedule + "_p99.9_T200.json").toFile());
        Graph ann = ModelLoader.load(shared.resolve("models/" + model + ".onnx"), PyTorchAgreementTest.MNIST_PIXELS)
                .graph();
        double[][] calibration = Dataset.load(shared.resolve("data/mnist_calib.npz"), ann.input(), 1000).inputs();
        Dataset dev = Dataset.load(shared.resolve("data/mnist_dev.npz"), ann.input(), Integer.MAX_VALUE);

        PipelineResult converted = new PassManager(Passes.standard(ConversionOptions.defaults()), IrDumps.NONE)
                .run(ann, new CompilationInputs(Optional.of(calibration), 2, Progress.NONE));
        assertLambdasAgree(reference.get("lambdas"), converted.record(Normalize.LAMBDAS).orElseThrow());

        int steps = reference.get("steps").asInt();
        SimulationResult result = new SpikingSimulator(converted.graph(),
                new SimulationOptions(Schedule.fromSpelling(schedule).orElseThrow(), steps, 2))
                .run(dev.inputs(), Progress.NONE);

        for (int t : KEY_STEPS) {
            JsonNode theirs = reference.get("predictions").get(Integer.toString(t));
            int[] ours = result.predictions()[t - 1];
            for (int image = 0; image < ours.length; image++) {
                assertEquals(theirs.get(image).asInt(), ours[image], model + " " + schedule + " t=" + t + ": image "
                        + image);
            }
        }
        for (int t = 1; t <= steps; t++) {
            double referenceOps = reference.get("synaptic_ops_per_image").get(t - 1).asDouble();
            double ops = result.synapticOpsPerImage()[t - 1];
            assertEquals(referenceOps, ops, 1e-9 * referenceOps, model + " " + schedule + " t=" + t + ": ops");
        }
    }

    /** The reference names layers its own way; λs are compared in layer order. */
    private static void assertLambdasAgree(JsonNode reference, Map<String, Object> ours) {
        List<Double> theirs = new ArrayList<>();
        reference.elements().forEachRemaining(lambda -> theirs.add(lambda.asDouble()));
        List<Double> mine = ours.values().stream().map(lambda -> ((Number) lambda).doubleValue()).toList();
        assertEquals(theirs.size(), mine.size(), "number of λs: " + ours.keySet());
        for (int layer = 0; layer < theirs.size(); layer++) {
            assertEquals(theirs.get(layer), mine.get(layer), 1e-9 * theirs.get(layer), "λ of layer " + layer);
        }
    }
}
