package org.snnc.compiler.intsim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link IntegerReference} run of N images for T steps produced. Arrays indexed by step hold step t = 1 … T
 * at index t − 1; they are the result's own and callers must not modify them.
 */
public final class IntegerResult {

    private final int images;
    private final int steps;
    private final int[][] predictions;
    private final int[][] spikeCountPredictions;
    private final long[][] eventOps;
    private final long analogMacs;
    private final long neuronUpdatesPerImage;
    private final Map<String, long[]> spikes;
    private final Map<Integer, SpikeTrace> traces;
    private final long wallNanos;

    IntegerResult(int images, int steps, int[][] predictions, int[][] spikeCountPredictions, long[][] eventOps,
            long analogMacs, long neuronUpdatesPerImage, Map<String, long[]> spikes, Map<Integer, SpikeTrace> traces,
            long wallNanos) {
        this.images = images;
        this.steps = steps;
        this.predictions = predictions;
        this.spikeCountPredictions = spikeCountPredictions;
        this.eventOps = eventOps;
        this.analogMacs = analogMacs;
        this.neuronUpdatesPerImage = neuronUpdatesPerImage;
        this.spikes = Collections.unmodifiableMap(new LinkedHashMap<>(spikes));
        this.traces = Collections.unmodifiableMap(new LinkedHashMap<>(traces));
        this.wallNanos = wallNanos;
    }

    public int images() {
        return images;
    }

    public int steps() {
        return steps;
    }

    /** {@code [t − 1][image]}: the class by the graph's readout mode after step t. */
    public int[][] predictions() {
        return predictions;
    }

    /** {@code [t − 1][image]}: the class by the output population's spike counts n after step t. */
    public int[][] spikeCountPredictions() {
        return spikeCountPredictions;
    }

    /**
     * {@code [image][t − 1]}: the spike-driven synaptic operations of steps 1 … t (cumulative), without the analog
     * input's MACs: one per event and reached target neuron with a non-padding tap.
     */
    public long[][] eventOps() {
        return eventOps;
    }

    /** The analog input's multiply-accumulates, counted once per image (AnnMacs: padding products included). */
    public long analogMacs() {
        return analogMacs;
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

    /** Neuron updates per image: the populations' sizes summed, times T. */
    public long neuronUpdatesPerImage() {
        return neuronUpdatesPerImage;
    }

    /** Per population (definition order): the spikes of each image over the T steps, {@code [image]}. */
    public Map<String, long[]> spikesPerPopulation() {
        return spikes;
    }

    /** The trace of {@code image}, if it was asked for. */
    public Optional<SpikeTrace> trace(int image) {
        return Optional.ofNullable(traces.get(image));
    }

    public long wallNanos() {
        return wallNanos;
    }

    /** images · steps per second of wall-clock time. */
    public double imageStepsPerSecond() {
        return (double) images * steps / (wallNanos / 1e9);
    }
}
