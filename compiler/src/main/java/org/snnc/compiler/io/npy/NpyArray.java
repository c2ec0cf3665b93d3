package org.snnc.compiler.io.npy;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/**
 * One NumPy array: its element type, its shape and its values in C (row-major) order, widened to {@code double}.
 *
 * <p>Unlike {@link Tensor}, a shape may be empty (a scalar, {@code ()}) and may hold zero dimensions
 * ({@code (0, 3)}); the rank is at most {@link #MAX_RANK}, NumPy's limit. Every value is exactly a value of the
 * element type ({@link NpyElementType#holds}), so writing an array and reading it back gives an equal array; -0.0 in
 * an integer array is stored as 0.0. The record is immutable: the constructor and the accessors copy the arrays.
 */
public record NpyArray(NpyElementType elementType, int[] shape, double[] values) {

    /** The largest rank NumPy supports, and so the largest snnc reads or writes. */
    public static final int MAX_RANK = 64;

    public NpyArray {
        if (elementType == null || shape == null || values == null) {
            throw new IllegalArgumentException("an array needs an element type, a shape and values");
        }
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds " + MAX_RANK);
        }
        shape = shape.clone();
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size = Math.min(size * d, Integer.MAX_VALUE + 1L);
        }
        if (size != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + size + " values, got " + values.length);
        }
        values = values.clone();
        boolean integral = !elementType.isFloat();
        for (int i = 0; i < values.length; i++) {
            if (!elementType.holds(values[i])) {
                throw new IllegalArgumentException(
                        "value " + values[i] + " at flat index " + i + " is not a " + elementType.code());
            }
            if (integral && values[i] == 0) {
                values[i] = 0.0; // folds -0.0
            }
        }
    }

    /**
     * A float tensor as an array, {@link NpyElementType#F4} when every value converts to {@code float} and back
     * unchanged (weights imported from float32 models do), otherwise {@link NpyElementType#F8}; lossless either way.
     */
    public static NpyArray of(Tensor tensor) {
        double[] values = tensor.toArray();
        boolean fitsFloat = Arrays.stream(values).allMatch(NpyElementType.F4::holds);
        return new NpyArray(fitsFloat ? NpyElementType.F4 : NpyElementType.F8, tensor.shape().toArray(), values);
    }

    /** A copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the values, in C order. */
    @Override
    public double[] values() {
        return values.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** The number of elements: 1 for a scalar, 0 when a dimension is 0. */
    public int size() {
        return values.length;
    }

    public double get(int flatIndex) {
        return values[flatIndex];
    }

    /**
     * This array as an IR tensor; a scalar becomes a rank-0 tensor of one value.
     *
     * @param source names the array in a diagnostic, e.g. {@code weights.npz[conv1.weight]}
     * @throws CompilationException {@link DiagnosticCode#WEIGHTS_FILE_MALFORMED} if a dimension is 0, since tensors
     *     are never empty
     */
    public Tensor toTensor(String source) {
        for (int d : shape) {
            if (d == 0) {
                throw CompilationException.of(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SourceSpan.ofFile(source), source,
                        "array has an empty dimension: shape " + shapeText());
            }
        }
        // Both classes are immutable and never write to the array, so they may share it.
        return Tensor.wrap(Shape.of(shape), values);
    }

    /** {@link #toTensor(String)} for an array that did not come from a file. */
    public Tensor toTensor() {
        return toTensor("<array>");
    }

    /** The shape as NumPy prints it: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    public String shapeText() {
        return shapeText(Arrays.stream(shape).mapToObj(Integer::toString).toArray(String[]::new));
    }

    static String shapeText(String[] dims) {
        return dims.length == 1 ? "(" + dims[0] + ",)" : "(" + String.join(", ", dims) + ")";
    }

    /** Equal element types and shapes, and bit-for-bit equal values ({@link Arrays#equals(double[], double[])}). */
    @Override
    public boolean equals(Object other) {
        return other instanceof NpyArray a && elementType == a.elementType && Arrays.equals(shape, a.shape)
                && Arrays.equals(values, a.values);
    }

    @Override
    public int hashCode() {
        return (31 * elementType.hashCode() + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(values);
    }

    /** The type, the shape and at most the first eight values: {@code NpyArray[f4 (2, 3): 1.0, 2.0, ...]}. */
    @Override
    public String toString() {
        String shown = Arrays.stream(values).limit(8).mapToObj(Double::toString).collect(Collectors.joining(", "));
        return "NpyArray[" + elementType.code() + " " + shapeText() + ": " + shown + (values.length > 8 ? ", ...]" : "]");
    }
}
