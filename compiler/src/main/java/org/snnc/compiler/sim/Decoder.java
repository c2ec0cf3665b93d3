package org.snnc.compiler.sim;

import org.snnc.compiler.ir.ReadoutMode;

/**
 * Reads the class from the output population after each step (ReadoutMode's Javadoc), ties going to the lowest
 * class: membrane = argmax(n·θ + v), spike count = argmax(n), with n the population's spike counts so far; Poisson
 * softmax draws, at step t, a spike for class k with probability p[k], p = softmax((n·θ + v)/t), and takes the
 * argmax of those spike counts.
 */
final class Decoder {

    private final ReadoutMode mode;
    private final int population;
    private final int spikes;
    private final double threshold;

    Decoder(ReadoutMode mode, Population output) {
        this.mode = mode;
        this.population = output.id();
        this.spikes = output.spikes();
        this.threshold = output.threshold();
    }

    ReadoutMode mode() {
        return mode;
    }

    /** Counts this step's output spikes; call once per step, after the step. */
    void count(WorkerState state) {
        EventList out = state.events[spikes];
        for (int e = 0; e < out.size; e++) {
            state.classSpikes[out.index[e]]++;
        }
    }

    /** The class by spike count. */
    int bySpikeCount(WorkerState state) {
        return argmax(state.classSpikes);
    }

    /** The class by the graph's readout mode at step {@code t} (1-based). */
    int decide(WorkerState state, int t) {
        if (mode == ReadoutMode.SPIKE_COUNT) {
            return bySpikeCount(state);
        }
        double[] score = state.scores;
        double[] v = state.potential[population];
        for (int k = 0; k < score.length; k++) {
            score[k] = state.classSpikes[k] * threshold + v[k];
        }
        if (mode == ReadoutMode.MEMBRANE) {
            return argmax(score);
        }
        return sampleSoftmax(state, t);
    }

    /**
     * The membrane readout's margin in thresholds: (the highest n·θ + v minus the second highest) / θ, the largest
     * double for a single class.
     */
    double membraneMargin(WorkerState state) {
        double[] v = state.potential[population];
        double top = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v.length; k++) {
            double score = state.classSpikes[k] * threshold + v[k];
            if (score > top) {
                second = top;
                top = score;
            } else if (score > second) {
                second = score;
            }
        }
        return second == Double.NEGATIVE_INFINITY ? Double.MAX_VALUE : (top - second) / threshold;
    }

    /** One Poisson softmax step on the membrane scores, then the argmax of the drawn spike counts. */
    private static int sampleSoftmax(WorkerState state, int t) {
        double[] score = state.scores;
        double highest = score[argmax(score)];
        double sum = 0.0;
        for (int k = 0; k < score.length; k++) {
            score[k] = Math.exp((score[k] - highest) / t);
            sum += score[k];
        }
        int[] n = state.readoutSpikes;
        for (int k = 0; k < score.length; k++) {
            if (state.readoutRandom.nextDouble() < score[k] / sum) {
                n[k]++;
            }
        }
        return argmax(n);
    }

    private static int argmax(int[] x) {
        int best = 0;
        for (int k = 1; k < x.length; k++) {
            if (x[k] > x[best]) {
                best = k;
            }
        }
        return best;
    }

    private static int argmax(double[] x) {
        int best = 0;
        for (int k = 1; k < x.length; k++) {
            if (x[k] > x[best]) {
                best = k;
            }
        }
        return best;
    }
}
