package org.snnc.compiler.ir;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape of one value without its batch dimension: {@code [C, H, W]} for feature maps, {@code [N]} for vectors.
 * Every dimension is positive.
 */
public record Shape(List<Integer> dims) {

    public Shape {
        dims = List.copyOf(dims);
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("dimensions are positive: " + dims);
            }
        }
    }

    public static Shape of(int... dims) {
        return new Shape(Arrays.stream(dims).boxed().toList());
    }

    public int rank() {
        return dims.size();
    }

    public int dim(int axis) {
        return dims.get(axis);
    }

    /** The number of elements, the product of the dimensions. */
    public int size() {
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size > Integer.MAX_VALUE) {
            throw new ArithmeticException("shape " + this + " has more than 2^31-1 elements");
        }
        return (int) size;
    }

    public int[] toArray() {
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** As written in the network language: {@code [1,28,28]}. */
    @Override
    public String toString() {
        return dims.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
}
