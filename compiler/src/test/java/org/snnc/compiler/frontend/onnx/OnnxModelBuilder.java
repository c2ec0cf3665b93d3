package org.snnc.compiler.frontend.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Builds small ONNX models in memory for the importer's tests. */
final class OnnxModelBuilder {

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private final long opset;

    private OnnxModelBuilder(long opset) {
        this.opset = opset;
    }

    /** A model of opset 13, as PyTorch 1.13 exports. */
    static OnnxModelBuilder model() {
        return new OnnxModelBuilder(13);
    }

    static OnnxModelBuilder model(long opset) {
        return new OnnxModelBuilder(opset);
    }

    /** A float input; a negative dimension is symbolic ({@code N}). */
    OnnxModelBuilder input(String name, long... dims) {
        graph.addInput(valueInfo(name, dims));
        return this;
    }

    OnnxModelBuilder output(String name, long... dims) {
        graph.addOutput(valueInfo(name, dims));
        return this;
    }

    /** A FLOAT initializer in {@code float_data}. */
    OnnxModelBuilder floats(String name, long[] dims, float... values) {
        graph.addInitializer(floatTensor(name, dims, values));
        return this;
    }

    /** A FLOAT initializer in little-endian {@code raw_data}, as PyTorch writes them. */
    OnnxModelBuilder rawFloats(String name, long[] dims, float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        graph.addInitializer(TensorProto.newBuilder().setName(name).addAllDims(boxed(dims))
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bytes.array())));
        return this;
    }

    OnnxModelBuilder doubles(String name, long[] dims, double... values) {
        graph.addInitializer(TensorProto.newBuilder().setName(name).addAllDims(boxed(dims))
                .setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .addAllDoubleData(Arrays.stream(values).boxed().toList()));
        return this;
    }

    /** An initializer as given, for tensors the other methods do not build (such as ones whose dims lie). */
    OnnxModelBuilder initializer(TensorProto tensor) {
        graph.addInitializer(tensor);
        return this;
    }

    OnnxModelBuilder int64s(String name, long... values) {
        graph.addInitializer(int64Tensor(name, values));
        return this;
    }

    /** Adds a node; finish it with {@link NodeBuilder#done()}. */
    NodeBuilder node(String opType, String name, List<String> inputs, String... outputs) {
        return new NodeBuilder(opType, name, inputs, outputs);
    }

    ModelProto build() {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("snnc-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    Path write(Path dir, String fileName) throws IOException {
        Path file = dir.resolve(fileName);
        Files.write(file, build().toByteArray());
        return file;
    }

    static TensorProto floatTensor(String name, long[] dims, float... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).addAllDims(boxed(dims))
                .setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    static TensorProto int64Tensor(String name, long... values) {
        return TensorProto.newBuilder().setName(name).addDims(values.length)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addAllInt64Data(Arrays.stream(values).boxed().toList()).build();
    }

    private static ValueInfoProto valueInfo(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static List<Long> boxed(long[] dims) {
        return Arrays.stream(dims).boxed().toList();
    }

    /** One node under construction. */
    final class NodeBuilder {

        private final NodeProto.Builder node;

        private NodeBuilder(String opType, String name, List<String> inputs, String... outputs) {
            node = NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs)
                    .addAllOutput(List.of(outputs));
        }

        NodeBuilder domain(String domain) {
            node.setDomain(domain);
            return this;
        }

        NodeBuilder i(String name, long value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value));
            return this;
        }

        NodeBuilder f(String name, float value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value));
            return this;
        }

        NodeBuilder ints(String name, long... values) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS)
                    .addAllInts(boxed(values)));
            return this;
        }

        NodeBuilder s(String name, String value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(value)));
            return this;
        }

        NodeBuilder t(String name, TensorProto value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(value));
            return this;
        }

        OnnxModelBuilder done() {
            graph.addNode(node);
            return OnnxModelBuilder.this;
        }
    }
}
