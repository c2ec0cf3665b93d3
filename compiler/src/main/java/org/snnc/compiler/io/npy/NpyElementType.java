package org.snnc.compiler.io.npy;

import java.util.Optional;

/**
 * The element types snnc reads from and writes to {@code .npy} files, named by their NumPy type code.
 *
 * <p>Every value of every type is exactly a {@code double}, except {@link #I8} and {@link #U8} beyond
 * ±2<sup>53</sup>, which round to the nearest double.
 */
public enum NpyElementType {
    /** {@code float16}: IEEE 754 binary16, 1 sign, 5 exponent and 10 fraction bits. */
    F2("f2", 2),
    /** {@code float32}. */
    F4("f4", 4),
    /** {@code float64}. */
    F8("f8", 8),
    /** {@code uint8}: 0 to 255. */
    U1("u1", 1),
    /** {@code int8}: -128 to 127. */
    I1("i1", 1),
    /** {@code uint16}: 0 to 65535. */
    U2("u2", 2),
    /** {@code int16}: -32768 to 32767. */
    I2("i2", 2),
    /** {@code uint32}: 0 to 2<sup>32</sup> − 1. */
    U4("u4", 4),
    /** {@code int32}. */
    I4("i4", 4),
    /** {@code uint64}; values beyond 2<sup>53</sup> lose precision as doubles. */
    U8("u8", 8),
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

    /** Whether this is a floating-point type: {@link #F2}, {@link #F4} or {@link #F8}. */
    public boolean isFloat() {
        return this == F2 || this == F4 || this == F8;
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
            case F2 -> Float16.holds(value);
            case B1 -> value == 0 || value == 1;
            case U1 -> isIntegerIn(value, 0, 255);
            case I1 -> isIntegerIn(value, -128, 127);
            case U2 -> isIntegerIn(value, 0, 65_535);
            case I2 -> isIntegerIn(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case U4 -> isIntegerIn(value, 0, 0xFFFF_FFFFL);
            // 2^64 is not a uint64, but it is how uint64 max reads as a double, and it writes back as uint64 max.
            case U8 -> value == Math.rint(value) && value >= 0 && value <= 0x1p64;
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
