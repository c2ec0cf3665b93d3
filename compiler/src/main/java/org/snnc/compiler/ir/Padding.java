package org.snnc.compiler.ir;

/** Zero (or, for max-pooling, minus-infinity) padding added on each side of a feature map, in pixels. */
public record Padding(int top, int left, int bottom, int right) {

    public static final Padding NONE = new Padding(0, 0, 0, 0);

    public Padding {
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new IllegalArgumentException("padding is non-negative");
        }
    }

    public static Padding symmetric(int vertical, int horizontal) {
        return new Padding(vertical, horizontal, vertical, horizontal);
    }

    public boolean isSymmetric() {
        return top == bottom && left == right;
    }
}
