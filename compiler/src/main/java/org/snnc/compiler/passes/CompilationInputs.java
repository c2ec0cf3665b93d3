package org.snnc.compiler.passes;

import java.util.Optional;

/**
 * The data a pipeline runs with, as opposed to the options of its passes.
 *
 * @param calibration the scaled calibration images, each flat in C order, if any were given
 * @param threads     the worker threads a pass may use for evaluating the ANN
 * @param progress    how long tasks show their progress
 */
public record CompilationInputs(Optional<double[][]> calibration, int threads, Progress.Factory progress) {

    public CompilationInputs {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** No calibration data, one thread, no progress display. */
    public static CompilationInputs none() {
        return new CompilationInputs(Optional.empty(), 1, Progress.NONE);
    }
}
