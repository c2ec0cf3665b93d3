package org.snnc.compiler.frontend.text;

import org.snnc.grammar.SnnParser;

/** Reads and writes the network language's numbers so that printing and parsing round-trip exactly. */
public final class Numbers {

    private Numbers() {
    }

    static double parse(SnnParser.NumberContext number) {
        return Double.parseDouble(number.getText());
    }

    /**
     * The shortest text this class writes for {@code value}: an integral value without a fraction ({@code 255}),
     * anything else as {@link Double#toString}, which parses back to the same double.
     */
    public static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
