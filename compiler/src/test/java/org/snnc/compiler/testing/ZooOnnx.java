package org.snnc.compiler.testing;

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
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Window2d;

/**
 * Writes a {@link ModelZoo} network as an ONNX model (opset 13, as PyTorch exports), its weights made on the fly by
 * {@link ModelZoo#parameters} and streamed to the file as little-endian float32 {@code raw_data}: the heap holds the
 * graph's nodes and one tensor header at a time, so ImageNet VGG-16's 553 MB of initializers need no more memory
 * than LeNet's. Importing the file with {@code u8} input and scale 1/255 gives the network
 * {@link ModelZoo#withWeights} builds, up to node names.
 *
 * <p>Protobuf fields may come in any order and a message's length prefix is all a parser needs, so the file is the
 * model's small fields, then the graph field: its length (computed from the tensor sizes), the nodes and value infos,
 * then each initializer as a header (name, dims, type) followed by its raw data.
 */
public final class ZooOnnx {

    private static final int CHUNK = 1 << 16;

    private ZooOnnx() {
    }

    /** Writes {@code architecture} with the weights of {@code seed} to {@code file}, which it returns. */
    public static Path write(Graph architecture, long seed, Path file) throws IOException {
        ShapeInference.Result shapes = ShapeInference.infer(architecture, new DiagnosticBag());
        GraphProto.Builder graph = GraphProto.newBuilder().setName(architecture.name());
        for (Node node : architecture.nodes().values()) {
            if (node instanceof Input input) {
                graph.addInput(valueInfo(input.name(), input.shape()));
            } else {
                graph.addNode(node(node));
            }
        }
        graph.addOutput(valueInfo(architecture.output(), shapes.shape(architecture.output())));
        GraphProto nodes = graph.build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(7).setProducerName("snnc-model-zoo")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();

        List<ModelZoo.Parameter> parameters = ModelZoo.parameters(architecture, seed);
        List<TensorProto> headers = new ArrayList<>();
        long graphSize = nodes.getSerializedSize();
        for (ModelZoo.Parameter parameter : parameters) {
            TensorProto header = TensorProto.newBuilder().setName(parameter.key())
                    .addAllDims(parameter.shape().dims().stream().map(Integer::longValue).toList())
                    .setDataType(TensorProto.DataType.FLOAT_VALUE).build();
            headers.add(header);
            graphSize += lengthDelimited(GraphProto.INITIALIZER_FIELD_NUMBER, tensorSize(header, parameter.shape()));
        }
        if (graphSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a protobuf message holds at most 2 GiB; this graph is " + graphSize);
        }

        try (OutputStream stream = Files.newOutputStream(file)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, CHUNK);
            model.writeTo(out);
            out.writeTag(ModelProto.GRAPH_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag((int) graphSize);
            nodes.writeTo(out);
            for (int i = 0; i < parameters.size(); i++) {
                Shape shape = parameters.get(i).shape();
                TensorProto header = headers.get(i);
                out.writeTag(GraphProto.INITIALIZER_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag((int) tensorSize(header, shape));
                header.writeTo(out);
                out.writeTag(TensorProto.RAW_DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(shape.size() * Float.BYTES);
                DoubleSupplier values = parameters.get(i).values();
                for (int j = 0; j < shape.size(); j++) {
                    out.writeFloatNoTag((float) values.getAsDouble());
                }
            }
            out.flush();
        }
        return file;
    }

    /** The serialized size of a tensor: its header and its float32 raw data. */
    private static long tensorSize(TensorProto header, Shape shape) {
        return header.getSerializedSize()
                + lengthDelimited(TensorProto.RAW_DATA_FIELD_NUMBER, (long) shape.size() * Float.BYTES);
    }

    /** The bytes of a length-delimited field of {@code size} bytes: tag, length, contents. */
    private static long lengthDelimited(int field, long size) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(size) + size;
    }

    /** The ONNX node of an IR node, reading its inputs and weights by name and writing the node's name. */
    private static NodeProto node(Node node) {
        NodeProto.Builder proto = NodeProto.newBuilder().setName(node.name()).addOutput(node.name());
        proto.addAllInput(node.inputs());
        if (node instanceof Conv2d conv) {
            proto.setOpType("Conv").addInput(conv.weight().key());
            conv.bias().ifPresent(bias -> proto.addInput(bias.key()));
            window(proto, conv.window()).addAttribute(ints("group", conv.groups()));
        } else if (node instanceof BatchNorm bn) {
            proto.setOpType("BatchNormalization").addAllInput(
                    List.of(bn.gamma(), bn.beta(), bn.mean(), bn.variance()).stream().map(ParamRef::key).toList())
                    .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeType.FLOAT)
                            .setF((float) bn.epsilon()));
        } else if (node instanceof Dense dense) {
            proto.setOpType("Gemm").addInput(dense.weight().key()).addAttribute(ints("transB", 1));
            dense.bias().ifPresent(bias -> proto.addInput(bias.key()));
        } else if (node instanceof MaxPool pool) {
            window(proto.setOpType("MaxPool"), pool.window());
        } else if (node instanceof AvgPool pool) {
            window(proto.setOpType("AveragePool"), pool.window())
                    .addAttribute(ints("count_include_pad", pool.countIncludePad() ? 1 : 0));
        } else if (node instanceof Relu) {
            proto.setOpType("Relu");
        } else if (node instanceof Add) {
            proto.setOpType("Add");
        } else if (node instanceof Flatten) {
            proto.setOpType("Flatten");
        } else if (node instanceof Softmax) {
            proto.setOpType("Softmax");
        } else {
            throw new IllegalArgumentException("the zoo's ONNX writer has no case for " + node.operator());
        }
        return proto.build();
    }

    /** kernel_shape, strides and pads ([top, left, bottom, right]); Conv's kernel_shape is optional but kept. */
    private static NodeProto.Builder window(NodeProto.Builder proto, Window2d window) {
        return proto.addAttribute(ints("kernel_shape", window.kernelH(), window.kernelW()))
                .addAttribute(ints("strides", window.strideH(), window.strideW()))
                .addAttribute(ints("pads", window.padding().top(), window.padding().left(), window.padding().bottom(),
                        window.padding().right()));
    }

    /** An INT attribute for one value, INTS for several. */
    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name);
        return values.length == 1
                ? attribute.setType(AttributeType.INT).setI(values[0]).build()
                : attribute.setType(AttributeType.INTS).addAllInts(Arrays.stream(values).boxed().toList()).build();
    }

    /** A float value info of shape [1, dims…]: the batch axis, then the IR shape. */
    private static ValueInfoProto valueInfo(String name, Shape shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1));
        shape.dims().forEach(d -> dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(dims))).build();
    }
}
