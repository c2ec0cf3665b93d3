package org.snnc.tests.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.tests.hostile.HostileFiles.calibration;
import static org.snnc.tests.hostile.HostileFiles.digits;
import static org.snnc.tests.hostile.HostileFiles.lenet;
import static org.snnc.tests.hostile.HostileFiles.npy;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snnc.tests.CliRun;

/**
 * A hostile corpus: command lines over files made to break snnc (special files where a file should be, sizes that
 * lie or exhaust the heap, empty or mislabelled data, outputs that must not be replaced), each with the diagnostic
 * it must get. Every case must exit 1 with its code in the message, print no stack trace, no Jackson advice and no
 * temporary file's name, and leave its folder exactly as it was: nothing new, nothing changed.
 *
 * <p>Devices are named through links in the case's folder, never directly: run as root, a regression that replaces
 * its target would then replace the link, not {@code /dev/null} itself.
 */
class HostileCorpusTest {

    private static final String STEPS_MAX = Integer.toString(Integer.MAX_VALUE);

    @TempDir
    static Path shared;

    /** LeNet compiled for the generic chip, which every run and bench case copies and tampers with. */
    private static Path compiled;

    @BeforeAll
    static void compileLeNet() {
        compiled = shared.resolve("lenet-generic");
        CliRun compile = CliRun.of("compile", lenet(), "--target", "generic", "--calibration", calibration(),
                "--calibration-limit", "20", "-o", compiled.toString());
        assertEquals(0, compile.exitCode(), compile.err());
    }

    /** Makes a case's files and returns its command line. */
    @FunctionalInterface
    interface CommandLine {
        String[] make(HostileFiles files) throws IOException;
    }

    private static Arguments hostile(String label, String code, CommandLine commandLine) {
        return Arguments.of(label, code, commandLine);
    }

    private static String[] args(String... args) {
        return args;
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                // Special files where a file should be: each is said to be what it is, and never opened.
                hostile("a directory as the network", "E0603", f -> args("check", f.folder("net.snn"))),
                hostile("a FIFO as the network", "E0603", f -> args("check", f.fifo("net.snn"))),
                hostile("a link to /dev/zero as the network", "E0603",
                        f -> args("print", f.link("net.snn", "/dev/zero"))),
                hostile("a link to /dev/zero as the ONNX model", "E0603",
                        f -> args("import", f.link("m.onnx", "/dev/zero"), "-o", f.path("m.snn"))),
                // A folder is a data set of .npz shards: an empty one has no images, and a shard is read as a file.
                hostile("a folder without shards as the data set", "E0504",
                        f -> args("ann-eval", lenet(), "--data", f.folder("d.npz"))),
                hostile("a folder whose shard is a link to /dev/zero", "E0603", f -> {
                    String folder = f.folder("shards");
                    f.link("shards/part-0.npz", "/dev/zero");
                    return args("run", f.compiledCopy("out"), "--data", folder);
                }),
                hostile("a folder whose shard is a directory", "E0603", f -> {
                    String folder = f.folder("shards");
                    f.folder("shards/part-0.npz");
                    return args("ann-eval", lenet(), "--data", folder);
                }),
                // Sharded runs: a shard that is not K/N with 1 ≤ K ≤ N ≤ images, and parts that are not parts.
                hostile("shard 0 of 4", "E1201", f -> args("run", f.compiledCopy("out"), "--data", digits(),
                        "--shard", "0/4", "--partial", f.path("p.json"))),
                hostile("more shards than images", "E1201", f -> args("run", f.compiledCopy("out"), "--data",
                        digits(), "--limit", "3", "--shard", "1/4", "--partial", f.path("p.json"))),
                hostile("a part that is not JSON", "E1202", f -> args("merge", f.text("p.json", "{\"format\":"),
                        "--report", f.path("r.json"))),
                hostile("a part of another format", "E1202", f -> args("merge", f.text("p.json",
                        "{\"format\": \"snnc-report\"}"), "--report", f.path("r.json"))),
                hostile("a part that is a link to /dev/zero", "E0603", f -> args("merge",
                        f.link("p.json", "/dev/zero"), "--report", f.path("r.json"))),
                hostile("a merge whose report is a directory", "E0604", f -> args("merge", f.text("p.json", "{}"),
                        "--report", f.folder("r.json"))),
                hostile("a FIFO as the data set", "E0603", f -> args("simulate", lenet(), "--data", f.fifo("d.npz"),
                        "--calibration", calibration(), "--steps", "5")),
                hostile("a link to /dev/zero as the data set", "E0603",
                        f -> args("run", f.compiledCopy("out"), "--data", f.link("d.npz", "/dev/zero"))),
                hostile("a FIFO as the calibration set", "E0603",
                        f -> args("convert", lenet(), "--calibration", f.fifo("c.npz"))),
                hostile("a link to /dev/zero as the chip spec", "E0603", f -> args("compile", lenet(), "--target",
                        f.link("chip.json", "/dev/zero"), "--calibration", calibration(), "-o", f.path("out"))),
                hostile("a directory as the chip spec", "E0603", f -> args("compile", lenet(), "--target",
                        f.folder("chip.json"), "--calibration", calibration(), "-o", f.path("out"))),
                hostile("config.json a link to /dev/zero", "E0603", f -> {
                    String out = f.compiledCopy("out");
                    Files.delete(Path.of(out, "config.json"));
                    f.link("out/config.json", "/dev/zero");
                    return args("run", out, "--data", digits(), "--limit", "2");
                }),
                hostile("quantized.snn a link to /dev/zero", "E0603", f -> {
                    String out = f.compiledCopy("out");
                    Files.delete(Path.of(out, "quantized.snn"));
                    f.link("out/quantized.snn", "/dev/zero");
                    return args("run", out, "--data", digits(), "--limit", "2");
                }),
                hostile("config.json a directory", "E0603", f -> {
                    String out = f.compiledCopy("out");
                    Files.delete(Path.of(out, "config.json"));
                    f.folder("out/config.json");
                    return args("bench", out, "--data", digits(), "--limit", "2");
                }),
                hostile("a FIFO as the inference input", "E0603",
                        f -> args("infer", lenet(), "--input", f.fifo("x.npy"), "-o", f.path("y.npz"))),
                hostile("weights that link to /dev/zero", "E0603", f -> {
                    f.link("w.npz", "/dev/zero");
                    return args("check", "--allow-outside-paths", f.text("net.snn", network("w.npz")));
                }),
                hostile("weights that are a directory", "E0603", f -> {
                    f.folder("w.npz");
                    return args("check", f.text("net.snn", network("w.npz")));
                }),

                // Declared sizes are checked against the file and the heap before anything is allocated.
                hostile("an ONNX initializer claiming 2e9 floats over 4 bytes", "E0405",
                        f -> args("import", f.onnx("m.onnx", new long[] {1, 4}, "Gemm", TensorProto.newBuilder()
                                .setName("W").addDims(2).addDims(1_000_000_000)
                                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                                .setRawData(ByteString.copyFrom(new byte[4])).build()), "-o", f.path("m.snn"))),
                hostile("an ONNX initializer claiming 2e9 int64s over one", "E0405",
                        f -> args("check", f.onnx("m.onnx", new long[] {1, 4}, "Gemm", TensorProto.newBuilder()
                                .setName("W").addDims(2_000_000_000).setDataType(TensorProto.DataType.INT64_VALUE)
                                .addInt64Data(7).build()))),
                hostile("an ONNX input of 1x1x100000x100000", "E0405",
                        f -> args("check", f.onnx("m.onnx", new long[] {1, 1, 100_000, 100_000}, "Relu"))),
                hostile("an ONNX input of 3x30000x30000, over 2^31 elements", "E0405",
                        f -> args("import", f.onnx("m.onnx", new long[] {1, 3, 30_000, 30_000}, "Relu"), "-o",
                                f.path("m.snn"))),
                hostile("a network input of 1x100000x100000", "E0218", f -> args("check", f.text("big.snn",
                        "network big\ninput x: u8[1,100000,100000]\noutput y = flatten(x)\n"))),
                hostile("a convolution whose output exceeds 2^31 elements", "E0218", f -> args("check",
                        f.text("big.snn", "network big\ninput x: u8[1,30000,30000]\nc = conv2d(x, filters=3, "
                                + "kernel=1, weight=\"w\")\noutput y = flatten(c)\n"))),
                hostile("an empty ONNX file", "E0403", f -> args("check", f.bytes("m.onnx", new byte[0]))),
                hostile("an ONNX file of noise", "E0403",
                        f -> args("check", f.bytes("m.onnx", new byte[] {(byte) 0xff, 0x7f, 3, 1, 0, 9, 9, 9}))),
                hostile("an .npy input claiming 2^40 elements", "E0305", f -> args("infer", lenet(), "--input",
                        f.bytes("x.npy", npy("|u1", "(1099511627776, 1, 28, 28)", new byte[64])), "-o",
                        f.path("y.npz"))),
                hostile("a data set whose x claims 2^40 images", "E0305", f -> args("ann-eval", lenet(), "--data",
                        f.npz("d.npz", Map.of("x", npy("|u1", "(1099511627776, 1, 28, 28)", new byte[784]),
                                "y", npy("<i8", "(1,)", new byte[8]))))),
                hostile("a data set whose x inflates beyond the heap, with --limit 1", "E0606",
                        f -> args("ann-eval", lenet(), "--limit", "1", "--data",
                                f.bombDataSet("d.npz", "x", beyondTheHeap()))),
                hostile("a calibration set of 0 images and an unused member of 100 MB", "E0504",
                        f -> args("convert", lenet(), "--calibration", f.bombDataSet("c.npz", "unused", 128_000))),
                hostile("a data set with a negative dimension", "E0306", f -> args("ann-eval", lenet(), "--data",
                        f.npz("d.npz", Map.of("x", npy("|u1", "(-1, 1, 28, 28)", new byte[0]))))),
                hostile("a data set that is not a zip", "E0306",
                        f -> args("ann-eval", lenet(), "--data", f.text("d.npz", "x,y\n1,2\n"))),

                // Data: no images, labels that are not classes, steps the heap cannot hold.
                hostile("ann-eval on 0 images", "E0504", f -> args("ann-eval", lenet(), "--data", f.dataSet("d.npz"))),
                hostile("simulate on 0 images", "E0504", f -> args("simulate", lenet(), "--data", f.dataSet("d.npz"),
                        "--calibration", calibration(), "--steps", "5")),
                hostile("run on 0 images", "E0504",
                        f -> args("run", f.compiledCopy("out"), "--data", f.dataSet("d.npz"))),
                hostile("bench on 0 images", "E0504",
                        f -> args("bench", f.compiledCopy("out"), "--data", f.dataSet("d.npz"))),
                hostile("infer on 0 images", "E0504",
                        f -> args("infer", lenet(), "--input", f.imagesNpy("x.npy", 0), "-o", f.path("y.npz"))),
                hostile("convert with 0 calibration images", "E0504",
                        f -> args("convert", lenet(), "--calibration", f.dataSet("c.npz"), "-o", f.path("s.snn"))),
                hostile("compile with 0 calibration images", "E0504", f -> args("compile", lenet(), "--target",
                        "generic", "--calibration", f.dataSet("c.npz"), "-o", f.path("out"))),
                hostile("ann-eval with label 10 of 10 classes", "E0502",
                        f -> args("ann-eval", lenet(), "--data", f.dataSet("d.npz", 3, 10))),
                hostile("simulate with label 10 of 10 classes", "E0502", f -> args("simulate", lenet(), "--data",
                        f.dataSet("d.npz", 10), "--calibration", calibration(), "--steps", "5")),
                hostile("run with label 10 of 10 classes", "E0502",
                        f -> args("run", f.compiledCopy("out"), "--data", f.dataSet("d.npz", 0, 10))),
                hostile("run with label -1", "E0502",
                        f -> args("run", f.compiledCopy("out"), "--data", f.dataSet("d.npz", -1))),
                hostile("simulate for 2^31-1 steps", "E0606", f -> args("simulate", lenet(), "--data", digits(),
                        "--calibration", calibration(), "--limit", "1", "--steps", STEPS_MAX)),
                hostile("run for 2^31-1 steps", "E0606", f -> args("run", f.compiledCopy("out"), "--data", digits(),
                        "--limit", "1", "--steps", STEPS_MAX)),
                hostile("bench for 2^31-1 steps", "E0606", f -> args("bench", f.compiledCopy("out"), "--data",
                        digits(), "--steps", STEPS_MAX)),
                hostile("a NUL in the weights path", "E0607",
                        f -> args("check", f.text("net.snn", network("w\0.npz")))),
                hostile("a chip spec with NaN", "E0801", f -> args("compile", lenet(), "--target",
                        f.text("chip.json", "{\"name\": NaN}"), "--calibration", calibration(), "-o",
                        f.path("out"))),

                // NIR graphs: special files, noise, and an export into a device.
                hostile("a directory as a NIR graph", "E0603",
                        f -> args("import", f.folder("g.nir"), "--nir-flavor", "norse", "-o", f.path("g.snn"))),
                hostile("a link to /dev/zero as a NIR graph", "E0603", f -> args("import",
                        f.link("g.nir", "/dev/zero"), "--nir-flavor", "norse", "-o", f.path("g.snn"))),
                hostile("a NIR graph of noise", "E1101", f -> args("nir-run", f.text("g.nir", "IF -> Output\n"),
                        "--input", digits(), "--flavor", "sinabs", "-o", f.path("y.npz"))),
                hostile("export -o a link to /dev/full", "E0604", f -> args("export", f.compiledCopy("out"),
                        "--format", "nir", "-o", f.link("n.nir", "/dev/full"))),

                // Outputs replace only regular files, and a command that fails leaves none of its files.
                hostile("--report a link to /dev/null", "E0604", f -> args("ann-eval", lenet(), "--data", digits(),
                        "--report", f.link("r.json", "/dev/null"))),
                hostile("--report naming a directory", "E0604",
                        f -> args("ann-eval", lenet(), "--data", digits(), "--report", f.folder("r.json"))),
                hostile("import -o a link to /dev/full", "E0604",
                        f -> args("import", lenet(), "-o", f.link("m.snn", "/dev/full"))),
                hostile("import -o a directory", "E0604", f -> args("import", lenet(), "-o", f.folder("m.snn"))),
                hostile("import whose .npz is a directory leaves no .snn", "E0604", f -> {
                    f.folder("m.npz");
                    return args("import", lenet(), "-o", f.path("m.snn"));
                }),
                hostile("compile -o a link to /dev/full", "E0604", f -> args("compile", lenet(), "--target", "generic",
                        "--calibration", calibration(), "-o", f.link("out", "/dev/full"))),
                hostile("compile -o an existing file", "E0604", f -> args("compile", lenet(), "--target", "generic",
                        "--calibration", calibration(), "-o", f.text("out", "not a folder"))),
                hostile("compile whose resources.json is a directory leaves no config.json", "E0604", f -> {
                    f.folder("out/resources.json");
                    return args("compile", lenet(), "--target", "generic", "--calibration", calibration(),
                            "--calibration-limit", "20", "-o", f.path("out"));
                }),
                hostile("convert -o a directory", "E0604", f -> args("convert", lenet(), "--calibration",
                        calibration(), "-o", f.folder("s.snn"))),
                hostile("infer -o a link to /dev/null", "E0604", f -> args("infer", lenet(), "--input",
                        f.imagesNpy("x.npy", 1), "-o", f.link("y.npz", "/dev/null"))),
                hostile("simulate --plot a link to /dev/full leaves no report", "E0604", f -> args("simulate", lenet(),
                        "--data", digits(), "--calibration", calibration(), "--calibration-limit", "20", "--limit",
                        "2", "--steps", "5", "--report", f.path("r.json"), "--plot", f.link("plots", "/dev/full"))),
                hostile("run --probe-file a link to /dev/null", "E0604", f -> args("run", f.compiledCopy("out"),
                        "--data", digits(), "--limit", "1", "--steps", "5", "--probe", "0:0", "--probe-file",
                        f.link("p.json", "/dev/null"))));
    }

    /** Images of a data set's x whose u8 data, read and widened to float64, exceed the heap. */
    private static long beyondTheHeap() {
        return Runtime.getRuntime().maxMemory() / (20 * 784) + 1;
    }

    /** A one-layer network reading its weights from {@code weights}. */
    private static String network(String weights) {
        return "network tiny\nweights \"" + weights + "\"\ninput x: f32[4]\n"
                + "output y = dense(x, units=2, weight=\"w\", bias=\"b\")\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedCleanlyAndChangesNothing(String label, String code, CommandLine commandLine, @TempDir Path dir)
            throws IOException {
        HostileFiles files = new HostileFiles(dir, compiled);
        String[] args = commandLine.make(files);
        Map<String, String> before = snapshot(dir);
        CliRun run = CliRun.of(args);
        String command = String.join(" ", args);
        assertEquals(1, run.exitCode(), () -> command + "\n" + run.err());
        assertTrue(run.err().contains("[" + code + "]"), () -> command + ": expected " + code + "\n" + run.err());
        assertFalse(run.printedStackTrace() || run.err().contains("Exception"), () -> command + "\n" + run.err());
        assertFalse(run.err().contains("JsonReadFeature") || run.err().contains(".tmp"), run.err());
        assertEquals(before, snapshot(dir), () -> command + " changed its folder\n" + run.err());
    }

    /**
     * Every path under {@code dir}, links not followed, with its kind and, for a file, its size, time and content.
     * A folder's own size and time are left out: a temporary file made and deleted in it changes them.
     */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.toList()) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                String content = attributes.isRegularFile() ? Integer.toString(Arrays.hashCode(read(path)))
                        : attributes.isSymbolicLink() ? Files.readSymbolicLink(path).toString() : "";
                String kind = attributes.isDirectory() ? "dir" : attributes.isSymbolicLink() ? "link"
                        : attributes.isRegularFile() ? "file" : "special";
                entries.put(dir.relativize(path).toString(), attributes.isDirectory() ? kind : kind + " "
                        + attributes.size() + " " + attributes.lastModifiedTime() + " " + content);
            }
        }
        return entries;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
