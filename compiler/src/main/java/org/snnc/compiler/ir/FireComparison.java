package org.snnc.compiler.ir;

import java.util.Optional;

/** How a neuron compares its membrane with its threshold θ to decide whether it spikes. */
public enum FireComparison implements Spelled {
    /** Spike when v ≥ θ, as the conversion conventions and most chips do. */
    GE("ge"),
    /** Spike when v &gt; θ, as Loihi does. */
    GT("gt");

    private final String spelling;

    FireComparison(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<FireComparison> fromSpelling(String word) {
        return Spelled.lookup(FireComparison.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
