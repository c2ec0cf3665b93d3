package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.intsim.IntegerReference;
import org.snnc.compiler.intsim.IntegerResult;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpzWriter;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.model.ModelWriter;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.NormalizeOptions;
import org.snnc.targets.net.InputSource;
import org.snnc.targets.spec.ChipSpecs;

/** {@code snnc compile --run} and {@code snnc run} on the bundled LeNet: the report contract and clean errors. */
class RunCliTest {

    @TempDir
    Path temp;

    private static String root(String path) {
        return Locations.root().resolve(path).toString();
    }

    private CliRun compileAndRun(Path out, String... extra) {
        String[] args = {"compile", root("examples/lenet/lenet.snn"), "--target", "generic", "--calibration",
            root("examples/data/mnist_calib.npz"), "--calibration-limit", "100", "-o", out.toString(), "--run",
            "--data", root("examples/data/mnist_dev.npz"), "--limit", "20", "--steps", "60", "--strict"};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void compileThenRunReportsTheChipFiguresInTheSimulateContract() throws IOException {
        Path out = temp.resolve("lenet");
        Path report = temp.resolve("run.json");
        Path plots = temp.resolve("plots");
        CliRun run = compileAndRun(out, "--report", report.toString(), "--plot", plots.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.size(plots.resolve("accuracy_vs_t.png")) > 0 && Files.size(plots.resolve("error_vs_ops.png"))
                > 0, "both plots are drawn");
        assertTrue(run.out().contains("on generic: 6 cores"), run.out());
        JsonNode figures = new ObjectMapper().readTree(report.toFile());
        assertEquals("generic", figures.get("target").asText());
        assertEquals(60, figures.get("accuracy").size());
        assertEquals(1.0, figures.get("ann_accuracy").asDouble(), figures.toString());
        // The known figures on these digits: the ANN and the chip at t = 60 classify every one.
        assertEquals(1.0, figures.get("accuracy").get(59).asDouble(), figures.toString());
        assertTrue(figures.get("energy_nj_per_image").asDouble() > 0);
        assertEquals(figures.get("cores_used").asInt(), figures.get("spikes_per_core").size());
        assertTrue(figures.get("accuracy_spikecount").isNull());

        CliRun again = CliRun.of("run", out.toString(), "--data", root("examples/data/mnist_dev.npz"), "--limit",
                "20", "--steps", "60", "--threads", "1");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(firstLine(run.out().substring(run.out().indexOf("examples"))), firstLine(again.out()),
                "the same configuration gives the same accuracies on any thread count");
    }

    /**
     * {@code --exit-margin 2 --exit-steps 4}: compile writes ⌈2·θ⌉ LSBs into the readout, the run stops images early,
     * and the report's operating point is the frontier's point of the same B and k, computed from the full run.
     */
    @Test
    void anEarlyExitIsWrittenAppliedAndOnItsFrontier() throws IOException {
        Path out = temp.resolve("lenet-exit");
        Path report = temp.resolve("exit.json");
        Path plots = temp.resolve("exit-plots");
        CliRun run = compileAndRun(out, "--exit-margin", "2", "--exit-steps", "4", "--report", report.toString(),
                "--plot", plots.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode configuration = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(java.util.List.of(), ConfigurationSchema.validate(configuration));
        JsonNode readout = configuration.get("readout");
        assertEquals(4, readout.get("exit_steps").asInt());
        assertTrue(readout.get("exit_margin").asLong() > 0, readout.toString());
        assertTrue(Files.size(plots.resolve("early_exit_frontier.png")) > 0);
        assertTrue(run.out().contains("early exit at B=2 θ, k=4:") && run.out().contains("early-exit frontier"),
                run.out());

        JsonNode figures = new ObjectMapper().readTree(report.toFile());
        assertEquals(2 * figures.get("ann_macs_per_image").asLong(), figures.get("ann_ops_per_image").asLong());
        JsonNode exit = figures.get("early_exit");
        double stepsPerImage = figures.get("steps_per_image").asDouble();
        assertTrue(stepsPerImage < 60, "images stop early: " + stepsPerImage);
        assertEquals(stepsPerImage, exit.get("steps_per_image").asDouble());
        assertEquals(figures.get("accuracy").get(59).asDouble(), exit.get("accuracy").asDouble());
        assertEquals(figures.get("synaptic_ops_per_image").get(59).asDouble(),
                exit.get("synaptic_ops_per_image").asDouble(), 1e-9);
        JsonNode frontier = figures.get("early_exit_frontier");
        assertEquals(20, frontier.size());
        JsonNode sameExit = null;
        for (JsonNode point : frontier) {
            if (point.get("exit_margin").asDouble() == 2 && point.get("exit_steps").asInt() == 4) {
                sameExit = point;
            }
        }
        assertEquals(exit.toString(), String.valueOf(sameExit), "the post-hoc point is the run stopped for real");
    }

    @Test
    void anEarlyExitIsRefusedOnAChipWithoutIt() {
        Path out = temp.resolve("speck-exit");
        CliRun refused = CliRun.of("compile", root("examples/lenet/lenet.snn"), "--target", "speck", "--calibration",
                root("examples/data/mnist_calib.npz"), "--calibration-limit", "20", "-o", out.toString(),
                "--exit-margin", "1", "--exit-steps", "2");
        assertEquals(1, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("needs an early exit (features.early_exit), which target speck lacks")
                && refused.err().contains("[E0901]"), refused.err());
        assertFalse(Files.exists(out), "a refused compile writes nothing");
    }

    private static String firstLine(String text) {
        return text.lines().filter(line -> line.contains(" SNN t=")).findFirst().orElse(text)
                .replaceAll("^.* on 20 images", "");
    }

    @Test
    void aTamperedOrMissingConfigurationIsACleanError() throws IOException {
        Path out = temp.resolve("lenet");
        assertEquals(0, compileAndRun(out).exitCode());
        Path config = out.resolve("config.json");
        Files.writeString(config, Files.readString(config).replaceFirst("\"threshold\" : \\d+", "\"threshold\" : 0"));
        CliRun tampered = CliRun.of("run", out.toString(), "--data", root("examples/data/mnist_dev.npz"));
        assertEquals(1, tampered.exitCode(), tampered.err());
        assertTrue(tampered.err().contains("threshold"), tampered.err());
        assertFalse(tampered.printedStackTrace(), tampered.err());
        CliRun missing = CliRun.of("run", temp.resolve("nowhere").toString(), "--data",
                root("examples/data/mnist_dev.npz"));
        assertEquals(1, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("config.json") && missing.err().contains("[E0602]"), missing.err());
    }

    /**
     * Work too large for the heap (a per-step table of 2^31 − 1 steps) is refused before it is allocated, with the
     * figures and the remedies, not a stack trace.
     */
    @Test
    void runningOutOfHeapIsACleanError() {
        Path out = temp.resolve("lenet");
        assertEquals(0, compileAndRun(out).exitCode());
        CliRun huge = CliRun.of("run", out.toString(), "--data", root("examples/data/mnist_dev.npz"), "--limit", "5",
                "--steps", String.valueOf(Integer.MAX_VALUE));
        assertEquals(1, huge.exitCode(), huge.err());
        assertTrue(huge.err().contains("mnist_dev.npz: error: running 5 image(s)") && huge.err().contains("-Xmx")
                && huge.err().contains("[E0606]"), huge.err());
        assertFalse(huge.printedStackTrace(), huge.err());
    }

    @Test
    void benchPrintsEachTimedRunAndTheBest() {
        Path out = temp.resolve("lenet");
        assertEquals(0, compileAndRun(out).exitCode());
        CliRun bench = CliRun.of("bench", out.toString(), "--data", root("examples/data/mnist_dev.npz"), "--limit",
                "10", "--steps", "20", "--warmup", "0", "--repeat", "2", "--threads", "1");
        assertEquals(0, bench.exitCode(), bench.err());
        assertEquals(4, bench.out().lines().count(), bench.out());
        assertTrue(bench.out().startsWith("chip tables: ") && bench.out().contains("run 2: 10 images × 20 steps")
                && bench.out().contains("best of 2 on 1 threads"), bench.out());
    }

    /**
     * {@code snnc run} of a sequence input: a tiny network compiled with sequence input, run on 3 sequences of 4
     * frames of 0 to 2 events for 10 steps (the input silent after step 4), classifies at every step as the integer
     * reference does; data out of the declared events or without a time axis are clean E0502 errors.
     */
    @Test
    void runReadsSequencesOfFramesAndRunsOnAfterTheLast() throws IOException {
        ConversionOptions options = new ConversionOptions(NormalizeOptions.DEFAULTS, ResetMode.SUBTRACT,
                OptionalDouble.empty(), InputEncoding.SEQUENCE, ReadoutMode.MEMBRANE, 0, false, 0, 0, false,
                ReadoutWindow.ALL);
        ConfigurationProperties.Compiled compiled = ConfigurationProperties.compile(new ConfigurationProperties.Case(
                0, false, ConfigurationProperties.withEventInput(ConfigurationProperties.tinyNetwork()),
                ChipSpecs.load("generic"), "generic", options, 8, Optional.of("greedy")), 1);
        Path out = Files.createDirectories(temp.resolve("events"));
        Files.write(out.resolve("config.json"), compiled.bytes());
        ModelWriter.write(compiled.quantized(), out.resolve("quantized.snn"));
        int sequences = 3;
        int frames = 4;
        int steps = 10;
        Random random = new Random(5);
        long[][] raw = new long[sequences][frames * 9];
        for (long[] sequence : raw) {
            Arrays.setAll(sequence, k -> random.nextInt(3));
        }
        int[] labels = {0, 1, 0};
        Path data = writeSequences(temp.resolve("events.npz"), raw, new int[] {sequences, frames, 1, 3, 3}, labels);
        Path report = temp.resolve("events.json");
        CliRun run = CliRun.of("run", out.toString(), "--data", data.toString(), "--steps", String.valueOf(steps),
                "--report", report.toString(), "--strict");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode figures = new ObjectMapper().readTree(report.toFile());
        assertTrue(figures.get("ann_accuracy").isNull(), figures.toString());
        IntegerResult expected = new IntegerReference(compiled.quantized()).run(raw, IntegerReference.RunOptions
                .of(steps));
        for (int t = 0; t < steps; t++) {
            int right = 0;
            for (int n = 0; n < sequences; n++) {
                right += expected.predictions()[t][n] == labels[n] ? 1 : 0;
            }
            assertEquals((double) right / sequences, figures.get("accuracy").get(t).asDouble(), 1e-12, "step " + t);
        }

        raw[2][30] = InputSource.SEQUENCE_MAX_EVENTS + 1;
        Path tooMany = writeSequences(temp.resolve("too_many.npz"), raw, new int[] {sequences, frames, 1, 3, 3},
                labels);
        CliRun refused = CliRun.of("run", out.toString(), "--data", tooMany.toString());
        assertEquals(1, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("x[2, 3] holds 16.0, which is not a count of events in [0, 15]")
                && refused.err().contains("[E0502]"), refused.err());
        assertFalse(refused.printedStackTrace(), refused.err());
        Path flat = writeSequences(temp.resolve("flat.npz"), new long[][] {new long[9]}, new int[] {1, 9},
                new int[] {0});
        CliRun noFrames = CliRun.of("run", out.toString(), "--data", flat.toString());
        assertEquals(1, noFrames.exitCode(), noFrames.err());
        assertTrue(noFrames.err().contains("is neither N sequences [N, T, ...] nor one sequence")
                && noFrames.err().contains("[E0502]"), noFrames.err());
    }

    /** An npz of u8 sequences {@code x} of {@code shape} and labels {@code y}. */
    private static Path writeSequences(Path file, long[][] x, int[] shape, int[] y) {
        double[] values = Arrays.stream(x).flatMapToLong(Arrays::stream).asDoubleStream().toArray();
        NpzWriter.write(file, Map.of("x", new NpyArray(NpyElementType.U1, shape, values),
                "y", new NpyArray(NpyElementType.U1, new int[] {y.length}, Arrays.stream(y).asDoubleStream()
                        .toArray())));
        return file;
    }
}
