package org.snnc.compiler.ir;

import java.util.Arrays;
import java.util.Optional;

/** What an integrate-and-fire neuron does to its membrane when it spikes. */
public enum ResetMode {
    /** v ← v − θ: the charge above threshold is kept, so the rate tracks the input exactly (Rueckauer et al. 2017). */
    SUBTRACT("subtract"),
    /** v ← 0: the surplus charge is lost, which lowers the rate of strongly driven neurons. */
    ZERO("zero");

    private final String spelling;

    ResetMode(String spelling) {
        this.spelling = spelling;
    }

    /** The word the network language and the command line use. */
    public String spelling() {
        return spelling;
    }

    public static Optional<ResetMode> fromSpelling(String word) {
        return Arrays.stream(values()).filter(m -> m.spelling.equals(word)).findFirst();
    }

    @Override
    public String toString() {
        return spelling;
    }
}
