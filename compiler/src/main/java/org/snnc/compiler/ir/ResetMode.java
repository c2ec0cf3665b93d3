package org.snnc.compiler.ir;

import java.util.Optional;

/** What an integrate-and-fire neuron does to its membrane when it spikes. */
public enum ResetMode implements Spelled {
    /** v ← v − θ: the charge above threshold is kept, so the rate tracks the input exactly (Rueckauer et al. 2017). */
    SUBTRACT("subtract"),
    /** v ← 0: the surplus charge is lost, which lowers the rate of strongly driven neurons. */
    ZERO("zero");

    private final String spelling;

    ResetMode(String spelling) {
        this.spelling = spelling;
    }

    /** The word the network language and the command line use. */
    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<ResetMode> fromSpelling(String word) {
        return Spelled.lookup(ResetMode.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
