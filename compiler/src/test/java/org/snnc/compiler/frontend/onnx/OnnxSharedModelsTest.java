package org.snnc.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.testing.SharedData;

/** Imports the three PyTorch-exported MNIST models of {@code shared/models} and checks structure and weights. */
class OnnxSharedModelsTest {

    private static final OnnxImportOptions MNIST = new OnnxImportOptions(DType.U8, new Scale(1, 255));

    private static Graph load(String model) {
        return OnnxImporter.importModel(SharedData.models().resolve(model + ".onnx"), MNIST);
    }

    private static List<String> operators(Graph graph) {
        return graph.nodeList().stream().map(Node::operator).toList();
    }

    @Test
    void lenetImportsLayerByLayer() {
        Graph g = load("lenet");
        assertEquals("lenet", g.name());
        assertEquals(Optional.empty(), g.weightsFile());
        assertEquals(List.of("input", "conv2d", "relu", "avgpool", "conv2d", "relu", "avgpool", "flatten", "dense",
                "relu", "dense", "softmax"), operators(g));
        assertEquals(List.of("input", "n0.0_Conv", "n0.1_Relu", "n0.2_AveragePool", "n0.3_Conv", "n0.4_Relu",
                "n0.5_AveragePool", "n0.6_Flatten", "n0.7_Gemm", "n0.8_Relu", "n0.9_Gemm", "probs"),
                List.copyOf(g.nodes().keySet()));
        assertEquals("probs", g.output());
        assertEquals(DType.U8, g.input().dtype());
        assertEquals(new Scale(1, 255), g.input().scale());

        ShapeInference.Result shapes = Verifier.verify(g);
        assertEquals(Shape.of(1, 28, 28), shapes.shape("input"));
        assertEquals(Shape.of(6, 24, 24), shapes.shape("n0.0_Conv"));
        assertEquals(Shape.of(6, 12, 12), shapes.shape("n0.2_AveragePool"));
        assertEquals(Shape.of(16, 4, 4), shapes.shape("n0.5_AveragePool"));
        assertEquals(Shape.of(256), shapes.shape("n0.6_Flatten"));
        assertEquals(Shape.of(120), shapes.shape("n0.7_Gemm"));
        assertEquals(Shape.of(10), shapes.shape("probs"));

        Conv2d conv1 = (Conv2d) g.node("n0.0_Conv");
        assertEquals(6, conv1.filters());
        assertEquals(1, conv1.groups());
        assertEquals(Window2d.square(5, 1, 0), conv1.window());
        assertEquals("0.0.weight", conv1.weight().key());
        assertEquals(Shape.of(6, 1, 5, 5), g.weights().get("0.0.weight").orElseThrow().shape());
        AvgPool pool = (AvgPool) g.node("n0.2_AveragePool");
        assertEquals(Window2d.square(2, 2, 0), pool.window());
        Dense fc1 = (Dense) g.node("n0.7_Gemm");
        assertEquals(120, fc1.units());
        assertEquals("0.7.weight", fc1.weight().key(), "transB = 1: the weight is used as it is");
        assertEquals(Shape.of(120, 256), g.weights().get("0.7.weight").orElseThrow().shape());
    }

    /**
     * Sample values of the torch state_dict in {@code lenet.npz}, read with python3 + numpy as
     * {@code repr(float(np.load('lenet.npz')['conv1.weight'][0,0,0,0]))} and so on; ONNX names the same tensors by
     * their Sequential index ({@code conv1} is {@code 0.0}, {@code fc1} is {@code 0.7}, {@code fc2} is {@code 0.9}),
     * as {@code lenet.json}'s torch_index says. The npz holds float32, so the float64 weights must match exactly.
     */
    @Test
    void lenetWeightsEqualTheTorchStateDict() {
        Graph g = load("lenet");
        Tensor conv1 = g.weights().get("0.0.weight").orElseThrow();
        assertEquals(-0.035090334713459015, conv1.get(0));
        assertEquals(0.06559613347053528, conv1.get(1));
        assertEquals(-0.21900179982185364, conv1.get(2));
        assertEquals(-0.10447976738214493, conv1.get(6 * 25 - 1));
        assertEquals(0.18203456699848175, g.weights().get("0.7.weight").orElseThrow().get(120 * 256 - 1));
        Tensor fc2Bias = g.weights().get("0.9.bias").orElseThrow();
        assertEquals(-0.0013649814063683152, fc2Bias.get(0));
        assertEquals(-0.03563860058784485, fc2Bias.get(1));
        assertEquals(-0.04051384702324867, fc2Bias.get(2));
    }

    @Test
    void smallBnMaxpoolKeepsBatchNorm() {
        Graph g = load("small_bn_maxpool");
        assertEquals(List.of("input", "conv2d", "batchnorm", "relu", "maxpool", "conv2d", "batchnorm", "relu",
                "maxpool", "flatten", "dense", "relu", "dense", "softmax"), operators(g));
        ShapeInference.Result shapes = Verifier.verify(g);
        assertEquals(Shape.of(8, 28, 28), shapes.shape("n0.0_Conv"));
        assertEquals(Shape.of(8, 14, 14), shapes.shape("n0.3_MaxPool"));
        assertEquals(Shape.of(16, 7, 7), shapes.shape("n0.7_MaxPool"));
        assertEquals(Shape.of(784), shapes.shape("n0.8_Flatten"));
        assertEquals(Shape.of(10), shapes.shape("probs"));
        assertEquals(Padding.symmetric(1, 1), ((Conv2d) g.node("n0.0_Conv")).window().padding());

        BatchNorm bn1 = (BatchNorm) g.node("n0.1_BatchNormalization");
        assertEquals("n0.0_Conv", bn1.input());
        assertEquals(1e-5, bn1.epsilon());
        assertEquals("0.1.weight", bn1.gamma().key());
        assertEquals("0.1.bias", bn1.beta().key());
        assertEquals("0.1.running_mean", bn1.mean().key());
        assertEquals("0.1.running_var", bn1.variance().key());
        // From small_bn_maxpool.npz with numpy, as in lenetWeightsEqualTheTorchStateDict: bn1 is 0.1, bn2 is 0.5.
        Tensor var = g.weights().get("0.1.running_var").orElseThrow();
        assertEquals(0.009416203014552593, var.get(0));
        assertEquals(0.01614808849990368, var.get(1));
        assertEquals(0.023534690961241722, var.get(2));
        assertEquals(1.2442947626113892, g.weights().get("0.5.weight").orElseThrow().get(15));
        assertEquals(-0.01270204409956932, g.weights().get("0.9.weight").orElseThrow().get(64 * 784 - 1));
    }

    @Test
    void resnetDevHasResidualAddsAndAGlobalPool() {
        Graph g = load("resnet_dev");
        List<String> ops = operators(g);
        assertEquals(5, ops.stream().filter("conv2d"::equals).count());
        assertEquals(5, ops.stream().filter("batchnorm"::equals).count());
        assertEquals(2, ops.stream().filter("add"::equals).count());

        Add first = (Add) g.node("n0_blocks.0_Add");
        assertEquals(List.of("n0_blocks.0_b2_BatchNormalization", "n0_pool_AveragePool"), first.inputs());
        Add second = (Add) g.node("n0_blocks.1_Add");
        assertEquals(List.of("n0_blocks.1_b2_BatchNormalization", "n0_blocks.0_Relu_1"), second.inputs());

        AvgPool global = (AvgPool) g.node("n0_GlobalAveragePool");
        assertEquals(new Window2d(14, 14, 14, 14, Padding.NONE), global.window());
        ShapeInference.Result shapes = Verifier.verify(g);
        assertEquals(Shape.of(12, 14, 14), shapes.shape("n0_blocks.1_Relu_1"));
        assertEquals(Shape.of(12, 1, 1), shapes.shape("n0_GlobalAveragePool"));
        assertEquals(Shape.of(12), shapes.shape("n0_Flatten"));
        assertEquals(Shape.of(10), shapes.shape("probs"));
        assertInstanceOf(Dense.class, g.node("n0_head_Gemm"));

        // From resnet_dev.npz with numpy: blocks.1.c2.weight[11,11,2,2], blocks.0.b1.running_mean[0], head.bias[9].
        assertEquals(0.005579941440373659,
                g.weights().get("0.blocks.1.c2.weight").orElseThrow().get(12 * 12 * 9 - 1));
        assertEquals(-0.1856742799282074, g.weights().get("0.blocks.0.b1.running_mean").orElseThrow().get(0));
        assertEquals(0.0599348284304142, g.weights().get("0.head.bias").orElseThrow().get(9));
    }

    /** Every initializer, decoded here independently from its little-endian raw_data, is imported unchanged. */
    @Test
    void everyInitializerIsImportedExactly() throws IOException {
        for (String model : List.of("lenet", "small_bn_maxpool", "resnet_dev")) {
            Graph g = load(model);
            ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(SharedData.models().resolve(model + ".onnx")));
            assertEquals(proto.getGraph().getInitializerCount(), g.weights().tensors().size(), model);
            for (TensorProto init : proto.getGraph().getInitializerList()) {
                assertEquals(TensorProto.DataType.FLOAT_VALUE, init.getDataType());
                FloatBuffer floats = init.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer();
                Tensor tensor = g.weights().get(init.getName()).orElseThrow();
                assertEquals(init.getDimsList().stream().map(Long::intValue).toList(), tensor.shape().dims());
                for (int i = 0; i < tensor.size(); i++) {
                    assertEquals(floats.get(i), tensor.get(i), model + " " + init.getName() + "[" + i + "]");
                }
            }
        }
    }
}
