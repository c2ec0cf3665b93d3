package org.snnc.compiler.sim;

import java.util.Optional;

/**
 * How to run a spiking simulation.
 *
 * @param schedule when populations see their sources' spikes
 * @param steps    the number of time steps T each image is simulated for, at least 1
 * @param threads   the number of worker threads over images, at least 1; results do not depend on it
 * @param earlyExit stop each image when its membrane readout settles, the margin in output thresholds θ
 */
public record SimulationOptions(Schedule schedule, int steps, int threads, Optional<EarlyExit> earlyExit) {

    /** Options without an early exit. */
    public SimulationOptions(Schedule schedule, int steps, int threads) {
        this(schedule, steps, threads, Optional.empty());
    }

    public SimulationOptions {
        if (schedule == null) {
            throw new IllegalArgumentException("a simulation needs a schedule");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }
}
