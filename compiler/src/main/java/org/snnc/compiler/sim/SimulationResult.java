package org.snnc.compiler.sim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a simulation of N images for T steps measured. Arrays indexed by step hold step t = 1 … T at index t − 1.
 * The arrays are the result's own; callers must not modify them.
 */
public final class SimulationResult {

    private final int images;
    private final int steps;
    private final int[][] predictions;
    private final int[][] spikeCountPredictions;
    private final double[] synapticOpsPerImage;
    private final long synapticEvents;
    private final Map<String, Double> spikesPerLayer;
    private final double neuronUpdatesPerImage;
    private final ExitFrontier.ReadoutTrace readoutTrace;
    private final int[] stepsRun;
    private final long wallNanos;

    SimulationResult(int images, int steps, int[][] predictions, int[][] spikeCountPredictions,
            double[] synapticOpsPerImage, long synapticEvents, Map<String, Double> spikesPerLayer,
            double neuronUpdatesPerImage, ExitFrontier.ReadoutTrace readoutTrace, int[] stepsRun, long wallNanos) {
        this.images = images;
        this.steps = steps;
        this.predictions = predictions;
        this.spikeCountPredictions = spikeCountPredictions;
        this.synapticOpsPerImage = synapticOpsPerImage;
        this.synapticEvents = synapticEvents;
        this.spikesPerLayer = Collections.unmodifiableMap(new LinkedHashMap<>(spikesPerLayer));
        this.neuronUpdatesPerImage = neuronUpdatesPerImage;
        this.readoutTrace = readoutTrace;
        this.stepsRun = stepsRun;
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

    /** {@code [t − 1][image]}: the class by the output population's spike counts after step t. */
    public int[][] spikeCountPredictions() {
        return spikeCountPredictions;
    }

    /**
     * The mean synaptic operations per image up to step t: the analog input's ANN MACs (counted once, from t = 1)
     * plus the spike-driven operations of steps 1 … t.
     */
    public double[] synapticOpsPerImage() {
        return synapticOpsPerImage;
    }

    /** The spike-driven synaptic operations of all images over all steps, without the analog MACs. */
    public long synapticEvents() {
        return synapticEvents;
    }

    /** The mean number of spikes per image over the T steps, per population, in definition order. */
    public Map<String, Double> spikesPerLayer() {
        return spikesPerLayer;
    }

    /** The neuron updates per image over the steps run: the populations' sizes summed, times the mean steps run. */
    public double neuronUpdatesPerImage() {
        return neuronUpdatesPerImage;
    }

    /**
     * Per image and step: the class, the membrane readout's margin in thresholds θ and the synaptic operations
     * through the step (the analog input's MACs included), for {@link ExitFrontier}.
     */
    public ExitFrontier.ReadoutTrace readoutTrace() {
        return readoutTrace;
    }

    /** Per image: T, or the step at which the early exit stopped it. */
    public int[] stepsRun() {
        return stepsRun;
    }

    /** The wall-clock time of the simulation, in nanoseconds. */
    public long wallNanos() {
        return wallNanos;
    }

    /** images · steps per second of wall-clock time. */
    public double imageStepsPerSecond() {
        return (double) images * steps / (wallNanos / 1e9);
    }
}
