package org.snnc.compiler.sim;

import java.util.SplittableRandom;

/**
 * The spike sources that read the image: the analog, the Poisson and the sequence
 * {@link org.snnc.compiler.ir.SpikeEncoder}.
 */
final class Encoders {

    private Encoders() {
    }

    /** The analog encoder: every nonzero pixel x[k] as an event of value x[k] (it runs once per image). */
    static Operation analog(int out) {
        return state -> {
            EventList y = state.events[out];
            y.clear();
            double[] x = state.image;
            for (int k = 0; k < x.length; k++) {
                if (x[k] != 0.0) {
                    y.add(k, x[k]);
                }
            }
            return 0;
        };
    }

    /**
     * The Poisson encoder: pixel k spikes (value 1) when a uniform draw u ∈ [0, 1) is below x[k], which has
     * probability clamp(x[k], 0, 1). Every pixel draws once per step, in index order, from this image's generator.
     */
    static Operation poisson(int out, int encoder) {
        return state -> {
            EventList y = state.events[out];
            y.clear();
            double[] x = state.image;
            SplittableRandom random = state.encoderRandom[encoder];
            for (int k = 0; k < x.length; k++) {
                if (random.nextDouble() < x[k]) {
                    y.add(k, 1.0);
                }
            }
            return 0;
        };
    }

    /**
     * The sequence encoder: the image holds frames of {@code frameSize} values, and at step t (from 0) every nonzero
     * x[t][k] of frame t is an event of value x[t][k]; once the frames are used up, the input is silent.
     */
    static Operation sequence(int out, int frameSize) {
        return state -> {
            EventList y = state.events[out];
            y.clear();
            double[] x = state.image;
            int start = state.step * frameSize;
            if (start + frameSize <= x.length) {
                for (int k = 0; k < frameSize; k++) {
                    if (x[start + k] != 0.0) {
                        y.add(k, x[start + k]);
                    }
                }
            }
            return 0;
        };
    }

    /** The generator of {@code seed} for image {@code image}: a stream of its own, whatever thread runs it. */
    static SplittableRandom generator(long seed, int image) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + image);
    }
}
