package org.snnc.tests.hostile;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpyWriter;
import org.snnc.compiler.io.npy.NpzWriter;
import org.snnc.tests.Locations;

/**
 * The files of one hostile case, made in its own folder: honest ones (LeNet's digits, a compiled configuration)
 * and lying ones (headers that claim more than the file holds, special files where a file should be).
 */
final class HostileFiles {

    /** LeNet's input: one 28×28 grey image, u8. */
    private static final int[] IMAGE = {1, 28, 28};
    private static final int PIXELS = 28 * 28;

    private final Path dir;
    private final Path compiled;

    HostileFiles(Path dir, Path compiled) {
        this.dir = dir;
        this.compiled = compiled;
    }

    Path dir() {
        return dir;
    }

    static String lenet() {
        return Locations.root().resolve("examples/lenet/lenet.snn").toString();
    }

    static String digits() {
        return Locations.root().resolve("examples/data/mnist_dev.npz").toString();
    }

    static String calibration() {
        return Locations.root().resolve("examples/data/mnist_calib.npz").toString();
    }

    /** A path in the case's folder, not created. */
    String path(String name) {
        return dir.resolve(name).toString();
    }

    String folder(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name)).toString();
    }

    String text(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    String bytes(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content).toString();
    }

    /** A named pipe: opening it to read would block until a writer comes. */
    String fifo(String name) throws IOException {
        Path fifo = dir.resolve(name);
        try {
            if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) {
                throw new IOException("mkfifo " + fifo + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return fifo.toString();
    }

    /** A symbolic link to {@code target}, such as {@code /dev/zero}, which never ends. */
    String link(String name, String target) throws IOException {
        return Files.createSymbolicLink(dir.resolve(name), Path.of(target)).toString();
    }

    /** A copy of LeNet compiled for the generic chip, to tamper with. */
    String compiledCopy(String name) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(compiled)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy.toString();
    }

    /** A data set of {@code labels.length} blank digits with these labels. */
    String dataSet(String name, long... labels) {
        Path file = dir.resolve(name);
        NpzWriter.write(file, Map.of("x", images(labels.length), "y", labels(labels)));
        return file.toString();
    }

    /** {@code images} blank digits as an .npy, as {@code snnc infer} takes them. */
    String imagesNpy(String name, int images) {
        Path file = dir.resolve(name);
        NpyWriter.write(file, images(images));
        return file.toString();
    }

    private static NpyArray images(int count) {
        return new NpyArray(NpyElementType.U1, new int[] {count, IMAGE[0], IMAGE[1], IMAGE[2]},
                new double[count * PIXELS]);
    }

    private static NpyArray labels(long... labels) {
        return new NpyArray(NpyElementType.I8, new int[] {labels.length},
                java.util.Arrays.stream(labels).asDoubleStream().toArray());
    }

    /**
     * The bytes of a version 1.0 .npy file with a header as given, which may lie about the data after it; NumPy
     * pads the header with spaces and a newline to a multiple of 64 bytes.
     */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int padded = (10 + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - 10 - dict.length() - 1) + "\n";
        ByteBuffer out = ByteBuffer.allocate(padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        out.put(data);
        return out.array();
    }

    /** A deflated .npz of these .npy entries. */
    String npz(String name, Map<String, byte[]> entries) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey() + ".npy"));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return file.toString();
    }

    /**
     * A zip bomb of a data set: an entry {@code key} whose header honestly declares {@code images} blank digits
     * (u8), streamed as zeros that deflate a thousandfold, with no labels, and no images either unless the bomb is
     * {@code x}.
     */
    String bombDataSet(String name, String key, long images) throws IOException {
        Path file = dir.resolve(name);
        long bytes = images * PIXELS;
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("y.npy"));
            zip.write(npy("<i8", "(0,)", new byte[0]));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(key + ".npy"));
            zip.write(npy("|u1", "(" + images + ", 1, 28, 28)", new byte[0]));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < bytes; written += zeros.length) {
                zip.write(zeros, 0, (int) Math.min(zeros.length, bytes - written));
            }
            zip.closeEntry();
            if (!key.equals("x")) {
                zip.putNextEntry(new ZipEntry("x.npy"));
                zip.write(npy("|u1", "(0, 1, 28, 28)", new byte[0]));
                zip.closeEntry();
            }
        }
        return file.toString();
    }

    /**
     * An ONNX model: input {@code x} of {@code inputDims} (float), one node {@code opType} reading x and the
     * initializers, writing {@code y}.
     */
    String onnx(String name, long[] inputDims, String opType, TensorProto... initializers) throws IOException {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("hostile").addInput(valueInfo("x", inputDims))
                .addOutput(valueInfo("y", 1, 2));
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName("n").addInput("x").addOutput("y");
        for (TensorProto initializer : initializers) {
            graph.addInitializer(initializer);
            node.addInput(initializer.getName());
        }
        graph.addNode(node);
        ModelProto model = ModelProto.newBuilder().setIrVersion(7).setProducerName("hostile")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.writeTo(bytes);
        return bytes(name, bytes.toByteArray());
    }

    private static ValueInfoProto valueInfo(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
