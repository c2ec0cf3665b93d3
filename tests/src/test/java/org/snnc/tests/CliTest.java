package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpyWriter;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;

/** The {@code snnc} command line: each subcommand's output, exit codes, error reports and written files. */
class CliTest {

    @TempDir
    Path temp;

    private static Path example() {
        return Locations.root().resolve("examples/lenet/lenet.snn");
    }

    private static Path exampleDigits() {
        return Locations.root().resolve("examples/data/mnist_dev.npz");
    }

    @Test
    void checkReportsASoundNetwork() {
        CliRun run = CliRun.of("check", example().toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("ok: network lenet"), run.out());
        assertTrue(run.out().contains("output probs [10]"), run.out());
    }

    @Test
    void checkReportsEveryErrorWithoutAStackTrace() throws IOException {
        Path bad = temp.resolve("bad.snn");
        Files.writeString(bad, "network bad\ninput x: f32[4]\na = relu(nope)\noutput y = frob(a)\n");
        CliRun run = CliRun.of("check", bad.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("bad.snn:3:10: error: unknown value 'nope' [E0102]"), run.err());
        assertTrue(run.err().contains("bad.snn:4:12: error: unknown operator 'frob'"), run.err());
        assertFalse(run.printedStackTrace(), run.err());
    }

    @Test
    void missingAndUnknownFilesAreUserErrors() {
        CliRun missing = CliRun.of("check", temp.resolve("absent.snn").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("[E0602]"), missing.err());
        CliRun unknown = CliRun.of("print", temp.resolve("model.h5").toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown file kind"), unknown.err());
        assertFalse(missing.printedStackTrace() || unknown.printedStackTrace());
    }

    @Test
    void aDirectoryIsNotANetwork() throws IOException {
        Path folder = Files.createDirectory(temp.resolve("net.snn"));
        CliRun run = CliRun.of("check", folder.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("it is a directory [E0603]"), run.err());
        assertFalse(run.printedStackTrace(), run.err());
    }

    @Test
    void badOptionsGiveUsageErrors() {
        CliRun run = CliRun.of("ann-eval", example().toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--data"), run.err());
        CliRun scale = CliRun.of("check", example().toString(), "--input-scale", "-3");
        assertEquals(2, scale.exitCode());
        assertTrue(scale.err().contains("not a positive scale"), scale.err());
        CliRun onnxOnly = CliRun.of("check", example().toString(), "--input-scale", "1/255");
        assertEquals(2, onnxOnly.exitCode());
        assertTrue(onnxOnly.err().contains("apply to ONNX models only"), onnxOnly.err());
    }

    @Test
    void printWritesTheCanonicalText() throws IOException {
        CliRun run = CliRun.of("print", example().toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(Files.readString(example(), StandardCharsets.UTF_8), run.out());
    }

    @Test
    void importWritesAReloadableModel() throws IOException {
        Path onnx = Locations.shared().resolve("models/small_bn_maxpool.onnx");
        Path out = temp.resolve("net.snn");
        CliRun run = CliRun.of("import", onnx.toString(), "-o", out.toString(), "--input-dtype", "u8",
                "--input-scale", "1/255");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.exists(temp.resolve("net.npz")));
        assertTrue(Files.readString(out).contains("weights \"net.npz\""));

        Graph imported = ModelLoader.load(onnx, PyTorchAgreementTest.MNIST_PIXELS).graph();
        Graph reloaded = ModelLoader.load(out, LoadOptions.DEFAULT).graph();
        assertEquals(imported.weights(), reloaded.weights());
        Dataset digits = Dataset.load(exampleDigits(), reloaded.input(), 50);
        assertArrayEquals(new AnnInterpreter(imported).evaluateBatch(digits.inputs(), java.util.Set.of(), 1)
                        .predictions(),
                new AnnInterpreter(reloaded).evaluateBatch(digits.inputs(), java.util.Set.of(), 1).predictions());
    }

    @Test
    void aFailedImportLeavesNoFiles() throws IOException {
        Path garbage = temp.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {8, 7, 1, 2, 3, 4, 5, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        Path out = temp.resolve("out/net.snn");
        Files.createDirectories(out.getParent());
        CliRun run = CliRun.of("import", garbage.toString(), "-o", out.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("[E0403]"), run.err());
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(0, left.count(), "files left behind");
        }
    }

    @Test
    void annEvalPrintsAndReportsAccuracy() throws IOException {
        Path report = temp.resolve("report.json");
        CliRun run = CliRun.of("ann-eval", example().toString(), "--data", exampleDigits().toString(),
                "--limit", "100", "--repeat", "3", "--report", report.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().matches("(?s)lenet on .*: accuracy \\d+\\.\\d\\d% \\(\\d+/100\\), \\d+ images/s.*"),
                run.out());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(100, json.get("images").asInt());
        assertEquals(100, json.get("predictions").size());
        int correct = 0;
        for (int i = 0; i < 100; i++) {
            correct += json.get("predictions").get(i).asInt() == json.get("labels").get(i).asInt() ? 1 : 0;
        }
        assertEquals(correct, json.get("correct").asInt());
        assertEquals(correct / 100.0, json.get("accuracy").asDouble(), 1e-12);
        assertTrue(json.get("images_per_second").asDouble() > 0);
        assertEquals(3, json.get("passes").asInt());
        assertTrue(json.get("best_wall_seconds").asDouble() <= json.get("wall_seconds").asDouble());
        assertTrue(run.out().contains("best of 3 passes"), run.out());
    }

    @Test
    void annEvalOnOnnxNeedsTheInputTypeOfTheData() {
        Path onnx = Locations.shared().resolve("models/lenet.onnx");
        CliRun run = CliRun.of("ann-eval", onnx.toString(), "--data", exampleDigits().toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("[E0503]") && run.err().contains("--input-dtype u8 --input-scale 1/255"),
                run.err());
        CliRun scaled = CliRun.of("ann-eval", onnx.toString(), "--data", exampleDigits().toString(),
                "--input-dtype", "u8", "--input-scale", "1/255");
        assertEquals(0, scaled.exitCode(), scaled.err());
        assertTrue(scaled.out().contains("accuracy 98.00% (490/500)"), scaled.out());
    }

    @Test
    void inferWritesOutputsAndEveryActivation() throws IOException {
        Graph graph = ModelLoader.load(example(), LoadOptions.DEFAULT).graph();
        Dataset digits = Dataset.load(exampleDigits(), graph.input(), 3);
        double[] raw = new double[3 * 784];
        for (int image = 0; image < 3; image++) {
            for (int i = 0; i < 784; i++) {
                raw[image * 784 + i] = Math.round(digits.inputs()[image][i] * 255);
            }
        }
        Path x = temp.resolve("x.npy");
        try (var stream = Files.newOutputStream(x)) {
            NpyWriter.write(stream, new NpyArray(NpyElementType.U1, new int[] {3, 28, 28}, raw));
        }
        Path y = temp.resolve("y.npz");
        CliRun run = CliRun.of("infer", example().toString(), "--input", x.toString(), "-o", y.toString(), "--all");
        assertEquals(0, run.exitCode(), run.err());
        Map<String, NpyArray> arrays = NpzReader.read(y);
        assertEquals(graph.nodes().keySet(), arrays.keySet());
        assertArrayEquals(new int[] {3, 10}, arrays.get("probs").shape());
        assertArrayEquals(new int[] {3, 6, 24, 24}, arrays.get(graph.nodeList().get(1).name()).shape());
        AnnInterpreter interpreter = new AnnInterpreter(graph);
        double[] probs = arrays.get("probs").values();
        for (int image = 0; image < 3; image++) {
            double[] expected = interpreter.evaluate(digits.inputs()[image]);
            for (int k = 0; k < 10; k++) {
                assertEquals(expected[k], probs[image * 10 + k], 0.0);
            }
        }
    }

    @Test
    void inferRejectsAnInputOfTheWrongShape() throws IOException {
        Path x = temp.resolve("x.npy");
        try (var stream = Files.newOutputStream(x)) {
            NpyWriter.write(stream, new NpyArray(NpyElementType.U1, new int[] {2, 27, 28}, new double[2 * 27 * 28]));
        }
        Path y = temp.resolve("y.npz");
        CliRun run = CliRun.of("infer", example().toString(), "--input", x.toString(), "-o", y.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("[E0502]") && run.err().contains("[2, 27, 28]"), run.err());
        assertFalse(Files.exists(y));
    }
}
