package org.snnc.compiler.ir;

import java.util.Arrays;

/**
 * An immutable float64 tensor in C (row-major) order. Weights keep the layout of their framework: a convolution
 * kernel is {@code [filters, channels/groups, kH, kW]}, a dense matrix is {@code [units, inputs]}.
 *
 * <p>A tensor whose every value is exactly a float32 (weights imported from ONNX, quantized weights m·2^e) holds them
 * in single precision, half the memory; its values are still those float64 values, bit for bit, and it equals a
 * tensor of the same values held in double precision.
 */
public final class Tensor {

    private static final int UNKNOWN = -2;

    private final Shape shape;
    /** The values in double precision, or null when {@link #singles} holds them. */
    private final double[] values;
    private final float[] singles;
    /** {@link #firstNonFinite()} once computed, else {@link #UNKNOWN}. */
    private int firstNonFinite = UNKNOWN;

    private Tensor(Shape shape, double[] values, float[] singles) {
        int length = values != null ? values.length : singles.length;
        if (shape.size() != length) {
            throw new IllegalArgumentException("shape " + shape + " holds " + shape.size() + " values, got " + length);
        }
        this.shape = shape;
        this.values = values;
        this.singles = singles;
    }

    /** A tensor holding a copy of {@code values}. */
    public static Tensor of(Shape shape, double[] values) {
        float[] singles = singles(values);
        return singles != null ? new Tensor(shape, null, singles) : new Tensor(shape, values.clone(), null);
    }

    /** A tensor that takes ownership of {@code values}; the caller must not write to the array afterwards. */
    public static Tensor wrap(Shape shape, double[] values) {
        float[] singles = singles(values);
        return singles != null ? new Tensor(shape, null, singles) : new Tensor(shape, values, null);
    }

    /** {@code values} as floats if every one converts to float and back unchanged (bit for bit), else null. */
    private static float[] singles(double[] values) {
        for (double v : values) {
            if (Double.doubleToRawLongBits((float) v) != Double.doubleToRawLongBits(v)) {
                return null;
            }
        }
        float[] singles = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            singles[i] = (float) values[i];
        }
        return singles;
    }

    public Shape shape() {
        return shape;
    }

    public int size() {
        return values != null ? values.length : singles.length;
    }

    public double get(int flatIndex) {
        return values != null ? values[flatIndex] : singles[flatIndex];
    }

    /**
     * The values in C order without a copy where possible, for kernels that read large tensors (a VGG-16 holds 138 M
     * weights): the tensor's own array when it holds double precision, which the caller must never write to, else
     * a new array of the values.
     */
    public double[] backingArray() {
        return values != null ? values : toArray();
    }

    /** A copy of the values, in C order. */
    public double[] toArray() {
        if (values != null) {
            return values.clone();
        }
        double[] copy = new double[singles.length];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = singles[i];
        }
        return copy;
    }

    /**
     * The index of the first NaN or infinite value, or -1 if every value is finite. The verifier asks after every
     * pass, and most tensors pass through a pass unchanged, so the answer is kept; two threads asking at once both
     * compute the same int, so the unsynchronized write is harmless.
     */
    public int firstNonFinite() {
        if (firstNonFinite == UNKNOWN) {
            int found = -1;
            for (int i = 0; i < size() && found < 0; i++) {
                if (!Double.isFinite(get(i))) {
                    found = i;
                }
            }
            firstNonFinite = found;
        }
        return firstNonFinite;
    }

    /** Equal shapes and values, compared as {@link Arrays#equals(double[], double[])} does, however they are held. */
    @Override
    public boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        if (!(other instanceof Tensor t) || !shape.equals(t.shape)) {
            return false;
        }
        if (values != null && t.values != null) {
            return Arrays.equals(values, t.values);
        }
        if (singles != null && t.singles != null && Arrays.equals(singles, t.singles)) {
            return true;
        }
        for (int i = 0; i < size(); i++) {
            if (Double.doubleToLongBits(get(i)) != Double.doubleToLongBits(t.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@link Arrays#hashCode(double[])} of the values, with the shape's hash. */
    @Override
    public int hashCode() {
        int hash = 1;
        for (int i = 0; i < size(); i++) {
            long bits = Double.doubleToLongBits(get(i));
            hash = 31 * hash + (int) (bits ^ (bits >>> 32));
        }
        return 31 * shape.hashCode() + hash;
    }

    @Override
    public String toString() {
        return "Tensor" + shape;
    }
}
