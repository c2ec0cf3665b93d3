package org.snnc.targets.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SpikingSimulator;
import org.snnc.compiler.testing.SharedData;
import org.snnc.targets.testing.TestChips;

/**
 * The shared MNIST models, converted with the standard pipeline and quantized for the generic chip: every layer
 * uses the full 8-bit mantissa, its relative weight error stays below 1.5%, and the float simulator, which runs
 * integer values exactly (but for the floor clamp and {@code gt}), classifies 100 dev digits at T = 200 within 1.5
 * percentage points of the float network.
 *
 * <p>1.5%, not 1%: with one exponent per layer the error is that of rounding to 8 bits with the largest weight at
 * ±127, which for lenet's conv2 (1.03%) and fc1 (1.41%) and small_bn_maxpool's fc1 (1.25%) is above 1% whatever θ is;
 * numpy's symmetric max-abs 8-bit rounding of the same tensors gives the same figures.
 */
class QuantizedModelsTest {

    private static final int STEPS = 200;
    private static final int DEV_IMAGES = 100;
    private static final double MAX_WEIGHT_ERROR = 0.015;
    private static final double MAX_ACCURACY_LOSS = 0.015;

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "small_bn_maxpool"})
    void quantizedModelKeepsItsWeightsAndItsAccuracy(String model) {
        Path models = SharedData.models();
        Path data = Path.of(System.getProperty("snnc.root", "..")).resolve("examples/data");
        Graph ann = ModelLoader.load(models.resolve(model + ".onnx"),
                new LoadOptions(false, new OnnxImportOptions(DType.U8, new Scale(1, 255)))).graph();
        double[][] calibration = Dataset.load(data.resolve("mnist_calib.npz"), ann.input(), 1000).inputs();
        int threads = Runtime.getRuntime().availableProcessors();
        CompilationInputs inputs = new CompilationInputs(Optional.of(calibration), threads, Progress.NONE);
        Graph spiking = new PassManager(Passes.standard(ConversionOptions.defaults()), IrDumps.NONE)
                .run(ann, inputs).graph();
        PipelineResult result = new PassManager(List.of(new Quantize(QuantizeOptions.of(TestChips.generic()))),
                IrDumps.NONE).run(spiking, inputs);
        List<LayerQuantization> layers = result.record(Quantize.QUANTIZATION).orElseThrow();
        System.out.println(table(model, layers));
        for (LayerQuantization layer : layers) {
            assertEquals(8, layer.weightBits(), layer.population());
            assertTrue(layer.weightError() < MAX_WEIGHT_ERROR, layer.population() + ": " + layer.weightError());
        }

        double floatAccuracy = accuracy(spiking, data, threads);
        double quantizedAccuracy = accuracy(result.graph(), data, threads);
        System.out.printf(Locale.ROOT, "%s at T=%d on %d dev digits: float %.1f%%, quantized %.1f%%%n", model, STEPS,
                DEV_IMAGES, 100 * floatAccuracy, 100 * quantizedAccuracy);
        assertTrue(Math.abs(floatAccuracy - quantizedAccuracy) <= MAX_ACCURACY_LOSS + 1e-9,
                "float " + floatAccuracy + ", quantized " + quantizedAccuracy);
    }

    /** The accuracy at step T; the data set scales the raw digits by the graph's own input scale. */
    private static double accuracy(Graph graph, Path data, int threads) {
        Dataset dev = Dataset.load(data.resolve("mnist_dev.npz"), graph.input(), DEV_IMAGES);
        int[] predictions = new SpikingSimulator(graph, new SimulationOptions(Schedule.PIPELINED, STEPS, threads))
                .run(dev.inputs(), Progress.NONE).predictions()[STEPS - 1];
        return (double) dev.correct(predictions) / dev.size();
    }

    private static String table(String model, List<LayerQuantization> layers) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%s quantized for generic%n%-22s %9s %2s %5s %2s %5s %8s %8s %6s %6s %8s %7s %9s %s%n", model,
                "population", "θ", "e", "wbits", "k", "bbits", "w err %", "b err %", "U⁺", "A", "z_low", "floor",
                "θ cap", "limited by"));
        for (LayerQuantization layer : layers) {
            text.append(String.format(Locale.ROOT, "%-22s %9d %2d %5d %2d %5d %8.3f %8.4f %6.2f %6.2f %8s %7s %9d %s%n",
                    layer.population(), layer.threshold(), layer.weightExponent(), layer.weightBits(),
                    layer.biasExponent(), layer.biasBits(), 100 * layer.weightError(), 100 * layer.biasError(),
                    layer.maxStepInput(), layer.maxSynapticInput(), format(layer.zLow(), "%.3f"),
                    format(layer.floorSteps(), "%.0f"), layer.thresholdCap(), layer.limitedBy()));
        }
        return text.toString();
    }

    private static String format(Double value, String pattern) {
        return value == null ? "-" : String.format(Locale.ROOT, pattern, value);
    }
}
