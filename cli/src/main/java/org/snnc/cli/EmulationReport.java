package org.snnc.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.compiler.sim.ExitFrontier;
import org.snnc.emulator.RunSummary;
import org.snnc.emulator.Runner;
import org.snnc.emulator.config.Configuration;

/**
 * The report of an emulation, built from a {@link RunSummary} and its {@link RunContext}, and the summary of a run
 * as the report needs it. One code path makes the report of {@code snnc run}, of {@code snnc merge} over shards, and
 * of any other way of running the images in parts: whoever summarizes the parts with {@link #summarize} and merges
 * them gets the report of the one run. Nothing here uses the command line.
 *
 * <p>From counts over n images: accuracy(t) = correct(t)/n, the ANN's accuracy = its correct/n, agreement(t) =
 * agreeing(t)/n; synaptic operations per image at t = Σ ops through t / n; neuron updates per image = Σ updates / n;
 * steps per image = Σ steps run / n; spikes per core per image = Σ spikes / n; energy per image =
 * (ops(T)·pJ/op + updates·pJ/update) / n / 1000 nJ. The early exit applied is the run's own accuracy, operations and
 * steps at T (frozen at each image's exit); each frontier point is its {@link RunSummary.ExitTally} over n.
 */
public final class EmulationReport {

    /** The schedule the chip runs: every layer advances every step. */
    static final String SCHEDULE = "pipelined";

    private EmulationReport() {
    }

    /** The steps whose classes a report keeps, ascending: those of {@link SimulationReport#KEY_STEPS} ≤ T, and T. */
    public static int[] keptSteps(int steps) {
        return IntStream.concat(SimulationReport.KEY_STEPS.stream().mapToInt(Integer::intValue)
                .filter(t -> t <= steps), IntStream.of(steps)).distinct().sorted().toArray();
    }

    /**
     * The exit rules of a report's frontier, {@link ExitFrontier#BOUNDS} × {@link ExitFrontier#STREAKS} bound by
     * bound, a bound of B thresholds as {@link EarlyExit#lsbs}(B, θ) LSBs.
     */
    public static List<Configuration.EarlyExit> frontierRules(long theta) {
        List<Configuration.EarlyExit> rules = new ArrayList<>();
        for (double bound : ExitFrontier.BOUNDS) {
            for (int streak : ExitFrontier.STREAKS) {
                rules.add(new Configuration.EarlyExit(EarlyExit.lsbs(bound, theta), streak));
            }
        }
        return rules;
    }

    /**
     * The summary of the images {@code first}, {@code first} + 1, … as a report of {@code context} needs it:
     * {@code run} is their run (with the context's early exit, if any), {@code full} their run without an early
     * exit (the same object when there is none), which gives the frontier of a membrane readout; {@code labels} and
     * {@code annClasses} (null for none) are theirs; {@code threads} the workers that ran them.
     */
    public static RunSummary summarize(RunContext context, Runner.Result run, Runner.Result full, int first,
            int[] labels, int[] annClasses, int threads) {
        RunSummary summary = RunSummary.of(run, first, labels, annClasses, keptSteps(context.steps()), threads);
        return context.membrane() ? summary.withFrontier(full, frontierRules(context.readoutThreshold())) : summary;
    }

    /**
     * The report of the run of {@code context} that {@code summary} measured.
     *
     * @throws IllegalArgumentException if the summary does not cover exactly the context's images and steps, or
     *     its frontier or kept steps are not the ones {@link #summarize} makes
     */
    public static SimulationReport of(RunContext context, RunSummary summary) {
        int n = context.images();
        int steps = context.steps();
        if (summary.steps() != steps || !summary.coversFirst(n)) {
            throw new IllegalArgumentException("the summary of " + summary.images() + " images in "
                    + summary.slices() + " over " + summary.steps() + " steps is not the whole run of " + n
                    + " images over " + steps + " steps");
        }
        if (!Arrays.equals(summary.keptSteps(), keptSteps(steps))) {
            throw new IllegalArgumentException("the summary keeps the classes of steps "
                    + Arrays.toString(summary.keptSteps()) + ", the report needs " + Arrays.toString(keptSteps(steps)));
        }
        long[] ops = summary.synapticOps();
        long opsThroughT = ops[steps - 1];
        RunSummary.AnnTally ann = summary.ann();
        RunSummary.Slice images = summary.slices().get(0);
        SimulationReport.Counts counts = new SimulationReport.Counts(n, summary.correct(), null,
                ann == null ? null : ann.correct(), ann == null ? null : ann.agreement(),
                Arrays.stream(ops).mapToDouble(o -> (double) o / n).toArray(),
                (double) summary.neuronUpdates() / n, null, summary.wallNanos(), opsThroughT, summary.stepsRun(),
                keyPredictions(summary.keptSteps(), images.predictions()), images.labels());
        ExitFrontier.Point applied = context.earlyExit() == null ? null : new ExitFrontier.Point(
                (double) context.earlyExit().marginLsbs() / context.readoutThreshold(), context.earlyExit().steps(),
                (double) summary.correct()[steps - 1] / n, (double) opsThroughT / n, (double) summary.stepsRun() / n);
        return SimulationReport.of(context.model(), context.data(), SCHEDULE, context.readout(), counts,
                context.annMacsPerLayer(), null, summary.threads(), applied, frontier(context, summary),
                chipFigures(context, summary));
    }

    /** The report's predictions, "t" for each key step and "T" for the last, from the kept steps' classes. */
    private static Map<String, int[]> keyPredictions(int[] keptSteps, int[][] classes) {
        Map<String, int[]> kept = new LinkedHashMap<>();
        for (int k = 0; k < keptSteps.length; k++) {
            if (SimulationReport.KEY_STEPS.contains(keptSteps[k])) {
                kept.put(Integer.toString(keptSteps[k]), classes[k]);
            }
        }
        kept.put("T", classes[keptSteps.length - 1]);
        return kept;
    }

    /** The frontier's points, or null when the summary has none (a readout other than membrane). */
    private static List<ExitFrontier.Point> frontier(RunContext context, RunSummary summary) {
        if (summary.frontier().isEmpty()) {
            return null;
        }
        List<Configuration.EarlyExit> rules = frontierRules(context.readoutThreshold());
        List<RunSummary.ExitTally> tallies = summary.frontier();
        if (tallies.size() != rules.size() || IntStream.range(0, rules.size()).anyMatch(k -> tallies.get(k)
                .marginLsbs() != rules.get(k).margin() || tallies.get(k).streak() != rules.get(k).steps())) {
            throw new IllegalArgumentException("the summary's early-exit frontier is not the report's "
                    + ExitFrontier.BOUNDS + " thresholds × " + ExitFrontier.STREAKS + " steps");
        }
        double n = context.images();
        List<ExitFrontier.Point> points = new ArrayList<>();
        for (int k = 0; k < tallies.size(); k++) {
            RunSummary.ExitTally tally = tallies.get(k);
            points.add(new ExitFrontier.Point(ExitFrontier.BOUNDS.get(k / ExitFrontier.STREAKS.size()),
                    tally.streak(), tally.correct() / n, tally.synapticOps() / n, tally.steps() / n));
        }
        return points;
    }

    /** Cores used, spikes per core per image, and the energy per image when the chip spec gives figures. */
    private static SimulationReport.ChipFigures chipFigures(RunContext context, RunSummary summary) {
        int n = context.images();
        long[] spikes = summary.spikesPerCore();
        if (spikes.length != context.coreIds().size()) {
            throw new IllegalArgumentException("the summary counts spikes of " + spikes.length + " cores, the "
                    + "configuration has " + context.coreIds().size());
        }
        Map<String, Double> spikesPerCore = new LinkedHashMap<>();
        for (int i = 0; i < spikes.length; i++) {
            spikesPerCore.put(Integer.toString(context.coreIds().get(i)), (double) spikes[i] / n);
        }
        double opsPerImage = (double) summary.synapticOps()[context.steps() - 1] / n;
        double updatesPerImage = (double) summary.neuronUpdates() / n;
        RunContext.Energy energy = context.energy();
        Double nanojoules = energy == null ? null
                : (opsPerImage * energy.synapticOpPj() + updatesPerImage * energy.neuronUpdatePj()) / 1000;
        return new SimulationReport.ChipFigures(context.target(), spikes.length, nanojoules, spikesPerCore);
    }
}
