package org.snnc.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code snnc simulate --report} writes; keys are snake_case and stable, because scripts read them. The schema,
 * units included, is documented in docs/report-schema.md.
 *
 * @param model                     the model file
 * @param data                      the labelled data set
 * @param images                    how many images were simulated
 * @param steps                     the simulated steps T
 * @param schedule                  pipelined or sync
 * @param readout                   the default readout (membrane, spikecount or softmax)
 * @param annAccuracy               the float ANN's accuracy on the same images; null for an already spiking input
 * @param accuracy                  the default readout's accuracy at t = 1..T (fractions)
 * @param accuracySpikecount        the spike-count readout's accuracy at t = 1..T
 * @param convergeWithin1pp         the first t from which |accuracy − ANN| ≤ 1 pp at every later step, or null
 * @param convergeWithin01pp        the same within 0.1 pp
 * @param synapticOpsPerImage       cumulative synaptic operations (accumulates) per image at t = 1..T
 * @param synapticOpsOverAnnMacs    synapticOpsPerImage divided by annMacsPerImage, at t = 1..T
 * @param annMacsPerImage           multiply-accumulates of one ANN inference
 * @param annMacsPerLayer           the same per weighted layer
 * @param neuronUpdatesPerImage     IF neuron updates per image over T steps
 * @param spikesPerLayer            mean spikes per image of each IF population over T steps
 * @param lambdas                   normalization's λ per layer, when this run converted the model
 * @param wallSeconds               simulation wall time
 * @param imagesStepsPerSecond      images × steps / wall seconds
 * @param synapticEventsPerSecond   spike-driven synaptic operations / wall seconds
 * @param threads                   worker threads
 * @param predictions               default-readout classes per image at t = 25, 50, 100, 200 (those ≤ T) and "T"
 * @param labels                    the true classes
 */
record SimulationReport(String model, String data, int images, int steps, String schedule, String readout,
        Double annAccuracy, double[] accuracy, double[] accuracySpikecount,
        @JsonProperty("converge_within_1pp") Integer convergeWithin1pp,
        @JsonProperty("converge_within_0_1pp") Integer convergeWithin01pp, double[] synapticOpsPerImage, double[] synapticOpsOverAnnMacs,
        long annMacsPerImage, Map<String, Long> annMacsPerLayer, double neuronUpdatesPerImage,
        Map<String, Double> spikesPerLayer, Object lambdas, double wallSeconds, double imagesStepsPerSecond,
        double synapticEventsPerSecond, int threads, Map<String, int[]> predictions, int[] labels) {

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
    static Integer convergence(int[] correct, int annCorrect, double tolerance) {
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
