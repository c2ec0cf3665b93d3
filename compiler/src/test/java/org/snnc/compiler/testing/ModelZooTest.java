package org.snnc.compiler.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.interp.Activations;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;

/** The zoo's networks have the published shapes and sizes, and random images give usable activations. */
class ModelZooTest {

    @TempDir
    Path temp;

    /** name, input shape, output shape, trainable parameters, neurons. */
    private record Expected(String name, Shape input, Shape output, long parameters, long neurons) {
    }

    private static final List<Expected> NETWORKS = List.of(
            new Expected("resnet_dev", Shape.of(1, 28, 28), Shape.of(10), 5_602, 21_190),
            new Expected("vgg28", Shape.of(1, 28, 28), Shape.of(10), 871_018, 75_530),
            new Expected("resnet20", Shape.of(3, 32, 32), Shape.of(10), 272_474, 188_490),
            new Expected("vgg16-cifar", Shape.of(3, 32, 32), Shape.of(10), 14_990_922, 277_002),
            new Expected("vgg16-imagenet", Shape.of(3, 224, 224), Shape.of(1000), 138_357_544, 13_556_712));

    @Test
    void architecturesHaveThePublishedShapesAndSizes() {
        for (Expected expected : NETWORKS) {
            Graph architecture = ModelZoo.architecture(expected.name());
            ShapeInference.Result shapes = ShapeInference.infer(architecture, new DiagnosticBag());
            assertEquals(expected.input(), architecture.input().shape(), expected.name());
            assertEquals(DType.U8, architecture.input().dtype(), expected.name());
            assertEquals(new Scale(1, 255), architecture.input().scale(), expected.name());
            assertEquals(expected.output(), shapes.shape(architecture.output()), expected.name());
            assertEquals(expected.parameters(), ModelZoo.parameterCount(architecture), expected.name());
            assertEquals(expected.neurons(), ModelZoo.neuronCount(architecture), expected.name());
        }
    }

    @Test
    void weightsAreVerifiedAndDependOnlyOnTheSeed() {
        Graph graph = ModelZoo.resnet20Cifar(1);
        assertEquals(List.of(), Verifier.check(graph).diagnostics());
        assertEquals(graph.weights(), ModelZoo.resnet20Cifar(1).weights());
        assertNotEquals(graph.weights(), ModelZoo.resnet20Cifar(2).weights());
    }

    @Test
    void randomImagesGiveFiniteNonDegenerateOutputsAndActivationsOfOrderOne() {
        for (String name : List.of("resnet_dev", "vgg28", "resnet20", "vgg16-cifar")) {
            Graph graph = ModelZoo.byName(name, 7);
            Activations activations = new AnnInterpreter(graph).evaluateBatchAll(ModelZoo.images(graph, 2, 8), 2);
            for (int image = 0; image < 2; image++) {
                double[] probabilities = activations.outputValues(image);
                assertTrue(Arrays.stream(probabilities).allMatch(Double::isFinite), name);
                assertEquals(1, Arrays.stream(probabilities).sum(), 1e-9, name);
                double max = Arrays.stream(probabilities).max().orElseThrow();
                double min = Arrays.stream(probabilities).min().orElseThrow();
                assertTrue(max < 0.99 && min > 1e-6 && max - min > 1e-3,
                        name + ": degenerate output " + Arrays.toString(probabilities));
            }
            for (var node : graph.nodes().values()) {
                if (node instanceof Relu) {
                    double[] values = activations.allValues(node.name());
                    double rms = Math.sqrt(Arrays.stream(values).map(v -> v * v).sum() / values.length);
                    assertTrue(rms > 0.05 && rms < 20, name + ": " + node.name() + " has rms " + rms);
                }
            }
        }
    }

    @Test
    void theOnnxCopyImportsAsTheSameNetwork() throws IOException {
        for (String name : List.of("resnet_dev", "resnet20")) {
            Graph graph = ModelZoo.byName(name, 3);
            Path file = ZooOnnx.write(ModelZoo.architecture(name), 3, temp.resolve(name + ".onnx"));
            Graph imported = ModelLoader.load(file,
                    new LoadOptions(false, new OnnxImportOptions(DType.U8, new Scale(1, 255)))).graph();
            assertEquals(ModelZoo.parameterCount(graph), ModelZoo.parameterCount(imported), name);
            double[][] images = ModelZoo.images(graph, 2, 4);
            for (double[] image : images) {
                assertArrayEquals(new AnnInterpreter(graph).evaluate(image),
                        new AnnInterpreter(imported).evaluate(image), 1e-9, name);
            }
        }
    }
}
