package org.snnc.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;

/**
 * Small PyTorch exports of the constructs the importer folds (made by {@code src/test/resources/onnx/make_fixtures.py}
 * with random weights): the imported graph, run by the float64 {@link AnnInterpreter}, gives torch's outputs on the
 * recorded inputs to 1e-4 relative, and folds each construct into the layers described.
 */
class OnnxTorchFixturesTest {

    private static Path fixture(String file) {
        try {
            return Path.of(OnnxTorchFixturesTest.class.getResource("/onnx/" + file).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Graph load(String model) {
        return OnnxImporter.importModel(fixture(model + ".onnx"), OnnxImportOptions.DEFAULT);
    }

    private static List<String> operators(Graph graph) {
        return graph.nodeList().stream().map(Node::operator).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pad_conv_pools", "normalized", "normalized_padded", "transform_input", "nhwc",
        "reduce_mean", "batch8", "ceil_pools", "relu6", "dilated", "linear_bottlenecks",
        "option_a_shortcut", "dense_block"})
    void importedModelComputesTorchsOutputs(String model) {
        Graph graph = load(model);
        Map<String, NpyArray> recorded = NpzReader.read(fixture(model + ".npz"));
        NpyArray x = recorded.get("x");
        NpyArray y = recorded.get("y");
        AnnInterpreter interpreter = new AnnInterpreter(graph);
        int samples = x.dim(0);
        int inSize = x.size() / samples;
        int outSize = y.size() / samples;
        boolean channelsLast = model.equals("nhwc");
        for (int sample = 0; sample < samples; sample++) {
            double[] input = new double[inSize];
            System.arraycopy(x.values(), sample * inSize, input, 0, inSize);
            double[] out = interpreter.evaluate(channelsLast ? channelsFirst(input, x.dim(1), x.dim(2), x.dim(3))
                    : input);
            assertEquals(outSize, out.length);
            for (int k = 0; k < outSize; k++) {
                double torch = y.values()[sample * outSize + k];
                assertEquals(torch, out[k], 1e-4 * Math.max(1, Math.abs(torch)),
                        model + ": sample " + sample + ", output " + k);
            }
        }
    }

    /** An H×W×C image laid out C×H×W, as the imported model of an NHWC input reads it. */
    private static double[] channelsFirst(double[] hwc, int h, int w, int c) {
        double[] chw = new double[hwc.length];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                for (int k = 0; k < c; k++) {
                    chw[(k * h + i) * w + j] = hwc[(i * w + j) * c + k];
                }
            }
        }
        return chw;
    }

    /**
     * ceil_mode pools are floor-mode windows over an input padded at the end: 10×10 → 3×3/2 → 5×5 needs one more row
     * and column, 5×5 → 2×2/2 → 3×3 one, and the average pool's divisor leaves the added cells out.
     */
    @Test
    void ceilModePoolsPadTheirEnds() {
        Graph g = load("ceil_pools");
        assertEquals(List.of("input", "conv2d", "relu", "maxpool", "maxpool", "avgpool", "flatten", "dense"),
                operators(g));
        assertEquals(new Padding(0, 0, 1, 1), ((MaxPool) g.nodeList().get(3)).window().padding());
        assertEquals(new Padding(0, 0, 1, 1), ((MaxPool) g.nodeList().get(4)).window().padding());
        AvgPool avg = (AvgPool) g.nodeList().get(5);
        assertEquals(new Padding(0, 0, 1, 1), avg.window().padding());
        assertEquals(false, avg.countIncludePad());
    }

    /** torch exports ReLU6 as a Relu and a Clip(0, 6): the clip is a relu whose ceiling is 6. */
    @Test
    void relu6IsAReluClippedAtSix() {
        Graph g = load("relu6");
        assertEquals(List.of("input", "conv2d", "relu", "relu", "flatten", "dense"), operators(g));
        assertEquals(6.0, ((Relu) g.nodeList().get(3)).ceiling());
        assertEquals(false, ((Relu) g.nodeList().get(2)).clipped());
        String text = SnnPrinter.print(g);
        assertTrue(text.contains(", max=6)"), text);
        assertEquals(text, SnnPrinter.print(SnnTextFrontEnd.parse(text, "relu6.snn").graph()), "the text round trip");
    }

    /** ZeroPad2d and F.pad leave no node: their zeros widen the next conv's, max pool's and avg pool's padding. */
    @Test
    void padsFoldIntoTheWindowsAfterThem() {
        Graph g = load("pad_conv_pools");
        assertEquals(List.of("input", "conv2d", "relu", "maxpool", "avgpool", "conv2d", "relu", "avgpool", "flatten",
                "dense"), operators(g));
        Conv2d conv = (Conv2d) g.nodeList().get(1);
        assertEquals(new Padding(1, 2, 2, 3), conv.window().padding(), "ZeroPad2d((1,2,0,1)) plus padding 1");
        MaxPool max = (MaxPool) g.nodeList().get(3);
        assertEquals(new Padding(1, 1, 0, 1), max.window().padding());
        AvgPool avg = (AvgPool) g.nodeList().get(4);
        assertEquals(Padding.symmetric(1, 1), avg.window().padding());
        assertTrue(avg.countIncludePad(), "torch's count_include_pad avg pool divides by 9 at the border too");
    }

    /** (x − μ)/σ before an unpadded conv, and x·0.5 − 2 before a dense layer, fold into their weights and biases. */
    @Test
    void normalizationFoldsIntoTheFirstLayers() {
        Graph g = load("normalized");
        assertEquals(List.of("input", "conv2d", "relu", "flatten", "dense"), operators(g));
        Conv2d conv = (Conv2d) g.nodeList().get(1);
        assertEquals("conv.weight.folded", conv.weight().key());
        assertEquals("conv.bias.folded", conv.bias().orElseThrow().key());
    }

    /** Before a padded conv the shift cannot fold (padding is 0, not the shift), so it stays an affine layer. */
    @Test
    void normalizationBeforeAPaddedConvStaysAnAffine() {
        Graph g = load("normalized_padded");
        assertEquals(List.of("input", "affine", "conv2d", "relu", "flatten", "dense"), operators(g));
        assertEquals("x", ((Affine) g.nodeList().get(1)).input());
    }

    /** inception_v3's transform_input (Gather, Unsqueeze, Mul, Add per channel, Concat) folds into the stem conv. */
    @Test
    void transformInputFoldsIntoTheStemConv() {
        Graph g = load("transform_input");
        assertEquals(List.of("input", "conv2d", "relu", "flatten", "dense"), operators(g));
        assertEquals(Shape.of(4, 3, 3, 3), g.weights().get("conv.weight.folded").orElseThrow().shape());
    }

    /** The NHWC input becomes a [C,H,W] IR input, and the channel-last flatten a permutation of the dense columns. */
    @Test
    void nhwcInputAndChannelLastFlattenFold() {
        Graph g = load("nhwc");
        assertEquals(List.of("input", "conv2d", "relu", "flatten", "dense"), operators(g));
        assertEquals(Shape.of(3, 6, 7), g.input().shape());
    }

    @Test
    void reduceMeanSqueezeAndOneOperandConcatImport() {
        Graph g = load("reduce_mean");
        assertEquals(List.of("input", "conv2d", "relu", "avgpool", "flatten", "conv2d", "relu", "avgpool",
                "flatten", "concat", "dense"), operators(g));
    }

    /** A static batch of 8 is per-sample: the model imports as its symbolic-batch export does. */
    @Test
    void staticBatchImportsLikeTheSymbolicBatch() {
        assertEquals(SnnPrinter.print(load("batch8_symbolic")).replace("batch8_symbolic", "batch8"),
                SnnPrinter.print(load("batch8")));
    }
}
