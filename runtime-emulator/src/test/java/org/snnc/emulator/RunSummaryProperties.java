package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.snnc.emulator.config.Configuration.EarlyExit;
import org.snnc.emulator.io.Npz;

/**
 * {@link RunSummary}: its counts on a hand-computed run, and its merge. The property runs LeNet as
 * {@code snnc compile --target generic} emits it on 20 digits, cut into contiguous slices at random, each slice a
 * run of its own, and merges the slices' summaries in a random order and grouping: the result measures exactly what
 * the summary of the one run of all 20 digits measures, its wall time is the slices' summed.
 */
class RunSummaryProperties {

    private static final int STEPS = 30;
    private static final int[] KEPT = {10, 25, 30};
    private static final Chip CHIP;
    private static final int[][] IMAGES;
    private static final int[] LABELS;
    private static final List<EarlyExit> RULES;

    static {
        try {
            Path digits = Path.of(RunSummaryProperties.class.getResource("/lenet/digits20.npz").toURI());
            CHIP = Chip.load(Path.of(RunSummaryProperties.class.getResource("/lenet/config.json").toURI()));
            Npz.U8Array x = Npz.readU8(digits, "x");
            int size = x.values().length / x.shape()[0];
            IMAGES = new int[x.shape()[0]][];
            for (int i = 0; i < IMAGES.length; i++) {
                IMAGES[i] = Arrays.copyOfRange(x.values(), i * size, (i + 1) * size);
            }
            LABELS = Npz.readU8(digits, "y").values();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
        long theta = CHIP.readoutThreshold();
        RULES = List.of(new EarlyExit(theta, 1), new EarlyExit(2 * theta, 2), new EarlyExit(4 * theta, 4));
    }

    /** The summary of images [from, to) run on their own, with the ANN's classes {@code ann} of all images. */
    private static RunSummary summary(int from, int to, int[] ann, boolean exit, int threads) {
        int[][] images = Arrays.copyOfRange(IMAGES, from, to);
        Runner.Result full = Runner.run(CHIP, images, STEPS, threads, true, Optional.empty(), null);
        Runner.Result run = exit ? Runner.run(CHIP, images, STEPS, threads, true, Optional.of(RULES.get(1)), null)
                : full;
        return RunSummary.of(run, from, Arrays.copyOfRange(LABELS, from, to), Arrays.copyOfRange(ann, from, to),
                KEPT, threads).withFrontier(full, RULES);
    }

    @Property(tries = 25)
    void anySplitMergedInAnyOrderMeasuresWhatTheWholeRunDoes(
            @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 19) Integer> cuts, @ForAll long seed,
            @ForAll boolean exit) {
        Random random = new Random(seed);
        int[] ann = random.ints(IMAGES.length, 0, 10).toArray();
        RunSummary whole = summary(0, IMAGES.length, ann, exit, 1);
        List<Integer> bounds = new ArrayList<>(new TreeSet<>(cuts));
        bounds.add(0, 0);
        bounds.add(IMAGES.length);
        List<RunSummary> parts = new ArrayList<>();
        for (int k = 0; k + 1 < bounds.size(); k++) {
            parts.add(summary(bounds.get(k), bounds.get(k + 1), ann, exit, 1 + random.nextInt(2)));
        }
        long wall = parts.stream().mapToLong(RunSummary::wallNanos).sum();
        // Merge two parts picked at random, anywhere in the list, until one is left: any order and grouping.
        while (parts.size() > 1) {
            RunSummary a = parts.remove(random.nextInt(parts.size()));
            RunSummary b = parts.remove(random.nextInt(parts.size()));
            parts.add(random.nextInt(parts.size() + 1), random.nextBoolean() ? a.merge(b) : b.merge(a));
        }
        RunSummary merged = parts.get(0);
        assertTrue(merged.measuresTheSame(whole), () -> merged.toJson() + "\n is not\n" + whole.toJson());
        assertEquals(wall, merged.wallNanos());
        assertTrue(merged.coversFirst(IMAGES.length));
        assertEquals(merged, RunSummary.fromJson(merged.toJson()));
    }

    /**
     * Two images, three steps: classes [1, 1, 1] and [0, 2, 2] against labels 1 and 2, the ANN's classes 1 and 0;
     * margins [0, 5, 6] and [3, 3, 3]; operations through each step [2, 4, 6] and [1, 1, 1].
     */
    private static final Runner.Result HAND = new Runner.Result(new int[][] {{1, 0}, {1, 2}, {1, 2}},
            new long[][] {{2, 4, 6}, {1, 1, 1}}, new long[][] {{0, 5, 6}, {3, 3, 3}}, new int[] {3, 3}, 12,
            new long[] {7, 0, 5}, 0.5);

    private static RunSummary hand() {
        return RunSummary.of(HAND, 4, new int[] {1, 2}, new int[] {1, 0}, new int[] {2}, 2)
                .withFrontier(HAND, List.of(new EarlyExit(3, 2), new EarlyExit(4, 1)));
    }

    @Example
    void countsAHandComputedRun() {
        RunSummary summary = hand();
        assertArrayEquals(new long[] {1, 2, 2}, summary.correct());
        assertEquals(1, summary.ann().correct());
        assertArrayEquals(new long[] {2, 1, 1}, summary.ann().agreement());
        assertArrayEquals(new long[] {3, 5, 7}, summary.synapticOps());
        assertEquals(6, summary.stepsRun());
        assertEquals(500_000_000L, summary.wallNanos());
        assertEquals(List.of(new RunSummary.Slice(4, new int[] {1, 2}, new int[][] {{1, 2}})), summary.slices());
        // B = 3, k = 2: image 0 settles at t = 3 (margins 5, 6), image 1 at t = 2 (3, 3), both right.
        // B = 4, k = 1: image 0 settles at t = 2, image 1 never (3 < 4) and runs all 3 steps.
        assertEquals(List.of(new RunSummary.ExitTally(3, 2, 2, 6 + 1, 3 + 2),
                new RunSummary.ExitTally(4, 1, 2, 4 + 1, 2 + 3)), summary.frontier());
    }

    @Example
    void sharedImagesAndDifferentRunsAreRefused() {
        RunSummary summary = hand();
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class, () -> summary.merge(summary));
        assertEquals("images 4..5 are in both summaries", overlap.getMessage());
        RunSummary fewerKept = RunSummary.of(HAND, 6, new int[] {1, 2}, new int[] {1, 0}, new int[] {}, 2);
        assertThrows(IllegalArgumentException.class, () -> summary.merge(fewerKept));
        RunSummary noAnn = RunSummary.of(HAND, 6, new int[] {1, 2}, null, new int[] {2}, 2);
        assertThrows(IllegalArgumentException.class, () -> hand().merge(noAnn.withFrontier(HAND,
                List.of(new EarlyExit(3, 2), new EarlyExit(4, 1)))));
        RunSummary gap = hand().merge(RunSummary.of(HAND, 7, new int[] {1, 2}, new int[] {1, 0}, new int[] {2}, 1)
                .withFrontier(HAND, List.of(new EarlyExit(3, 2), new EarlyExit(4, 1))));
        assertEquals(2, gap.slices().size(), "images 6 is missing, so two slices");
        assertTrue(!gap.coversFirst(6) && gap.images() == 4);
    }

    @Example
    void theJsonAndJavaFormsRoundTrip() throws IOException, ClassNotFoundException {
        RunSummary summary = hand();
        assertEquals(summary, RunSummary.fromJson(summary.toJson()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(summary);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(summary, in.readObject());
        }
        assertNotEquals(summary, RunSummary.fromJson(summary.toJson().replace("\"steps_run\" : 6",
                "\"steps_run\" : 5")));
    }

    @Example
    void corruptJsonIsRefusedWithAReason() {
        String json = hand().toJson();
        assertEquals("kept steps [7] are not ascending steps of 1..3", assertThrows(IllegalArgumentException.class,
                () -> RunSummary.fromJson(json.replace("\"kept_steps\" : [ 2 ]", "\"kept_steps\" : [ 7 ]")))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunSummary.fromJson(json.substring(0, 40)));
        assertThrows(IllegalArgumentException.class, () -> RunSummary.fromJson("null"));
        String tally = "\"correct\" : 2,\n    \"synaptic_ops\" : 7";
        String threeRight = json.replace(tally, tally.replace('2', '3'));
        assertNotEquals(json, threeRight);
        assertEquals("an exit tally counts more than the summary's 2 images over 3 steps",
                assertThrows(IllegalArgumentException.class, () -> RunSummary.fromJson(threeRight)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunSummary.fromJson(json.replace("\"steps\" : 3,", "")));
    }
}
