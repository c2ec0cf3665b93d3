package org.snnc.compiler.io.npy;

import java.util.Optional;

/**
 * The element types snnc reads from and writes to {@code .npy} files, named by their NumPy type code.
 *
 * <p>Every value of every type is exactly a {@code double}, except {@link #I8} beyond ±2<sup>53</sup>, which rounds
 * to the nearest double.
 */
public enum NpyElementType {
    /** {@code float32}. */
    F4("f4", 4),
    /** {@code float64}. */
    F8("f8", 8),
    /** {@code uint8}: 0 to 255. */
    U1("u1", 1),
    /** {@code int8}: -128 to 127. */
    I1("i1", 1),
    /** {@code int32}. */
    I4("i4", 4),
    /** {@code int64}; values beyond ±2<sup>53</sup> lose precision as doubles. */
    I8("i8", 8),
    /** {@code bool}: one byte, read as 0.0 or 1.0 (any non-zero byte is true). */
    B1("b1", 1);

    private final String code;
    private final int itemSize;

    NpyElementType(String code, int itemSize) {
        this.code = code;
        this.itemSize = itemSize;
    }

    /** The NumPy type code without byte order, e.g. {@code f4}. */
    public String code() {
        return code;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** The little-endian descriptor the writer emits: {@code <f4}, or {@code |u1} for single-byte types. */
    public String descr() {
        return (itemSize == 1 ? "|" : "<") + code;
    }

    /** The type of a NumPy code without byte order ({@code f4}), if snnc supports it. */
    public static Optional<NpyElementType> ofCode(String code) {
        for (NpyElementType type : values()) {
            if (type.code.equals(code)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code value} is exactly a value of this type, so that writing it and reading it back gives the same
     * double. Integer types accept -0.0 (it is written as 0).
     */
    public boolean holds(double value) {
        return switch (this) {
            case F8 -> true;
            case F4 -> Double.doubleToRawLongBits((float) value) == Double.doubleToRawLongBits(value);
            case B1 -> value == 0 || value == 1;
            case U1 -> isIntegerIn(value, 0, 255);
            case I1 -> isIntegerIn(value, -128, 127);
            case I4 -> isIntegerIn(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            // 2^63 is not an int64, but it is how int64 max reads as a double, and it writes back as int64 max.
            case I8 -> value == Math.rint(value) && value >= -0x1p63 && value <= 0x1p63;
        };
    }

    private static boolean isIntegerIn(double value, long min, long max) {
        return value == Math.rint(value) && value >= min && value <= max;
    }

    @Override
    public String toString() {
        return code;
    }
}
