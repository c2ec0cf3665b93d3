package org.snnc.compiler.ir;

/**
 * The factor that maps raw input data to the network's input values: {@code value = raw · numerator / denominator}.
 * It is kept as a ratio so that {@code scale 1/255} prints back exactly as written.
 */
public record Scale(double numerator, double denominator) {

    public static final Scale ONE = new Scale(1, 1);

    public Scale {
        if (!Double.isFinite(numerator) || !Double.isFinite(denominator) || numerator <= 0 || denominator <= 0) {
            throw new IllegalArgumentException("a scale is a positive finite ratio, got " + numerator + "/" + denominator);
        }
    }

    public double value() {
        return numerator / denominator;
    }
}
