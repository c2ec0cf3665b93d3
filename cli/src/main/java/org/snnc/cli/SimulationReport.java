package org.snnc.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.sim.ExitFrontier;

/**
 * What {@code snnc simulate --report} and {@code snnc run --report} write; keys are snake_case and stable, because
 * scripts read them. The schema, units included, is documented in docs/report-schema.md. A run of the emulator adds
 * the chip's figures ({@code target}, {@code cores_used}, {@code energy_nj_per_image}, {@code spikes_per_core}), which
 * a simulation leaves out.
 *
 * @param model                     the model file
 * @param data                      the labelled data set
 * @param images                    how many images were simulated
 * @param steps                     the simulated steps T
 * @param schedule                  pipelined or sync
 * @param readout                   the default readout (membrane, spikecount or softmax)
 * @param annAccuracy               the float ANN's accuracy on the same images; null for an already spiking input
 * @param accuracy                  the default readout's accuracy at t = 1..T (fractions)
 * @param annAgreement              the share of images the default readout gives the ANN's class at t = 1..T; null
 *                                  with annAccuracy
 * @param accuracySpikecount        the spike-count readout's accuracy at t = 1..T; null when the run did not read it
 * @param convergeWithin1pp         the first t from which |accuracy − ANN| ≤ 1 pp at every later step, or null
 * @param convergeWithin01pp        the same within 0.1 pp
 * @param synapticOpsPerImage       cumulative synaptic operations (accumulates) per image at t = 1..T
 * @param synapticOpsOverAnnMacs    synapticOpsPerImage divided by annMacsPerImage, at t = 1..T
 * @param annMacsPerImage           multiply-accumulates of one ANN inference
 * @param annOpsPerImage            2 · annMacsPerImage: SNN Toolbox's count of the ANN's operations, a multiply and
 *                                  an add per MAC
 * @param annMacsPerLayer           the same per weighted layer
 * @param neuronUpdatesPerImage     IF neuron updates per image over T steps
 * @param stepsPerImage             the mean steps an image ran: T, or fewer with an early exit
 * @param earlyExit                 the early exit the run applied, and what it gave; null when none
 * @param earlyExitFrontier         the early exits of {@link ExitFrontier#BOUNDS} × {@link ExitFrontier#STREAKS},
 *                                  computed from a full run; null for a readout other than membrane
 * @param spikesPerLayer            mean spikes per image of each IF population over T steps; null on a chip
 * @param lambdas                   normalization's λ per layer, when this run converted the model
 * @param wallSeconds               simulation wall time
 * @param imagesStepsPerSecond      the steps the images ran, summed, / wall seconds
 * @param synapticEventsPerSecond   spike-driven synaptic operations / wall seconds
 * @param threads                   worker threads
 * @param predictions               default-readout classes per image at t = 25, 50, 100, 200 (those ≤ T) and "T"
 * @param labels                    the true classes
 * @param target                    the chip a configuration ran on
 * @param coresUsed                 the cores the configuration uses
 * @param energyNjPerImage          synaptic ops · pJ/op + neuron updates · pJ/update over T steps, in nJ, when the
 *                                  chip spec gives energy figures
 * @param spikesPerCore             mean spikes per image of each core over T steps
 */
public record SimulationReport(String model, String data, int images, int steps, String schedule, String readout,
        Double annAccuracy, double[] accuracy, @JsonInclude(JsonInclude.Include.NON_NULL) double[] annAgreement,
        double[] accuracySpikecount,
        @JsonProperty("converge_within_1pp") Integer convergeWithin1pp,
        @JsonProperty("converge_within_0_1pp") Integer convergeWithin01pp, double[] synapticOpsPerImage, double[] synapticOpsOverAnnMacs,
        long annMacsPerImage, long annOpsPerImage, Map<String, Long> annMacsPerLayer, double neuronUpdatesPerImage,
        double stepsPerImage, ExitPoint earlyExit, List<ExitPoint> earlyExitFrontier,
        Map<String, Double> spikesPerLayer, Map<String, Object> lambdas, double wallSeconds,
        double imagesStepsPerSecond,
        double synapticEventsPerSecond, int threads, Map<String, int[]> predictions, int[] labels,
        @JsonInclude(JsonInclude.Include.NON_NULL) String target,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer coresUsed,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double energyNjPerImage,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> spikesPerCore) {

    /**
     * What one simulation or emulation measured.
     *
     * @param predictions           default-readout classes [t][image]
     * @param spikeCountPredictions spike-count classes [t][image], or null
     * @param synapticOpsPerImage   cumulative synaptic operations per image at t = 1..T
     * @param neuronUpdatesPerImage neuron updates per image over T steps
     * @param spikesPerLayer        mean spikes per image per population, or null
     * @param wallNanos             wall time
     * @param synapticEvents        spike-driven synaptic operations over all images
     * @param stepsRun              per image, the steps it ran
     */
    record Measurements(int[][] predictions, int[][] spikeCountPredictions, double[] synapticOpsPerImage,
            double neuronUpdatesPerImage, Map<String, Double> spikesPerLayer, long wallNanos, double synapticEvents,
            int[] stepsRun) {
    }

    /**
     * An early exit and what it gives.
     *
     * @param exitMargin          B, in thresholds θ of the output population
     * @param exitSteps           k
     * @param accuracy            the fraction of images classified right
     * @param synapticOpsPerImage the mean synaptic operations per image through its exit step
     * @param opsOverAnnOps       synapticOpsPerImage / (2 · the ANN's MACs)
     * @param stepsPerImage       the mean steps run per image
     */
    public record ExitPoint(double exitMargin, int exitSteps, double accuracy, double synapticOpsPerImage,
            double opsOverAnnOps, double stepsPerImage) {

        static ExitPoint of(ExitFrontier.Point point, long annOps) {
            return new ExitPoint(point.bound(), point.streak(), point.accuracy(), point.opsPerImage(),
                    point.opsPerImage() / annOps, point.stepsPerImage());
        }
    }

    /** The chip's figures of an emulation: target, cores used, energy per image (or null), spikes per core. */
    record ChipFigures(String target, int coresUsed, Double energyNjPerImage, Map<String, Double> spikesPerCore) {
    }

    /**
     * The report of a run of {@code steps} steps on {@code dataset}: accuracies, convergence against the ANN's accuracy
     * and the share of images given the ANN's class (when {@code annPredictions} are known, else null), operations
     * against {@code macs}, speed, the early exit applied ({@code earlyExit}, null for none), the {@code frontier}
     * (null when not computed) and the chip's figures if any.
     */
    static SimulationReport of(String model, String data, Dataset dataset, int steps, String schedule,
            String readout, int[] annPredictions, Measurements measured, Map<String, Long> macs,
            Map<String, Object> lambdas, int threads, ExitFrontier.Point earlyExit,
            List<ExitFrontier.Point> frontier, ChipFigures chip) {
        int n = dataset.size();
        long[] correct = new long[steps];
        long[] spikeCountCorrect = measured.spikeCountPredictions() == null ? null : new long[steps];
        long[] agreement = annPredictions == null ? null : new long[steps];
        for (int t = 0; t < steps; t++) {
            int[] snn = measured.predictions()[t];
            correct[t] = dataset.correct(snn);
            if (spikeCountCorrect != null) {
                spikeCountCorrect[t] = dataset.correct(measured.spikeCountPredictions()[t]);
            }
            if (agreement != null) {
                agreement[t] = IntStream.range(0, n).filter(i -> snn[i] == annPredictions[i]).count();
            }
        }
        Counts counts = new Counts(n, correct, spikeCountCorrect,
                annPredictions == null ? null : (long) dataset.correct(annPredictions), agreement,
                measured.synapticOpsPerImage(), measured.neuronUpdatesPerImage(), measured.spikesPerLayer(),
                measured.wallNanos(), measured.synapticEvents(),
                Arrays.stream(measured.stepsRun()).asLongStream().sum(), keyPredictions(measured.predictions()),
                dataset.labels());
        return of(model, data, schedule, readout, counts, macs, lambdas, threads, earlyExit, frontier, chip);
    }

    /**
     * What a report is computed from, over {@code images} images and T steps; counts rather than fractions, so that
     * no rounding decides a figure.
     *
     * @param images                how many images ran
     * @param correct               {@code [t − 1]}: images whose default-readout class after step t is their label
     * @param spikeCountCorrect     the same for the spike-count readout, or null
     * @param annCorrect            images the ANN classifies right, or null when there is no ANN
     * @param annAgreement          {@code [t − 1]}: images given the ANN's class after step t; null with annCorrect
     * @param synapticOpsPerImage   cumulative synaptic operations per image at t = 1..T
     * @param neuronUpdatesPerImage neuron updates per image
     * @param spikesPerLayer        mean spikes per image per population, or null
     * @param wallNanos             wall time
     * @param synapticEvents        spike-driven synaptic operations over all images
     * @param stepsRun              the steps the images ran, summed
     * @param predictions           classes per image at the report's key steps ({@link #keyPredictions})
     * @param labels                every image's class
     */
    record Counts(int images, long[] correct, long[] spikeCountCorrect, Long annCorrect, long[] annAgreement,
            double[] synapticOpsPerImage, double neuronUpdatesPerImage, Map<String, Double> spikesPerLayer,
            long wallNanos, double synapticEvents, long stepsRun, Map<String, int[]> predictions, int[] labels) {
    }

    /** The report of {@code counts}, the one computation behind {@code simulate}, {@code run} and {@code merge}. */
    static SimulationReport of(String model, String data, String schedule, String readout, Counts counts,
            Map<String, Long> macs, Map<String, Object> lambdas, int threads, ExitFrontier.Point earlyExit,
            List<ExitFrontier.Point> frontier, ChipFigures chip) {
        int n = counts.images();
        int steps = counts.correct().length;
        Integer within1pp = null;
        Integer within01pp = null;
        Double annAccuracy = null;
        double[] agreement = null;
        if (counts.annCorrect() != null) {
            annAccuracy = (double) counts.annCorrect() / n;
            agreement = fractions(counts.annAgreement(), n);
            within1pp = convergence(counts.correct(), counts.annCorrect(), 0.01 * n);
            within01pp = convergence(counts.correct(), counts.annCorrect(), 0.001 * n);
        }
        long macsPerImage = macs.values().stream().mapToLong(Long::longValue).sum();
        long annOps = OPS_PER_MAC * macsPerImage;
        double[] ops = counts.synapticOpsPerImage();
        double[] ratio = Arrays.stream(ops).map(o -> o / macsPerImage).toArray();
        double seconds = counts.wallNanos() / 1e9;
        return new SimulationReport(model, data, n, steps, schedule, readout, annAccuracy,
                fractions(counts.correct(), n), agreement,
                counts.spikeCountCorrect() == null ? null : fractions(counts.spikeCountCorrect(), n),
                within1pp, within01pp, ops, ratio, macsPerImage, annOps, macs, counts.neuronUpdatesPerImage(),
                (double) counts.stepsRun() / n,
                earlyExit == null ? null : ExitPoint.of(earlyExit, annOps),
                frontier == null ? null : frontier.stream().map(point -> ExitPoint.of(point, annOps)).toList(),
                counts.spikesPerLayer(), lambdas, seconds, counts.stepsRun() / seconds,
                counts.synapticEvents() / seconds, threads, counts.predictions(), counts.labels(),
                chip == null ? null : chip.target(), chip == null ? null : chip.coresUsed(),
                chip == null ? null : chip.energyNjPerImage(), chip == null ? null : chip.spikesPerCore());
    }

    private static double[] fractions(long[] counts, int n) {
        return Arrays.stream(counts).mapToDouble(c -> (double) c / n).toArray();
    }

    /** Prints the summary, and writes the JSON report and the plots where they are asked for (null: not asked). */
    public void publish(PrintWriter out, Path reportFile, Path plotDirectory) throws IOException {
        printSummary(out);
        if (reportFile != null) {
            JsonReports.write(reportFile, this);
        }
        if (plotDirectory != null) {
            Plots.write(this, plotDirectory);
            out.println("plots: " + plotDirectory.resolve(Plots.ACCURACY_FILE) + ", "
                    + plotDirectory.resolve(Plots.ERROR_FILE) + (earlyExitFrontier == null ? ""
                            : ", " + plotDirectory.resolve(Plots.FRONTIER_FILE)));
        }
        out.flush();
    }

    /** Prints the report's summary: accuracy at the key steps, convergence, operations and speed. */
    void printSummary(PrintWriter out) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s on %d images, %s schedule, %s readout:",
                model, images, schedule, readout));
        if (annAccuracy != null) {
            line.append(String.format(Locale.ROOT, " ANN %.2f%%;", 100 * annAccuracy));
        }
        line.append(" SNN");
        for (int t : KEY_STEPS) {
            if (t <= steps) {
                line.append(String.format(Locale.ROOT, " t=%d %.2f%%", t, 100 * accuracy[t - 1]));
            }
        }
        if (!KEY_STEPS.contains(steps)) {
            line.append(String.format(Locale.ROOT, " t=%d %.2f%%", steps, 100 * accuracy[steps - 1]));
        }
        out.println(line);
        if (annAccuracy != null) {
            out.printf(Locale.ROOT, "converges to the ANN within 1 pp at t=%s, within 0.1 pp at t=%s; gives the ANN's "
                    + "class to %.2f%% of the images at t=%d%n", orNever(convergeWithin1pp),
                    orNever(convergeWithin01pp), 100 * annAgreement[steps - 1], steps);
        }
        int last = steps - 1;
        out.printf(Locale.ROOT, "synaptic ops per image at t=%d: %.4g = %.2f x the ANN's %d MACs = %.2f x its %d "
                + "ops (2 per MAC, as SNN Toolbox counts)%n", steps, synapticOpsPerImage[last],
                synapticOpsOverAnnMacs[last], annMacsPerImage, synapticOpsPerImage[last] / annOpsPerImage,
                annOpsPerImage);
        if (earlyExit != null) {
            out.printf(Locale.ROOT, "early exit at B=%s θ, k=%d: %s%n", Plots.bound(earlyExit.exitMargin()),
                    earlyExit.exitSteps(), describe(earlyExit));
        }
        if (earlyExitFrontier != null) {
            out.println("early-exit frontier (B in output thresholds θ, k steps):");
            for (ExitPoint point : earlyExitFrontier) {
                out.printf(Locale.ROOT, "  B=%-4s k=%d  %s%n", Plots.bound(point.exitMargin()), point.exitSteps(),
                        describe(point));
            }
        }
        if (target != null) {
            out.printf(Locale.ROOT, "on %s: %d cores, %s per image%n", target, coresUsed,
                    energyNjPerImage == null ? "no energy figures in the chip spec"
                            : String.format(Locale.ROOT, "%.4g nJ", energyNjPerImage));
        }
        out.printf(Locale.ROOT, "%.2f s on %d threads: %.0f images·steps/s, %.3g synaptic events/s%n",
                wallSeconds, threads, imagesStepsPerSecond, synapticEventsPerSecond);
    }

    /** An exit point's accuracy, operations per image (also over the ANN's 2·MACs) and steps per image. */
    private String describe(ExitPoint point) {
        String accuracyText = String.format(Locale.ROOT, "%.2f%%", 100 * point.accuracy());
        if (annAccuracy != null) {
            accuracyText += String.format(Locale.ROOT, " (%+.2f pp)", 100 * (point.accuracy() - annAccuracy));
        }
        return String.format(Locale.ROOT, "%s, %.4g ops per image = %.3f x the ANN's ops, %.1f steps per image",
                accuracyText, point.synapticOpsPerImage(), point.opsOverAnnOps(), point.stepsPerImage());
    }

    /** The operations SNN Toolbox counts per MAC of the ANN: a multiply and an add. */
    static final int OPS_PER_MAC = 2;

    private static String orNever(Integer step) {
        return step == null ? "never" : step.toString();
    }

    /** The steps whose predictions a report keeps, besides the last. */
    static final List<Integer> KEY_STEPS = List.of(25, 50, 100, 200);

    /** Predictions at the key steps that a run of {@code steps} reached, and at "T". */
    static Map<String, int[]> keyPredictions(int[][] byStep) {
        Map<String, int[]> kept = new LinkedHashMap<>();
        for (int t : KEY_STEPS) {
            if (t <= byStep.length) {
                kept.put(Integer.toString(t), byStep[t - 1]);
            }
        }
        kept.put("T", byStep[byStep.length - 1]);
        return kept;
    }

    /**
     * The first step t (1-based) from which |correct(t′) − annCorrect| ≤ tolerance for every t′ ≥ t, or null if the
     * last step is outside the tolerance. Counts, not fractions, so that no rounding decides a borderline step.
     */
    static Integer convergence(long[] correct, long annCorrect, double tolerance) {
        Integer first = null;
        for (int t = correct.length; t >= 1; t--) {
            if (Math.abs(correct[t - 1] - annCorrect) > tolerance) {
                break;
            }
            first = t;
        }
        return first;
    }
}
