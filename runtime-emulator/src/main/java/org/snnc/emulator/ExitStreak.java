package org.snnc.emulator;

import java.util.Optional;
import org.snnc.emulator.config.Configuration.EarlyExit;

/**
 * One image's count of consecutive steps whose readout margin reached the early exit's bound; the image settles at
 * the step that makes the count reach the exit's steps. Without an early exit no image ever settles.
 */
final class ExitStreak {
    private final Optional<EarlyExit> exit;
    private int length;

    ExitStreak(Optional<EarlyExit> exit) {
        this.exit = exit;
    }

    /** Starts an image. */
    void reset() {
        length = 0;
    }

    /** Counts a step whose readout margin is {@code margin}; whether the image settles at it. */
    boolean settles(long margin) {
        if (exit.isEmpty()) {
            return false;
        }
        length = margin >= exit.get().margin() ? length + 1 : 0;
        return length >= exit.get().steps();
    }
}
