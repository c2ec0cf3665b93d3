package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snnc convert} and {@code snnc simulate} on the bundled LeNet: outputs, reports, plots, dumps and errors. */
class ConversionCliTest {

    private static final List<String> STANDARD_PIPELINE = List.of("remove-dropout", "canonicalize",
            "fold-batchnorm", "fold-affine", "compose-linear", "normalize", "to-spiking", "bias-as-current",
            "maxpool-gating", "analog-input", "readout", "initial-membrane");

    @TempDir
    Path temp;

    private static String example() {
        return Locations.root().resolve("examples/lenet/lenet.snn").toString();
    }

    private static String calibration() {
        return Locations.root().resolve("examples/data/mnist_calib.npz").toString();
    }

    private static String digits() {
        return Locations.root().resolve("examples/data/mnist_dev.npz").toString();
    }

    private static CliRun convert(String... extra) {
        List<String> args = new ArrayList<>(List.of("convert", example(), "--calibration", calibration(),
                "--calibration-limit", "100"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void convertWritesASpikingNetworkThatChecksAndReportsEveryPass() throws IOException {
        Path out = temp.resolve("lenet_snn.snn");
        Path report = temp.resolve("convert.json");
        CliRun run = convert("-o", out.toString(), "--report", report.toString());
        assertEquals(0, run.exitCode(), run.err());
        String text = Files.readString(out);
        assertTrue(text.contains(" = if(") && text.contains("encode(input, mode=analog)")
                && text.contains("output probs.readout = readout(probs, mode=membrane)"), text);
        assertFalse(text.contains("relu(") || text.contains("softmax("), text);
        assertTrue(Files.exists(temp.resolve("lenet_snn.npz")));
        assertEquals(0, CliRun.of("check", out.toString()).exitCode());
        for (String pass : STANDARD_PIPELINE) {
            assertTrue(run.err().lines().anyMatch(line -> line.startsWith(pass + " ")), pass + "\n" + run.err());
        }
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(STANDARD_PIPELINE.size(), json.get("passes").size());
        assertEquals(4, json.get("lambdas").size(), json.toString());
        assertEquals(100, json.get("calibration_images").asInt());
    }

    @Test
    void foldPoolIntoDenseRunsOnlyWhenAskedAndLeavesNoPoolBeforeTheClassifier() throws IOException {
        Path plain = temp.resolve("plain.snn");
        CliRun standard = convert("-o", plain.toString());
        assertEquals(0, standard.exitCode(), standard.err());
        assertFalse(standard.err().contains("fold-pool-into-dense"), standard.err());

        Path folded = temp.resolve("folded.snn");
        CliRun asked = convert("--fold-pool-into-dense", "-o", folded.toString());
        assertEquals(0, asked.exitCode(), asked.err());
        assertTrue(asked.err().lines().anyMatch(line -> line.startsWith("fold-pool-into-dense ")
                && line.contains("pools-folded=1")), asked.err());
        // LeNet's second pool, read by its first dense layer, is no population any more; the first pool stays.
        long pools = Files.readString(plain).lines().filter(line -> line.contains("= avgpool(")).count();
        long left = Files.readString(folded).lines().filter(line -> line.contains("= avgpool(")).count();
        assertEquals(pools - 1, left, Files.readString(folded));
        assertEquals(0, CliRun.of("check", folded.toString()).exitCode());
    }

    @Test
    void aMisorderedPipelineIsRejectedWithAReasonAndWritesNothing() {
        Path out = temp.resolve("bad.snn");
        CliRun run = convert("--passes", "fold-batchnorm,to-spiking,normalize", "-o", out.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("pass 'to-spiking' needs a normalized graph")
                && run.err().contains("move 'normalize' before 'to-spiking' [E0702]"), run.err());
        assertFalse(run.printedStackTrace(), run.err());
        assertFalse(Files.exists(out));
        CliRun unknown = convert("--passes", "fold-batchnorm,fold-everything");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown pass 'fold-everything'"), unknown.err());
    }

    @Test
    void normalizationWithoutCalibrationDataIsAUserError() {
        CliRun run = CliRun.of("convert", example());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("pass 'normalize' needs calibration data; pass --calibration DATA.npz [E0703]"),
                run.err());
        assertFalse(run.printedStackTrace(), run.err());
    }

    @Test
    void irDumpsFollowTheirOptions() {
        CliRun one = convert("--print-ir-after=fold-batchnorm", "-o", temp.resolve("a.snn").toString());
        assertEquals(0, one.exitCode(), one.err());
        assertEquals(1, one.out().split("// ----- IR after ", -1).length - 1, one.out());
        assertTrue(one.out().contains("// ----- IR after fold-batchnorm (unchanged) -----\nnetwork lenet"), one.out());

        CliRun all = convert("--print-ir-after-all", "-o", temp.resolve("b.snn").toString());
        assertEquals(STANDARD_PIPELINE.size(), all.out().split("// ----- IR after ", -1).length - 1);

        CliRun changed = convert("--print-ir-after-change", "-o", temp.resolve("c.snn").toString());
        assertFalse(changed.out().contains("(unchanged)"), changed.out());
        assertTrue(changed.out().contains("IR after normalize -----"), changed.out());

        CliRun absent = convert("--print-ir-after=frobnicate");
        assertEquals(2, absent.exitCode());
        assertTrue(absent.err().contains("not in the pipeline"), absent.err());
    }

    @Test
    void simulateWritesTheReportContractAndBothPlots() throws IOException {
        Path report = temp.resolve("sim.json");
        Path plots = temp.resolve("plots");
        CliRun run = CliRun.of("simulate", example(), "--calibration", calibration(), "--calibration-limit", "100",
                "--data", digits(), "--limit", "40", "--steps", "30", "--report", report.toString(),
                "--plot", plots.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("SNN t=25 "), run.out());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        for (String key : List.of("model", "images", "steps", "ann_accuracy", "accuracy", "accuracy_spikecount",
                "converge_within_1pp", "converge_within_0_1pp", "synaptic_ops_per_image", "ann_macs_per_image",
                "spikes_per_layer", "wall_seconds", "images_steps_per_second", "synaptic_events_per_second",
                "predictions")) {
            assertTrue(json.has(key), key + " missing from " + json.fieldNames());
        }
        assertEquals(40, json.get("images").asInt());
        assertEquals(30, json.get("accuracy").size());
        assertEquals(30, json.get("synaptic_ops_per_image").size());
        assertEquals(List.of("25", "T"), fieldNames(json.get("predictions")));
        assertEquals(40, json.get("predictions").get("T").size());
        assertEquals(276400, json.get("ann_macs_per_image").asLong(), "LeNet's MACs, counted by hand");
        // Images on which the SNN and the ANN agree count alike in both accuracies, so these differ by at most the
        // share of the others.
        double annAccuracy = json.get("ann_accuracy").asDouble();
        for (int t = 0; t < 30; t++) {
            double agreement = json.get("ann_agreement").get(t).asDouble();
            assertTrue(agreement >= 0 && agreement <= 1, "agreement " + agreement);
            assertTrue(Math.abs(json.get("accuracy").get(t).asDouble() - annAccuracy) <= 1 - agreement + 1e-12,
                    "t = " + (t + 1) + ": accuracy and ANN accuracy differ by more than the disagreeing share");
        }
        assertTrue(run.out().contains("gives the ANN's class to "), run.out());
        double previous = 0;
        for (JsonNode ops : json.get("synaptic_ops_per_image")) {
            assertTrue(ops.asDouble() >= previous, "cumulative operations never decrease");
            previous = ops.asDouble();
        }
        byte[] pngMagic = {(byte) 0x89, 'P', 'N', 'G'};
        for (String file : List.of("accuracy_vs_t.png", "error_vs_ops.png")) {
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(plots.resolve(file)), 4);
            assertArrayEquals(pngMagic, head, file);
        }
    }

    @Test
    void anAlreadyConvertedNetworkSimulatesWithoutCalibration() throws IOException {
        Path converted = temp.resolve("lenet_snn.snn");
        assertEquals(0, convert("-o", converted.toString()).exitCode());
        Path report = temp.resolve("sim.json");
        CliRun run = CliRun.of("simulate", converted.toString(), "--data", digits(), "--limit", "20", "--steps",
                "10", "--schedule", "sync", "--report", report.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertTrue(json.get("ann_accuracy").isNull());
        assertFalse(json.has("ann_agreement"));
        assertEquals("sync", json.get("schedule").asText());
        CliRun badSchedule = CliRun.of("simulate", converted.toString(), "--data", digits(), "--schedule", "async");
        assertEquals(2, badSchedule.exitCode());
        assertTrue(badSchedule.err().contains("'async' is not one of pipelined, sync"), badSchedule.err());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
