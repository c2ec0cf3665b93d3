package org.snnc.compiler.frontend.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape arithmetic that exporters leave in a graph, evaluated on constants: PyTorch writes an explicit
 * {@code F.pad}'s pads as {@code ConstantOfShape → Concat → Reshape → Slice → Transpose → Reshape → Cast}. Each
 * method follows its operator's ONNX specification and says why it cannot when the operands are outside it; the
 * importer turns the message into a diagnostic against the node.
 */
final class ConstantFolding {

    /** Why a constant operator cannot be evaluated. */
    static final class FoldException extends Exception {
        FoldException(String message) {
            super(message);
        }
    }

    private ConstantFolding() {
    }

    /** ConstantOfShape: a tensor of dimensions {@code shape} whose every element is {@code value}. */
    static OnnxConstant constantOfShape(long[] shape, double value) throws FoldException {
        List<Long> dims = new ArrayList<>();
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new FoldException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            dims.add(d);
            size = Math.multiplyExact(size, d);
        }
        if (size > Integer.MAX_VALUE) {
            throw new FoldException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
        }
        double[] values = new double[(int) size];
        Arrays.fill(values, value);
        return new OnnxConstant(dims, values);
    }

    /**
     * Reshape: the same values under the target dimensions, where 0 copies the operand's dimension at that index
     * (unless {@code allowZero}) and one −1 takes what is left.
     */
    static OnnxConstant reshape(OnnxConstant data, long[] target, boolean allowZero) throws FoldException {
        long[] dims = resolveReshape(data.dims().stream().mapToLong(Long::longValue).toArray(), target, allowZero);
        return new OnnxConstant(Arrays.stream(dims).boxed().toList(), data.values());
    }

    /** A Reshape target resolved against the operand's dimensions {@code in}, as {@link #reshape} states. */
    static long[] resolveReshape(long[] in, long[] target, boolean allowZero) throws FoldException {
        long size = Arrays.stream(in).reduce(1, Math::multiplyExact);
        long[] out = target.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new FoldException("target " + Arrays.toString(target) + " copies dimension " + i
                            + " of a rank-" + in.length + " operand");
                }
                out[i] = in[i];
            }
            if (out[i] == -1 && inferred < 0) {
                inferred = i;
            } else if (out[i] < 0) {
                throw new FoldException("target " + Arrays.toString(target) + " has a negative dimension");
            } else {
                known *= out[i];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || size % known != 0) {
                throw new FoldException("target " + Arrays.toString(target) + " does not divide " + size + " values");
            }
            out[inferred] = size / known;
        } else if (known != size) {
            throw new FoldException("target " + Arrays.toString(target) + " holds " + known + " values, not " + size);
        }
        return out;
    }

    /** Transpose: output axis i is input axis perm[i]; no perm reverses the axes. */
    static OnnxConstant transpose(OnnxConstant data, long[] perm) throws FoldException {
        int rank = data.rank();
        int[] p = new int[rank];
        if (perm == null) {
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
        } else {
            boolean[] seen = new boolean[rank];
            if (perm.length != rank) {
                throw new FoldException("perm " + Arrays.toString(perm) + " does not permute " + rank + " axes");
            }
            for (int i = 0; i < rank; i++) {
                if (perm[i] < 0 || perm[i] >= rank || seen[(int) perm[i]]) {
                    throw new FoldException("perm " + Arrays.toString(perm) + " does not permute " + rank + " axes");
                }
                seen[(int) perm[i]] = true;
                p[i] = (int) perm[i];
            }
        }
        long[] inDims = data.dims().stream().mapToLong(Long::longValue).toArray();
        long[] inStrides = strides(inDims);
        List<Long> outDims = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            outDims.add(inDims[p[i]]);
        }
        double[] out = new double[data.size()];
        int[] index = new int[rank];
        for (int flat = 0; flat < out.length; flat++) {
            long source = 0;
            for (int i = 0; i < rank; i++) {
                source += index[i] * inStrides[p[i]];
            }
            out[flat] = data.values()[(int) source];
            for (int i = rank - 1; i >= 0 && ++index[i] == outDims.get(i); i--) {
                index[i] = 0;
            }
        }
        return new OnnxConstant(outDims, out);
    }

    /**
     * What a Slice keeps along each axis of a tensor of {@code dims}: the first index, the step and the count, as
     * {@code {first, step, count}} arrays indexed by axis. Along each of {@code axes} (default all, negative counting
     * from the end) it keeps the indices start, start + step, … before end, with starts and ends clamped as the
     * specification states (negative ones count from the end; for a negative step the range runs down to end + 1);
     * every other axis is kept whole.
     */
    static long[][] sliceRanges(long[] dims, long[] starts, long[] ends, long[] axes, long[] steps)
            throws FoldException {
        int rank = dims.length;
        if (starts.length != ends.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw new FoldException("starts, ends, axes and steps differ in length");
        }
        long[] first = new long[rank];
        long[] step = new long[rank];
        long[] count = dims.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            long axis = axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i];
            long s = steps == null ? 1 : steps[i];
            if (axis < 0 || axis >= rank || s == 0) {
                throw new FoldException("axis " + (axes == null ? i : axes[i]) + " or step " + s + " is invalid");
            }
            int a = (int) axis;
            long d = dims[a];
            long start = starts[i] < 0 ? starts[i] + d : starts[i];
            long end = ends[i] < 0 ? ends[i] + d : ends[i];
            if (s > 0) {
                start = Math.max(0, Math.min(d, start));
                end = Math.max(0, Math.min(d, end));
                count[a] = Math.max(0, (end - start + s - 1) / s);
            } else {
                start = Math.max(0, Math.min(d - 1, start));
                end = Math.max(-1, Math.min(d - 1, end));
                count[a] = Math.max(0, (start - end + (-s) - 1) / (-s));
            }
            first[a] = start;
            step[a] = s;
        }
        return new long[][] {first, step, count};
    }

    /** Slice of a constant: the indices {@link #sliceRanges} keeps. */
    static OnnxConstant slice(OnnxConstant data, long[] starts, long[] ends, long[] axes, long[] steps)
            throws FoldException {
        int rank = data.rank();
        long[] dims = data.dims().stream().mapToLong(Long::longValue).toArray();
        long[][] ranges = sliceRanges(dims, starts, ends, axes, steps);
        long[] first = ranges[0];
        long[] step = ranges[1];
        long[] count = ranges[2];
        long[] inStrides = strides(dims);
        long size = Arrays.stream(count).reduce(1, Math::multiplyExact);
        double[] out = new double[(int) size];
        long[] index = new long[rank];
        for (int flat = 0; flat < out.length; flat++) {
            long source = 0;
            for (int i = 0; i < rank; i++) {
                source += (first[i] + index[i] * step[i]) * inStrides[i];
            }
            out[flat] = data.values()[(int) source];
            for (int i = rank - 1; i >= 0 && ++index[i] == count[i]; i--) {
                index[i] = 0;
            }
        }
        return new OnnxConstant(Arrays.stream(count).boxed().toList(), out);
    }

    /**
     * Cast to the element type {@code to}: integer types truncate toward zero (the values folded here are whole
     * numbers already), FLOAT rounds to float32, BOOL is x ≠ 0, and DOUBLE keeps the value.
     */
    static OnnxConstant cast(OnnxConstant data, long to) throws FoldException {
        double[] out = data.values().clone();
        for (int i = 0; i < out.length; i++) {
            double v = out[i];
            out[i] = switch ((int) to) {
                case DataType.INT64_VALUE, DataType.INT32_VALUE, DataType.INT16_VALUE, DataType.INT8_VALUE,
                        DataType.UINT8_VALUE, DataType.UINT16_VALUE, DataType.UINT32_VALUE,
                        DataType.UINT64_VALUE -> (double) (long) v;
                case DataType.FLOAT_VALUE -> (double) (float) v;
                case DataType.DOUBLE_VALUE -> v;
                case DataType.BOOL_VALUE -> v != 0 ? 1 : 0;
                default -> throw new FoldException("cast to " + OnnxConstant.typeName((int) to)
                        + " is not supported");
            };
        }
        return new OnnxConstant(data.dims(), out);
    }

    /** The C-order strides of dimensions {@code dims}: stride[i] = Π_{j > i} dims[j]. */
    static long[] strides(long[] dims) {
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= dims[i];
        }
        return strides;
    }
}
