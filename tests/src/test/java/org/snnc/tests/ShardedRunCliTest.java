package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.io.npy.NpzWriter;

/**
 * {@code snnc run --shard K/N --partial} and {@code snnc merge}: the merged report of the shards, given in any order,
 * is the report of the one run in every figure but its wall time and speed, on LeNet and small_bn_maxpool, with and
 * without an early exit; a folder of npz shards is the data set it holds; and partials that are not the parts of
 * one whole run are refused with a diagnostic.
 */
class ShardedRunCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The report's fields that measure the run's wall time, which no two runs share. */
    private static final List<String> WALL_TIME = List.of("wall_seconds", "images_steps_per_second",
            "synaptic_events_per_second");
    private static final String IMAGES = "40";
    private static final String STEPS = "60";

    @TempDir
    static Path shared;

    private static final Map<String, Path> COMPILED = new LinkedHashMap<>();

    @BeforeAll
    static void compile() {
        for (String model : List.of("lenet", "small_bn_maxpool")) {
            Path out = shared.resolve(model);
            CliRun compile = CliRun.of("compile", Locations.sharedModel(model), "--input-dtype", "u8",
                    "--input-scale", "1/255", "--calibration", Locations.sharedCalibration(), "--calibration-limit",
                    "100", "--target", "generic", "-o", out.toString());
            assertEquals(0, compile.exitCode(), compile.err());
            COMPILED.put(model, out);
        }
    }

    private static String digits() {
        return Locations.shared().resolve("data/mnist_dev.npz").toString();
    }

    private static CliRun run(String model, String data, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", COMPILED.get(model).toString(), "--data", data,
                "--limit", IMAGES, "--steps", STEPS, "--threads", "2", "--strict"));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    /** The report without its wall-time fields. */
    private static JsonNode withoutWallTime(Path report) throws IOException {
        ObjectNode figures = (ObjectNode) JSON.readTree(report.toFile());
        WALL_TIME.forEach(figures::remove);
        return figures;
    }

    /** Stdout without the lines that give wall time and speed, and where the plots went. */
    private static String withoutSpeed(String out) {
        return out.lines().filter(line -> !line.matches("[\\d.]+ s on \\d+ threads: .*") && !line.startsWith("plots: "))
                .reduce("", (text, line) -> text + line + "\n");
    }

    /** Runs {@code model} whole and in {@code shards} shards, merges them in reverse order, and compares. */
    private void shardsMergeToTheWholeRun(String model, int shards, String... extra) throws IOException {
        Path dir = Files.createDirectories(shared.resolve(model + "-" + shards + "-" + extra.length));
        Path whole = dir.resolve("whole.json");
        List<String> wholeArgs = new ArrayList<>(List.of(extra));
        wholeArgs.addAll(List.of("--report", whole.toString(), "--plot", dir.resolve("whole-plots").toString()));
        CliRun one = run(model, digits(), wholeArgs.toArray(String[]::new));
        List<String> merge = new ArrayList<>(List.of("merge"));
        for (int k = shards; k >= 1; k--) {
            Path partial = dir.resolve("part-" + k + ".json");
            List<String> shardArgs = new ArrayList<>(List.of(extra));
            shardArgs.addAll(List.of("--shard", k + "/" + shards, "--partial", partial.toString()));
            run(model, digits(), shardArgs.toArray(String[]::new));
            merge.add(partial.toString());
        }
        Path merged = dir.resolve("merged.json");
        Path plots = dir.resolve("merged-plots");
        merge.addAll(List.of("--report", merged.toString(), "--plot", plots.toString()));
        CliRun combined = CliRun.of(merge.toArray(String[]::new));
        assertEquals(0, combined.exitCode(), combined.err());
        assertEquals(withoutWallTime(whole), withoutWallTime(merged));
        assertEquals(withoutSpeed(one.out()), withoutSpeed(combined.out()));
        assertEquals(Integer.parseInt(IMAGES), JSON.readTree(merged.toFile()).get("labels").size());
        for (String png : List.of("accuracy_vs_t.png", "error_vs_ops.png", "early_exit_frontier.png")) {
            assertTrue(Files.size(plots.resolve(png)) > 0, png);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "small_bn_maxpool"})
    void mergedShardsGiveTheReportOfOneRun(String model) throws IOException {
        shardsMergeToTheWholeRun(model, 3);
    }

    @Test
    void anEarlyExitRunMergesToo() throws IOException {
        shardsMergeToTheWholeRun("lenet", 4, "--exit-margin", "2", "--exit-steps", "4");
    }

    /**
     * The first 40 digits written as npz files of digits [from, to) each, named so that name order is not the order
     * of writing; the file of the digits from {@code withoutLabels} on has no {@code y}.
     */
    private static Path digitFiles(String name, int[][] parts, int withoutLabels) throws IOException {
        Map<String, NpyArray> digits = NpzReader.read(Path.of(digits()));
        Path folder = Files.createDirectories(shared.resolve(name));
        for (int[] part : parts) {
            Map<String, NpyArray> shard = new LinkedHashMap<>();
            for (String key : part[0] == withoutLabels ? List.of("x") : List.of("x", "y")) {
                NpyArray all = digits.get(key);
                int[] shape = all.shape();
                int size = all.size() / shape[0];
                shape[0] = part[1] - part[0];
                shard.put(key, new NpyArray(all.elementType(), shape,
                        Arrays.copyOfRange(all.values(), part[0] * size, part[1] * size)));
            }
            NpzWriter.write(folder.resolve(String.format("digits-%03d.npz", part[0])), shard);
        }
        return folder;
    }

    @Test
    void aFolderOfShardsIsTheDataSetItHolds() throws IOException {
        Path folder = digitFiles("digit-shards", new int[][] {{25, 40}, {0, 10}, {10, 25}}, -1);
        Path fromFile = shared.resolve("from-file.json");
        Path fromFolder = shared.resolve("from-folder.json");
        run("lenet", digits(), "--report", fromFile.toString());
        run("lenet", folder.toString(), "--report", fromFolder.toString());
        ObjectNode file = (ObjectNode) withoutWallTime(fromFile);
        ObjectNode fromShards = (ObjectNode) withoutWallTime(fromFolder);
        assertEquals(folder.toString(), fromShards.remove("data").asText());
        file.remove("data");
        assertEquals(file, fromShards);
    }

    /**
     * A shard of a run over a folder reads only the files that hold its images: with the labels of digits 25–39
     * missing, shard 1/2 (digits 0–19, in the files of 0–9 and 10–24) runs, shard 2/2 (20–39) is refused; the parts
     * over the whole folder merge to the run over the one file.
     */
    @Test
    void aShardOfAFolderReadsOnlyTheFilesOfItsImages() throws IOException {
        int[][] parts = {{25, 40}, {0, 10}, {10, 25}};
        Path unlabelled = digitFiles("unlabelled-tail", parts, 25);
        Path dir = Files.createDirectories(shared.resolve("folder-parts"));
        run("lenet", unlabelled.toString(), "--shard", "1/2", "--partial", dir.resolve("first.json").toString());
        assertRefused(CliRun.of("run", COMPILED.get("lenet").toString(), "--data", unlabelled.toString(), "--limit",
                IMAGES, "--steps", STEPS, "--shard", "2/2", "--partial", dir.resolve("second.json").toString()),
                "E0501", "digits-025.npz", "y");

        Path folder = digitFiles("labelled", parts, -1);
        List<String> merge = new ArrayList<>(List.of("merge"));
        for (int k = 1; k <= 3; k++) {
            Path partial = dir.resolve("part-" + k + ".json");
            run("lenet", folder.toString(), "--shard", k + "/3", "--partial", partial.toString());
            merge.add(partial.toString());
        }
        Path merged = dir.resolve("merged.json");
        merge.addAll(List.of("--report", merged.toString()));
        assertEquals(0, CliRun.of(merge.toArray(String[]::new)).exitCode());
        Path whole = dir.resolve("whole.json");
        run("lenet", digits(), "--report", whole.toString());
        ObjectNode fromFile = (ObjectNode) withoutWallTime(whole);
        ObjectNode fromParts = (ObjectNode) withoutWallTime(merged);
        fromFile.remove("data");
        fromParts.remove("data");
        assertEquals(fromFile, fromParts);
    }

    private static void assertRefused(CliRun run, String code, String... words) {
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("[" + code + "]"), run.err());
        for (String word : words) {
            assertTrue(run.err().contains(word), run.err());
        }
        assertFalse(run.printedStackTrace(), run.err());
    }

    @Test
    void partsOfDifferentRunsMissingOrTwiceAreRefused() throws IOException {
        Path dir = Files.createDirectories(shared.resolve("refused"));
        String[] parts = new String[3];
        for (int k = 1; k <= 3; k++) {
            parts[k - 1] = dir.resolve("p" + k + ".json").toString();
            run("lenet", digits(), "--shard", k + "/3", "--partial", parts[k - 1]);
        }
        String otherSteps = dir.resolve("steps.json").toString();
        CliRun shorter = CliRun.of("run", COMPILED.get("lenet").toString(), "--data", digits(), "--limit", IMAGES,
                "--steps", "30", "--shard", "2/3", "--partial", otherSteps);
        assertEquals(0, shorter.exitCode(), shorter.err());
        String otherModel = dir.resolve("model.json").toString();
        run("small_bn_maxpool", digits(), "--shard", "2/3", "--partial", otherModel);
        Path report = dir.resolve("r.json");

        assertRefused(CliRun.of("merge", parts[0], otherSteps, parts[2], "--report", report.toString()), "E1203",
                "steps (60 and 30)");
        assertRefused(CliRun.of("merge", parts[0], otherModel, parts[2], "--report", report.toString()), "E1203",
                "configuration_sha256");
        assertRefused(CliRun.of("merge", parts[2], parts[0], "--report", report.toString()), "E1205",
                "27 of the run's 40 images; images 13..25 are missing");
        assertRefused(CliRun.of("merge", parts[0], parts[1], parts[2], parts[1], "--report", report.toString()),
                "E1204", "both hold images 13..25");
        Path broken = Files.writeString(dir.resolve("broken.json"), Files.readString(Path.of(parts[1]))
                .replaceFirst("\"steps_run\" : \\d+", "\"steps_run\" : -5"));
        assertRefused(CliRun.of("merge", parts[0], broken.toString(), parts[2], "--report", report.toString()),
                "E1202", "a count is out of range");
        Path cut = Files.writeString(dir.resolve("cut.json"), Files.readString(Path.of(parts[1])).substring(0, 300));
        assertRefused(CliRun.of("merge", cut.toString(), "--report", report.toString()), "E1202");
        assertFalse(Files.exists(report), "a refused merge writes no report");

        for (String spec : List.of("0/3", "4/3", "3", "1/0", "a/b", "41/41")) {
            Path partial = dir.resolve("bad.json");
            assertRefused(CliRun.of("run", COMPILED.get("lenet").toString(), "--data", digits(), "--limit", IMAGES,
                    "--steps", STEPS, "--shard", spec, "--partial", partial.toString()), "E1201", spec);
            assertFalse(Files.exists(partial));
        }
    }
}
