package org.snnc.compiler.io.npy;

/**
 * IEEE 754 binary16 ({@code float16}) values as bits: 1 sign bit s, 5 exponent bits e (bias 15) and 10 fraction
 * bits f. A normal value (1 ≤ e ≤ 30) is (−1)<sup>s</sup>·(1024 + f)·2<sup>e − 25</sup>, a subnormal one (e = 0)
 * (−1)<sup>s</sup>·f·2<sup>−24</sup>; e = 31 is infinity (f = 0) or NaN. Every binary16 value is exactly a double.
 */
final class Float16 {

    /** The largest finite binary16 value, (2 − 2<sup>−10</sup>)·2<sup>15</sup>. */
    private static final double MAX = 65_504;
    private static final int FRACTION_BITS = 10;
    private static final int EXPONENT_BIAS = 15;
    private static final int MIN_NORMAL_EXPONENT = -14;

    private Float16() {
    }

    /** The value of the bits {@code half}. */
    static double toDouble(short half) {
        int bits = half & 0xFFFF;
        double sign = (bits & 0x8000) != 0 ? -1 : 1;
        int exponent = (bits >>> FRACTION_BITS) & 0x1F;
        int fraction = bits & 0x3FF;
        if (exponent == 0x1F) {
            return fraction == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (exponent == 0) {
            return sign * Math.scalb((double) fraction, MIN_NORMAL_EXPONENT - FRACTION_BITS);
        }
        return sign * Math.scalb((double) (1024 + fraction), exponent - EXPONENT_BIAS - FRACTION_BITS);
    }

    /** Whether {@code value} is exactly a binary16 value (infinities and NaN are). */
    static boolean holds(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return true;
        }
        double magnitude = Math.abs(value);
        if (magnitude > MAX) {
            return false;
        }
        int exponent = Math.max(Math.getExponent(magnitude), MIN_NORMAL_EXPONENT);
        double steps = Math.scalb(magnitude, FRACTION_BITS - exponent);
        return steps == Math.rint(steps);
    }

    /** The bits of {@code value}, which must be exactly a binary16 value ({@link #holds}). */
    static short fromDouble(double value) {
        if (Double.isNaN(value)) {
            return (short) 0x7E00;
        }
        int sign = (Double.doubleToRawLongBits(value) < 0) ? 0x8000 : 0;
        double magnitude = Math.abs(value);
        if (Double.isInfinite(magnitude)) {
            return (short) (sign | 0x7C00);
        }
        int exponent = Math.getExponent(magnitude);
        if (magnitude == 0 || exponent < MIN_NORMAL_EXPONENT) {
            return (short) (sign | (int) Math.scalb(magnitude, FRACTION_BITS - MIN_NORMAL_EXPONENT));
        }
        int fraction = (int) Math.scalb(magnitude, FRACTION_BITS - exponent) - 1024;
        return (short) (sign | (exponent + EXPONENT_BIAS) << FRACTION_BITS | fraction);
    }
}
