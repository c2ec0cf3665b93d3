package org.snnc.compiler.ir;

import java.util.Optional;

/** What a fixed-point register does with a value outside its signed range [−2^(b−1), 2^(b−1)−1]. */
public enum Overflow implements Spelled {
    /** Clamp to the nearest end of the range. */
    SATURATE("saturate"),
    /** Keep the low b bits, two's complement, as an adder without overflow logic does. */
    WRAP("wrap");

    private final String spelling;

    Overflow(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<Overflow> fromSpelling(String word) {
        return Spelled.lookup(Overflow.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
