package org.snnc.compiler.ir;

import java.util.Optional;

/** How the network input enters a spiking network. */
public enum InputEncoding implements Spelled {
    /** The scaled input x itself each step: the first weighted layer receives W·x as a constant current. */
    ANALOG("analog"),
    /** Each element spikes each step with probability clamp(x, 0, 1), from a seeded generator. */
    POISSON("poisson");

    private final String spelling;

    InputEncoding(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<InputEncoding> fromSpelling(String word) {
        return Spelled.lookup(InputEncoding.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
