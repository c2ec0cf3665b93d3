package org.snnc.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.snnc.emulator.config.Configuration.EarlyExit;

/**
 * What a run of T steps measured over some of a data set's images, in integer counts, so that the summaries of
 * disjoint sets of images {@link #merge} exactly into the summary of their union: the per-step counts, operations,
 * updates, spikes and steps add; the per-image classes and labels are kept in image order.
 *
 * <p>Merging is associative and commutative: a summary holds its images as {@link Slice}s, maximal runs of
 * consecutive images sorted by their first image's index in the data set, so that merging the summaries of any split
 * of the images, in any order and grouping, gives the one summary of the unsplit run. Two summaries that share an
 * image are refused, as are summaries of different runs (steps, kept steps, cores, frontier rules, ANN or none).
 * Wall time is the one figure that is not the same: merged, it is the summaries' wall times summed, the emulation
 * time the run cost in all, not the elapsed time of shards run side by side; {@link #threads} is the most any part
 * ran on. {@link #measuresTheSame} compares everything but these two.
 *
 * <p>Counts are {@code long} and sums are overflow-checked ({@link Math#addExact}); a summary is
 * {@link Serializable} and has a JSON form ({@link #toJson}, {@link #fromJson}) of integers and strings only, so it
 * round-trips exactly.
 *
 * @param steps         T, the steps the run was asked for
 * @param keptSteps     the steps t (from 1, ascending) whose class of every image is kept in the slices; may be empty
 * @param slices        the images, as maximal runs of consecutive images in ascending order, at least one
 * @param correct       {@code [t − 1]}: the images whose class after step t is their label
 * @param ann           the ANN's figures on the same images, or null when none were given
 * @param synapticOps   {@code [t − 1]}: synaptic operations through step t, summed over the images
 * @param neuronUpdates neuron updates in the steps the images ran, summed
 * @param spikesPerCore per core of the chip (in its order), spikes summed over the images
 * @param stepsRun      the steps the images ran, summed: T each, or its exit step for an image an early exit stopped
 * @param frontier      for each exit rule asked for, what it would have given on a full run; may be empty
 * @param wallNanos     emulation wall time in nanoseconds, summed over the merged parts
 * @param threads       the worker threads of the run, the most of any merged part
 */
public record RunSummary(
        int steps,
        int[] keptSteps,
        List<Slice> slices,
        long[] correct,
        AnnTally ann,
        long[] synapticOps,
        long neuronUpdates,
        long[] spikesPerCore,
        long stepsRun,
        List<ExitTally> frontier,
        long wallNanos,
        int threads) implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    public RunSummary {
        require(steps >= 1, "a run has at least one step, got " + steps);
        require(keptSteps != null && slices != null && correct != null && synapticOps != null
                && spikesPerCore != null && frontier != null, "a summary is missing a field");
        keptSteps = keptSteps.clone();
        for (int k = 0; k < keptSteps.length; k++) {
            require(keptSteps[k] >= 1 && keptSteps[k] <= steps && (k == 0 || keptSteps[k] > keptSteps[k - 1]),
                    "kept steps " + Arrays.toString(keptSteps) + " are not ascending steps of 1.." + steps);
        }
        slices = List.copyOf(slices);
        require(!slices.isEmpty(), "a summary covers at least one image");
        for (int s = 0; s < slices.size(); s++) {
            Slice slice = slices.get(s);
            require(slice.predictions().length == keptSteps.length, "slice at image " + slice.first() + " keeps "
                    + slice.predictions().length + " steps' classes, not " + keptSteps.length);
            require(s == 0 || slices.get(s - 1).end() < slice.first(), "slices must be in ascending order, neither "
                    + "overlapping nor adjacent, at image " + slice.first());
        }
        int images = slices.stream().mapToInt(Slice::size).sum();
        correct = perStep(correct, steps, "correct", images);
        synapticOps = perStep(synapticOps, steps, "synaptic_ops", Long.MAX_VALUE);
        require(ann == null || ann.agreement().length == steps && ann.correct() <= images,
                "the ANN's figures do not fit " + steps + " steps over " + images + " images");
        spikesPerCore = spikesPerCore.clone();
        for (long spikes : spikesPerCore) {
            require(spikes >= 0, "a core's spike count is negative");
        }
        frontier = List.copyOf(frontier);
        for (ExitTally tally : frontier) {
            require(tally.correct() <= images && tally.steps() <= (long) images * steps,
                    "an exit tally counts more than the summary's " + images + " images over " + steps + " steps");
        }
        require(neuronUpdates >= 0 && stepsRun >= 0 && stepsRun <= (long) images * steps && wallNanos >= 0
                && threads >= 1, "a count is out of range");
    }

    /**
     * The images from {@code first} on, in data-set order.
     *
     * @param first       the index in the data set of the slice's first image
     * @param labels      each image's class
     * @param predictions {@code [k][image]}: each image's class after step {@link #keptSteps}{@code [k]}
     */
    public record Slice(int first, int[] labels, int[][] predictions) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Slice {
            require(first >= 0 && labels != null && predictions != null && labels.length > 0,
                    "a slice has a first image ≥ 0 and at least one image");
            require((long) first + labels.length <= Integer.MAX_VALUE, "a slice ends beyond the largest image index");
            labels = labels.clone();
            predictions = Arrays.stream(predictions).map(int[]::clone).toArray(int[][]::new);
            for (int[] row : predictions) {
                require(row.length == labels.length, "a slice keeps one class per image and step");
            }
        }

        public int size() {
            return labels.length;
        }

        /** The index of the image after the slice's last. */
        public int end() {
            return first + labels.length;
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }

        @Override
        public int[][] predictions() {
            return Arrays.stream(predictions).map(int[]::clone).toArray(int[][]::new);
        }

        /** {@code this} followed by the slice that starts where it ends. */
        private Slice join(Slice next) {
            int[][] joined = new int[predictions.length][];
            for (int k = 0; k < joined.length; k++) {
                joined[k] = concat(predictions[k], next.predictions[k]);
            }
            return new Slice(first, concat(labels, next.labels), joined);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Slice s && first == s.first && Arrays.equals(labels, s.labels)
                    && Arrays.deepEquals(predictions, s.predictions);
        }

        @Override
        public int hashCode() {
            return Objects.hash(first, Arrays.hashCode(labels), Arrays.deepHashCode(predictions));
        }

        @Override
        public String toString() {
            return "Slice[" + first + ".." + end() + ")";
        }
    }

    /**
     * The ANN on the same images.
     *
     * @param correct   the images whose ANN class is their label
     * @param agreement {@code [t − 1]}: the images whose class after step t is the ANN's class
     */
    public record AnnTally(long correct, long[] agreement) implements Serializable {
        private static final long serialVersionUID = 1L;

        public AnnTally {
            require(correct >= 0 && agreement != null, "the ANN's figures need a count ≥ 0 and the agreement");
            agreement = agreement.clone();
            for (long images : agreement) {
                require(images >= 0, "an agreement count is negative");
            }
        }

        @Override
        public long[] agreement() {
            return agreement.clone();
        }

        private AnnTally plus(AnnTally other) {
            return new AnnTally(Math.addExact(correct, other.correct), add(agreement, other.agreement));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof AnnTally a && correct == a.correct && Arrays.equals(agreement, a.agreement);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(correct) + Arrays.hashCode(agreement);
        }
    }

    /**
     * What an early exit would have given, computed from a run without one: each image stops at the first step t at
     * which its readout margin has reached {@code marginLsbs} in each of the {@code streak} steps t − streak + 1 … t
     * (the rule the chip applies), or runs all T steps.
     *
     * @param marginLsbs  the bound, in membrane LSBs
     * @param streak      k, the steps the margin must hold
     * @param correct     the images whose class at their stop is their label
     * @param synapticOps the images' synaptic operations through their stop, summed
     * @param steps       the steps the images ran, summed
     */
    public record ExitTally(long marginLsbs, int streak, long correct, long synapticOps, long steps)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public ExitTally {
            require(marginLsbs >= 0 && streak >= 1 && correct >= 0 && synapticOps >= 0 && steps >= 0,
                    "an exit tally's figures are out of range");
        }

        private boolean sameRule(ExitTally other) {
            return marginLsbs == other.marginLsbs && streak == other.streak;
        }

        private ExitTally plus(ExitTally other) {
            return new ExitTally(marginLsbs, streak, Math.addExact(correct, other.correct),
                    Math.addExact(synapticOps, other.synapticOps), Math.addExact(steps, other.steps));
        }
    }

    /**
     * The summary of {@code run}, the run of the images {@code first}, {@code first} + 1, … of a data set whose
     * labels are {@code labels}, on {@code threads} threads, keeping every image's class after each of
     * {@code keptSteps}; {@code annClasses} are the ANN's classes of the same images, or null.
     */
    public static RunSummary of(Runner.Result run, int first, int[] labels, int[] annClasses, int[] keptSteps,
            int threads) {
        int steps = run.predictions().length;
        int images = labels.length;
        require(run.stepsRun().length == images && (annClasses == null || annClasses.length == images),
                "the run, its labels and the ANN's classes are not of the same images");
        long[] correct = new long[steps];
        long[] agreement = new long[steps];
        long[] ops = new long[steps];
        for (int t = 0; t < steps; t++) {
            int[] classes = run.predictions()[t];
            for (int i = 0; i < images; i++) {
                correct[t] += classes[i] == labels[i] ? 1 : 0;
                agreement[t] += annClasses != null && classes[i] == annClasses[i] ? 1 : 0;
                ops[t] = Math.addExact(ops[t], run.synapticOps()[i][t]);
            }
        }
        AnnTally ann = null;
        if (annClasses != null) {
            long annCorrect = 0;
            for (int i = 0; i < images; i++) {
                annCorrect += annClasses[i] == labels[i] ? 1 : 0;
            }
            ann = new AnnTally(annCorrect, agreement);
        }
        int[][] kept = Arrays.stream(keptSteps).mapToObj(t -> run.predictions()[t - 1]).toArray(int[][]::new);
        return new RunSummary(steps, keptSteps, List.of(new Slice(first, labels, kept)), correct, ann, ops,
                run.neuronUpdates(), run.spikesPerCore(), Arrays.stream(run.stepsRun()).asLongStream().sum(),
                List.of(), (long) (run.seconds() * 1e9), threads);
    }

    /**
     * This summary with the frontier of {@code rules}, computed from {@code full}, a run of the same images without
     * an early exit, after the fact: for each rule, each image's class and operations at the step the rule would
     * have stopped it (or T) and the steps it would have run.
     */
    public RunSummary withFrontier(Runner.Result full, List<EarlyExit> rules) {
        require(slices.size() == 1 && full.stepsRun().length == images() && full.predictions().length == steps,
                "a frontier is computed from a full run of the summary's own images");
        int[] labels = slices.get(0).labels;
        List<ExitTally> tallies = new ArrayList<>();
        for (EarlyExit rule : rules) {
            ExitStreak streak = new ExitStreak(Optional.of(rule));
            long right = 0;
            long ops = 0;
            long ran = 0;
            for (int i = 0; i < labels.length; i++) {
                streak.reset();
                int stop = steps;
                for (int t = 0; t < steps; t++) {
                    if (streak.settles(full.margins()[i][t])) {
                        stop = t + 1;
                        break;
                    }
                }
                right += full.predictions()[stop - 1][i] == labels[i] ? 1 : 0;
                ops = Math.addExact(ops, full.synapticOps()[i][stop - 1]);
                ran += stop;
            }
            tallies.add(new ExitTally(rule.margin(), rule.steps(), right, ops, ran));
        }
        return new RunSummary(steps, keptSteps, slices, correct, ann, synapticOps, neuronUpdates, spikesPerCore,
                stepsRun, tallies, wallNanos, threads);
    }

    /**
     * The summary of this summary's images and {@code other}'s together.
     *
     * @throws IllegalArgumentException if the two share an image or are not summaries of the same run: different
     *     steps, kept steps, core counts, frontier rules, or an ANN in one only
     */
    public RunSummary merge(RunSummary other) {
        require(steps == other.steps, "summaries of " + steps + " and " + other.steps + " steps");
        require(Arrays.equals(keptSteps, other.keptSteps), "summaries that keep the classes of different steps, "
                + Arrays.toString(keptSteps) + " and " + Arrays.toString(other.keptSteps));
        require(spikesPerCore.length == other.spikesPerCore.length, "summaries of chips of "
                + spikesPerCore.length + " and " + other.spikesPerCore.length + " cores");
        require((ann == null) == (other.ann == null), "one summary has the ANN's figures and the other has not");
        require(frontier.size() == other.frontier.size() && java.util.stream.IntStream.range(0, frontier.size())
                .allMatch(k -> frontier.get(k).sameRule(other.frontier.get(k))),
                "summaries of different early-exit frontiers");
        List<ExitTally> tallies = new ArrayList<>();
        for (int k = 0; k < frontier.size(); k++) {
            tallies.add(frontier.get(k).plus(other.frontier.get(k)));
        }
        return new RunSummary(steps, keptSteps, joinSlices(slices, other.slices), add(correct, other.correct),
                ann == null ? null : ann.plus(other.ann), add(synapticOps, other.synapticOps),
                Math.addExact(neuronUpdates, other.neuronUpdates), add(spikesPerCore, other.spikesPerCore),
                Math.addExact(stepsRun, other.stepsRun), tallies, Math.addExact(wallNanos, other.wallNanos),
                Math.max(threads, other.threads));
    }

    /** The slices of both, sorted, adjacent ones joined; refuses an image in both. */
    private static List<Slice> joinSlices(List<Slice> a, List<Slice> b) {
        List<Slice> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(Comparator.comparingInt(Slice::first));
        List<Slice> joined = new ArrayList<>();
        for (Slice slice : all) {
            Slice last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
            if (last != null && slice.first < last.end()) {
                throw new IllegalArgumentException("images " + slice.first + ".." + (Math.min(last.end(),
                        slice.end()) - 1) + " are in both summaries");
            }
            if (last != null && slice.first == last.end()) {
                joined.set(joined.size() - 1, last.join(slice));
            } else {
                joined.add(slice);
            }
        }
        return joined;
    }

    /** The images summarized. */
    public int images() {
        return slices.stream().mapToInt(Slice::size).sum();
    }

    /** Whether the summary covers exactly the images 0 … {@code count} − 1 of a data set. */
    public boolean coversFirst(int count) {
        return slices.size() == 1 && slices.get(0).first == 0 && slices.get(0).size() == count;
    }

    /** Equal in every figure but {@link #wallNanos} and {@link #threads}, which depend on how the run was made. */
    public boolean measuresTheSame(RunSummary other) {
        return equals(new RunSummary(other.steps, other.keptSteps, other.slices, other.correct, other.ann,
                other.synapticOps, other.neuronUpdates, other.spikesPerCore, other.stepsRun, other.frontier,
                wallNanos, threads));
    }

    /** This summary as JSON, snake_case keys, integers and strings only. */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a summary holds only integers", e);
        }
    }

    /**
     * The summary {@link #toJson} wrote.
     *
     * @throws IllegalArgumentException if {@code json} is not such a summary, with the reason
     */
    public static RunSummary fromJson(String json) {
        try {
            RunSummary summary = JSON.readValue(json, RunSummary.class);
            require(summary != null, "the JSON is null, not a summary");
            return summary;
        } catch (JsonProcessingException e) {
            // The constructor's reason, when it refused the values; else the parser's, without the input echoed.
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IllegalArgumentException invalid) {
                    throw new IllegalArgumentException(invalid.getMessage(), e);
                }
            }
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    @Override
    public int[] keptSteps() {
        return keptSteps.clone();
    }

    @Override
    public long[] correct() {
        return correct.clone();
    }

    @Override
    public long[] synapticOps() {
        return synapticOps.clone();
    }

    @Override
    public long[] spikesPerCore() {
        return spikesPerCore.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RunSummary s && steps == s.steps && Arrays.equals(keptSteps, s.keptSteps)
                && slices.equals(s.slices) && Arrays.equals(correct, s.correct) && Objects.equals(ann, s.ann)
                && Arrays.equals(synapticOps, s.synapticOps) && neuronUpdates == s.neuronUpdates
                && Arrays.equals(spikesPerCore, s.spikesPerCore) && stepsRun == s.stepsRun
                && frontier.equals(s.frontier) && wallNanos == s.wallNanos && threads == s.threads;
    }

    @Override
    public int hashCode() {
        return Objects.hash(steps, Arrays.hashCode(keptSteps), slices, Arrays.hashCode(correct), ann,
                Arrays.hashCode(synapticOps), neuronUpdates, Arrays.hashCode(spikesPerCore), stepsRun, frontier,
                wallNanos, threads);
    }

    @Override
    public String toString() {
        return "RunSummary[" + images() + " images in " + slices + ", " + steps + " steps]";
    }

    private static long[] perStep(long[] counts, int steps, String name, long most) {
        require(counts.length == steps, name + " has " + counts.length + " steps, not " + steps);
        for (long count : counts) {
            require(count >= 0 && count <= most, name + " holds a count out of range: " + count);
        }
        return counts.clone();
    }

    private static long[] add(long[] a, long[] b) {
        long[] sum = new long[a.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = Math.addExact(a[i], b[i]);
        }
        return sum;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static void require(boolean condition, String why) {
        if (!condition) {
            throw new IllegalArgumentException(why);
        }
    }
}
