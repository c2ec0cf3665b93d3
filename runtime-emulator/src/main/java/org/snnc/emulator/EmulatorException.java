package org.snnc.emulator;

import java.util.List;

/**
 * A user error: a configuration the chip cannot be loaded with, an input that does not fit it, or, in strict mode, a
 * register that overflowed. The message is meant to be printed as it is, without a stack trace; {@link #problems()}
 * lists every problem found, one line each.
 */
public final class EmulatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public EmulatorException(String problem) {
        this(List.of(problem));
    }

    public EmulatorException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order found; the message joins them with newlines. */
    public List<String> problems() {
        return problems;
    }
}
