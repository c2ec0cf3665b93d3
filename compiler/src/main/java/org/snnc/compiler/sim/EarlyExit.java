package org.snnc.compiler.sim;

/**
 * The early-exit rule: an image stops after the first step t at which its membrane readout's margin, the top score
 * θ·n + v (+ q) minus the runner-up's, has been at least {@code margin} in each of the {@code steps} steps
 * t − steps + 1 … t. Its class is then the one read off at t, and nothing of later steps (synaptic operations,
 * spikes) is counted.
 *
 * <p>The margin is in the executor's unit: membrane LSBs for the {@link org.snnc.compiler.intsim.IntegerReference}
 * (and the chip), the output population's threshold θ for the {@link SpikingSimulator}. A bound of B thresholds is
 * {@link #lsbs}(B, θ) LSBs.
 *
 * @param margin the least margin that counts towards the streak, ≥ 0
 * @param steps  k, the consecutive steps the margin must hold, ≥ 1
 */
public record EarlyExit(double margin, int steps) {

    public EarlyExit {
        if (!(margin >= 0) || Double.isInfinite(margin) || steps < 1) {
            throw new IllegalArgumentException("an early exit needs a finite margin ≥ 0 and steps ≥ 1, got " + margin
                    + " and " + steps);
        }
    }

    /**
     * B thresholds as a bound on integer margins in membrane LSBs: ⌈B·θ⌉, the least integer margin m with m ≥ B·θ,
     * so that an integer margin reaches it exactly when it reaches B·θ.
     */
    public static long lsbs(double thresholds, long theta) {
        return (long) Math.ceil(thresholds * theta);
    }

    /** A new streak, for one image. */
    public Streak streak() {
        return new Streak();
    }

    /** The step (from 1) at which an image with these margins after steps 1, 2, … settles, or 0 if it never does. */
    public int exitStep(double[] margins) {
        Streak streak = streak();
        for (int t = 0; t < margins.length; t++) {
            if (streak.settles(margins[t])) {
                return t + 1;
            }
        }
        return 0;
    }

    /** One image's count of consecutive steps whose margin reached the bound. */
    public final class Streak {
        private int length;

        private Streak() {
        }

        /** Counts a step whose readout margin is {@code stepMargin}; whether the image settles at it. */
        public boolean settles(double stepMargin) {
            length = stepMargin >= margin ? length + 1 : 0;
            return length >= steps;
        }
    }
}
