package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.interp.Activations;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyReader;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;

/**
 * The ONNX importer plus the float64 interpreter against PyTorch itself: on the 500 dev digits, snnc's softmax
 * outputs match the probabilities PyTorch recorded to 1e-4, its predictions agree on at least 499 digits, and its
 * accuracy is the one recorded with each model.
 */
class PyTorchAgreementTest {

    static final LoadOptions MNIST_PIXELS = new LoadOptions(false, new OnnxImportOptions(DType.U8, new Scale(1, 255)));

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "small_bn_maxpool", "resnet_dev"})
    void importedModelMatchesPyTorch(String model) throws IOException {
        Path shared = Locations.shared();
        Graph graph = ModelLoader.load(shared.resolve("models/" + model + ".onnx"), MNIST_PIXELS).graph();
        Dataset dev = Dataset.load(shared.resolve("data/mnist_dev.npz"), graph.input(), Integer.MAX_VALUE);
        Activations snnc = new AnnInterpreter(graph).evaluateBatch(dev.inputs(), Set.of(), 2);

        NpyArray torch = NpyReader.read(shared.resolve("models/" + model + "_dev_probs.npy"));
        double[] torchProbs = torch.values();
        int classes = torch.shape()[1];
        assertEquals(dev.size(), torch.shape()[0]);

        double worst = 0;
        int agree = 0;
        int correct = 0;
        int[] predictions = snnc.predictions();
        for (int image = 0; image < dev.size(); image++) {
            double[] ours = snnc.outputValues(image);
            int torchClass = 0;
            for (int k = 0; k < classes; k++) {
                double theirs = torchProbs[image * classes + k];
                worst = Math.max(worst, Math.abs(ours[k] - theirs));
                torchClass = theirs > torchProbs[image * classes + torchClass] ? k : torchClass;
            }
            agree += predictions[image] == torchClass ? 1 : 0;
            correct += predictions[image] == dev.labels()[image] ? 1 : 0;
        }
        double recorded = new ObjectMapper().readTree(shared.resolve("models/" + model + ".json").toFile())
                .get("dev_accuracy").asDouble();
        assertTrue(worst <= 1e-4, model + ": largest probability difference " + worst);
        assertTrue(agree >= 499, model + ": predictions agree on " + agree + " of 500");
        assertEquals(recorded, (double) correct / dev.size(), 1e-9, model + ": accuracy");
    }
}
