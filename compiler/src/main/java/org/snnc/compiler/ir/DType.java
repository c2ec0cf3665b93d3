package org.snnc.compiler.ir;

import java.util.Optional;

/** The element type of a network input, as written in the network language ({@code u8[1,28,28]}). */
public enum DType implements Spelled {
    U8("u8"),
    I8("i8"),
    I32("i32"),
    I64("i64"),
    F32("f32"),
    F64("f64");

    private final String spelling;

    DType(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<DType> fromSpelling(String text) {
        return Spelled.lookup(DType.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
