package org.snnc.compiler.intsim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link IntegerReference} run of N images for T steps produced. Arrays indexed by step hold step t = 1 … T
 * at index t − 1; they are the result's own and callers must not modify them.
 *
 * @param images                how many images ran
 * @param steps                 T
 * @param predictions           {@code [t − 1][image]}: the class by the graph's readout mode after step t
 * @param spikeCountPredictions {@code [t − 1][image]}: the class by the output population's spike counts n after t
 * @param eventOps              {@code [image][t − 1]}: the spike-driven synaptic operations of steps 1 … t
 *                              (cumulative), without the analog input's MACs: one per event and reached target
 *                              neuron with a non-padding tap; after an early exit, those of the exit step
 * @param margins               {@code [image][t − 1]}: the readout's top score minus the runner-up's after step t
 *                              (membrane LSBs, or spikes for a spike-count readout)
 * @param stepsRun              per image: T, or the step at which the early exit stopped it; the predictions of
 *                              later steps repeat that step's
 * @param analogMacs            the analog input's multiply-accumulates, counted once per image (AnnMacs: padding
 *                              products included)
 * @param neuronUpdatesPerImage the populations' sizes summed, times T
 * @param spikesPerPopulation   per population (definition order): the spikes of each image over the T steps
 * @param traces                the spike traces of the images that asked for one, by image
 * @param wallNanos             wall-clock time
 */
public record IntegerResult(
        int images,
        int steps,
        int[][] predictions,
        int[][] spikeCountPredictions,
        long[][] eventOps,
        long[][] margins,
        int[] stepsRun,
        long analogMacs,
        long neuronUpdatesPerImage,
        Map<String, long[]> spikesPerPopulation,
        Map<Integer, SpikeTrace> traces,
        long wallNanos) {

    public IntegerResult {
        spikesPerPopulation = Collections.unmodifiableMap(new LinkedHashMap<>(spikesPerPopulation));
        traces = Collections.unmodifiableMap(new LinkedHashMap<>(traces));
    }

    /** The cumulative synaptic operations of {@code image} after each step: analog MACs + {@link #eventOps()}. */
    public long[] synapticOps(int image) {
        long[] ops = new long[steps];
        for (int t = 0; t < steps; t++) {
            ops[t] = analogMacs + eventOps[image][t];
        }
        return ops;
    }

    /** The mean over images of {@link #synapticOps(int)}, as the float simulator reports it. */
    public double[] meanSynapticOpsPerImage() {
        double[] mean = new double[steps];
        for (int t = 0; t < steps; t++) {
            long sum = 0;
            for (int image = 0; image < images; image++) {
                sum += eventOps[image][t];
            }
            mean[t] = images == 0 ? 0.0 : analogMacs + (double) sum / images;
        }
        return mean;
    }

    /** The trace of {@code image}, if it was asked for. */
    public Optional<SpikeTrace> trace(int image) {
        return Optional.ofNullable(traces.get(image));
    }

    /** images · steps per second of wall-clock time. */
    public double imageStepsPerSecond() {
        return (double) images * steps / (wallNanos / 1e9);
    }
}
