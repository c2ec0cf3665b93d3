package org.snnc.compiler.ir;

import java.util.Arrays;

/**
 * An immutable float64 tensor in C (row-major) order. Weights keep the layout of their framework: a convolution
 * kernel is {@code [filters, channels/groups, kH, kW]}, a dense matrix is {@code [units, inputs]}.
 */
public final class Tensor {

    private final Shape shape;
    private final double[] values;

    private Tensor(Shape shape, double[] values) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException("shape " + shape + " holds " + shape.size() + " values, got " + values.length);
        }
        this.shape = shape;
        this.values = values;
    }

    /** A tensor holding a copy of {@code values}. */
    public static Tensor of(Shape shape, double[] values) {
        return new Tensor(shape, values.clone());
    }

    /** A tensor that takes ownership of {@code values}; the caller must not write to the array afterwards. */
    public static Tensor wrap(Shape shape, double[] values) {
        return new Tensor(shape, values);
    }

    public Shape shape() {
        return shape;
    }

    public int size() {
        return values.length;
    }

    public double get(int flatIndex) {
        return values[flatIndex];
    }

    /**
     * The values themselves, in C order, not a copy: for kernels that read large tensors (a VGG-16 holds 138 M
     * weights) without doubling their memory. A tensor is immutable, so the caller must never write to the array.
     */
    public double[] backingArray() {
        return values;
    }

    /** A copy of the values, in C order. */
    public double[] toArray() {
        return values.clone();
    }

    /** The index of the first NaN or infinite value, or -1 if every value is finite. */
    public int firstNonFinite() {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor t && shape.equals(t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Tensor" + shape;
    }
}
