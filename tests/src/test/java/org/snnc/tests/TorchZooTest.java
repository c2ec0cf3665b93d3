package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;

/**
 * The ONNX importer plus the float64 {@link AnnInterpreter} against PyTorch on models of real size: torchvision's
 * ImageNet classifiers and the CIFAR networks of issue 12 (ResNet-20 with option A and option B shortcuts, CIFAR
 * VGG-16), each with seeded random weights and batchnorm statistics, exported by
 * {@code src/test/resources/zoo/export_zoo.py} through {@code /usr/bin/python3} into a temporary folder. On each of
 * the two recorded images every output equals torch's float64 output y to 1e-4 of the image's largest output,
 * |ours − y_k| ≤ 1e-4 · max(1, max_j |y_j|), and the predicted class is the one torch's float32 model predicts.
 *
 * <p>The reference is the float64 model because the interpreter computes in float64, as torch's
 * {@code model.double()} does. The file is not quite that model: torch's export folds each batchnorm into its conv
 * and stores the folded weights, and inception's input transform, in float32. Such a rounding error of a layer's
 * weights moves each output by a part of the sizes of the terms it sums, not of the output itself, so the bound is
 * relative to the image's largest output: inception_v3's random-weight outputs reach 1e13, and an output near
 * 5e7 among them differs by 4e-4 of itself but 3e-8 of the largest. The argmax is held to float32 torch, the model
 * a user exports and runs.
 *
 * <p>Exporting every model takes about 3 minutes on 2 cores. One python process exports them all before the first
 * test, so that torch loads once, and the temporary folder goes afterwards with the ONNX files (vgg16's is 550 MB).
 * Without torch, torchvision and onnx the tests are skipped, except under CI ({@code CI} set), where {@code .ci/run}
 * installs them and a missing one fails the tests.
 */
class TorchZooTest {

    static final List<String> MODELS = List.of("vgg16", "vgg16_bn", "resnet18", "resnet50", "inception_v3",
            "inception_v3_transform_input", "googlenet", "squeezenet1_1", "mobilenet_v2", "densenet121", "alexnet",
            "resnet20_option_a", "resnet20_option_b", "vgg16_cifar");

    private static final double RELATIVE_TOLERANCE = 1e-4;
    /** Five times the 3 minutes an export of every model takes on 2 cores, so that only a hung export times out. */
    private static final long EXPORT_TIMEOUT_MINUTES = 15;

    @TempDir
    static Path zoo;

    @BeforeAll
    static void exportZoo() throws IOException, InterruptedException {
        requirePythonWithTorch();
        ZooExport.export(Locations.testResources().resolve("zoo/export_zoo.py"), zoo, MODELS,
                EXPORT_TIMEOUT_MINUTES);
    }

    /** Fails under CI, and otherwise skips the tests, when {@code /usr/bin/python3} cannot import the exporters. */
    private static void requirePythonWithTorch() throws InterruptedException {
        boolean importable;
        try {
            Process check = new ProcessBuilder(ZooExport.PYTHON, "-c", "import torch, torchvision, onnx")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            importable = check.waitFor() == 0;
        } catch (IOException noPython) {
            importable = false;
        }
        String missing = ZooExport.PYTHON + " cannot import torch, torchvision and onnx (Debian: python3-torch "
                + "python3-torchvision python3-onnx python3-numpy, which .ci/run installs)";
        if (System.getenv("CI") != null && !importable) {
            throw new IllegalStateException("CI needs TorchZooTest's exporter: " + missing);
        }
        assumeTrue(importable, missing);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("MODELS")
    void importedModelComputesTorchsFloat64Outputs(String model) {
        // The graph is a local: it becomes garbage before the next model, since vgg16's alone needs gigabytes.
        Graph graph = ModelLoader.load(zoo.resolve(model + ".onnx"), LoadOptions.DEFAULT).graph();
        AnnInterpreter interpreter = new AnnInterpreter(graph);
        Map<String, NpyArray> recorded = NpzReader.read(zoo.resolve(model + ".npz"));
        NpyArray x = recorded.get("x");
        double[] images = x.values();
        double[] float32Outputs = recorded.get("y32").values();
        double[] float64Outputs = recorded.get("y64").values();
        int count = x.dim(0);
        int imageSize = images.length / count;
        int classes = float64Outputs.length / count;
        assertArrayEquals(new int[] {count, classes}, recorded.get("y32").shape(), model + ": y32's shape");
        for (int image = 0; image < count; image++) {
            double[] ours = interpreter.evaluate(slice(images, image, imageSize));
            assertEquals(classes, ours.length, model + ", image " + image + ": outputs");
            double[] torch = slice(float64Outputs, image, classes);
            double largest = Arrays.stream(torch).map(Math::abs).max().orElse(0);
            for (int k = 0; k < classes; k++) {
                assertEquals(torch[k], ours[k], RELATIVE_TOLERANCE * Math.max(1, largest),
                        model + ", image " + image + ", output " + k);
            }
            int torchClass = argmax(slice(float32Outputs, image, classes));
            assertEquals(torchClass, argmax(ours), model + ", image " + image + ": predicted class");
        }
    }

    /** The {@code index}-th run of {@code size} values: one image's pixels or outputs in the batch's C order. */
    private static double[] slice(double[] batch, int index, int size) {
        double[] one = new double[size];
        System.arraycopy(batch, index * size, one, 0, size);
        return one;
    }

    /** The index of the largest value, the first of equals. */
    private static int argmax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            best = values[k] > values[best] ? k : best;
        }
        return best;
    }
}
