package org.snnc.compiler.sim;

import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;

/**
 * Reads the class from the output population after each step (ReadoutMode's Javadoc), ties going to the lowest
 * class, from scores over the readout's {@link ReadoutWindow}: with S(t) = n·θ + v (membrane, softmax) or n (spike
 * count) after step t, n the population's spike counts so far, the class at step t is the argmax of
 * S(t) − S(s), s = the window's start; Poisson softmax draws, at step t, a spike for class k with probability p[k],
 * p = softmax((S(t) − S(s))/(t − s)), and takes the argmax of those spike counts.
 */
final class Decoder {

    private final ReadoutMode mode;
    private final ReadoutWindow window;
    private final int population;
    private final int spikes;
    private final double threshold;

    Decoder(ReadoutMode mode, ReadoutWindow window, Population output) {
        this.mode = mode;
        this.window = window;
        this.population = output.id();
        this.spikes = output.spikes();
        this.threshold = output.threshold();
    }

    ReadoutMode mode() {
        return mode;
    }

    ReadoutWindow window() {
        return window;
    }

    /** Counts this step's output spikes; call once per step, after the step. */
    void count(WorkerState state) {
        EventList out = state.events[spikes];
        for (int e = 0; e < out.size; e++) {
            state.classSpikes[out.index[e]]++;
        }
    }

    /** The class by spike count since the first step. */
    int bySpikeCount(WorkerState state) {
        return argmax(state.classSpikes);
    }

    /** S now, into {@code score}: n·θ + v, or n for the spike-count readout. */
    void score(WorkerState state, double[] score) {
        double[] v = state.potential[population];
        for (int k = 0; k < score.length; k++) {
            score[k] = mode == ReadoutMode.SPIKE_COUNT ? state.classSpikes[k]
                    : state.classSpikes[k] * threshold + v[k];
        }
    }

    /**
     * The class from the window's scores {@code windowed} = S(t) − S(s), over its {@code length} = t − s steps; the
     * softmax overwrites them.
     */
    int decide(WorkerState state, double[] windowed, int length) {
        return mode == ReadoutMode.POISSON_SOFTMAX ? sampleSoftmax(state, windowed, length) : argmax(windowed);
    }

    /** The lead of the highest windowed score over the second, in thresholds; the largest double for one class. */
    double margin(double[] windowed) {
        double top = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (double score : windowed) {
            if (score > top) {
                second = top;
                top = score;
            } else if (score > second) {
                second = score;
            }
        }
        return second == Double.NEGATIVE_INFINITY ? Double.MAX_VALUE : (top - second) / threshold;
    }

    /** One Poisson softmax step on the windowed membrane scores, then the argmax of the drawn spike counts. */
    private static int sampleSoftmax(WorkerState state, double[] score, int t) {
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
