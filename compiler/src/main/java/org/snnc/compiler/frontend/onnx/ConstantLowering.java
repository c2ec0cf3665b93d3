package org.snnc.compiler.frontend.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.snnc.compiler.frontend.onnx.OnnxValue.Activation;
import org.snnc.compiler.frontend.onnx.OnnxValue.Broken;
import org.snnc.compiler.frontend.onnx.OnnxValue.Constant;
import org.snnc.compiler.frontend.onnx.OnnxValue.View;

/** Evaluates the ONNX operators that compute constants: Constant, Shape, Gather, ConstantOfShape, Slice, Cast. */
final class ConstantLowering {

    private final OnnxLowering lowering;

    ConstantLowering(OnnxLowering lowering) {
        this.lowering = lowering;
    }

    void constantOfShape(OnnxNode n) {
        Constant shape = foldOperand(n, 0);
        double value = 0;
        if (n.tensorAttribute("value").isPresent()) {
            try {
                OnnxConstant v = OnnxConstant.decode(n.tensorAttribute("value").get());
                if (v.size() != 1) {
                    n.unsupported("its value holds " + v.size() + " elements, not one");
                } else {
                    value = v.values()[0];
                }
            } catch (OnnxConstant.DecodeException e) {
                n.unsupported("its value: " + e.getMessage());
            }
        }
        if (shape == null || lowering.failed()) {
            return;
        }
        try {
            lowering.bindConstant(n, ConstantFolding.constantOfShape(shape.data().longs(), value));
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
        }
    }

    /** Slice of a constant, with starts, ends, axes and steps as operands (opset 10 on) or attributes. */
    /** A Slice's operands: starts, ends, and the optional axes and steps (null when absent). */
    record SliceRanges(long[] starts, long[] ends, long[] axes, long[] steps) {
    }

    /** The ranges of Slice node {@code n}: constant operands 1 to 4 (opset ≥ 10) or attributes; null when absent. */
    SliceRanges sliceRanges(OnnxNode n) {
        if (lowering.opset >= 10) {
            return new SliceRanges(lowering.longsOf(lowering.required(n, 1, "starts")),
                    lowering.longsOf(lowering.required(n, 2, "ends")),
                    n.input(3).isPresent() ? lowering.longsOf(lowering.constant(n, 3)) : null,
                    n.input(4).isPresent() ? lowering.longsOf(lowering.constant(n, 4)) : null);
        }
        long[] starts = n.intsAttribute("starts").orElse(null);
        long[] ends = n.intsAttribute("ends").orElse(null);
        if (starts == null || ends == null) {
            n.unsupported("it has no starts or ends");
            return null;
        }
        return new SliceRanges(starts, ends, n.intsAttribute("axes").orElse(null), null);
    }

    /** A Slice of a constant, evaluated; one of an activation is a selection ({@link SelectionLowering}). */
    void slice(OnnxNode n) {
        if (n.input(0).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN) instanceof Activation) {
            lowering.selections.slice(n);
            return;
        }
        Constant data = foldOperand(n, 0);
        SliceRanges ranges = sliceRanges(n);
        if (data == null || ranges == null || lowering.failed()) {
            return;
        }
        try {
            lowering.bindConstant(n, ConstantFolding.slice(data.data(), ranges.starts(), ranges.ends(), ranges.axes(),
                    ranges.steps()));
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
        }
    }

    void cast(OnnxNode n) {
        Constant data = foldOperand(n, 0);
        long to = n.intAttribute("to", 0);
        if (data == null || lowering.failed()) {
            return;
        }
        try {
            lowering.bindConstant(n, ConstantFolding.cast(data.data(), to));
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
        }
    }

    void constantNode(OnnxNode n) {
        OnnxConstant value = null;
        try {
            if (n.tensorAttribute("value").isPresent()) {
                value = OnnxConstant.decode(n.tensorAttribute("value").get());
            } else if (n.has("value_float")) {
                value = new OnnxConstant(List.of(), new double[] {n.floatAttribute("value_float", 0)});
            } else if (n.has("value_floats")) {
                value = OnnxConstant.vector(n.floatsAttribute("value_floats").orElse(new double[0]));
            } else if (n.has("value_int")) {
                value = new OnnxConstant(List.of(), new double[] {n.intAttribute("value_int", 0)});
            } else if (n.has("value_ints")) {
                value = OnnxConstant.vector(Arrays.stream(n.intsAttribute("value_ints").orElse(new long[0]))
                        .asDoubleStream().toArray());
            } else {
                n.unsupported("snnc reads a Constant's value, value_float(s) or value_int(s) only");
            }
        } catch (OnnxConstant.DecodeException e) {
            n.unsupported("its value: " + e.getMessage());
        }
        if (value != null && !lowering.failed()) {
            lowering.bindConstant(n, value);
        }
    }

    /** Shape of an activation (with the batch) or a constant, with opset 15's start and end. */
    void shapeOperator(OnnxNode n) {
        OnnxValue v = n.input(0).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN);
        List<Long> dims = new ArrayList<>();
        if (v instanceof Constant c) {
            dims.addAll(c.data().dims());
        } else if (!(v instanceof Broken)) {
            long[] d = lowering.onnxDims(n);
            if (d == null) {
                return;
            }
            Arrays.stream(d).forEach(dims::add);
        } else {
            return;
        }
        int rank = dims.size();
        long start = clampAxis(n.intAttribute("start", 0), rank);
        long end = clampAxis(n.intAttribute("end", rank), rank);
        double[] out = dims.subList((int) start, (int) Math.max(start, end)).stream().mapToDouble(Long::doubleValue)
                .toArray();
        if (!lowering.failed()) {
            lowering.bindConstant(n, OnnxConstant.vector(out));
        }
    }

    private static long clampAxis(long axis, int rank) {
        return Math.max(0, Math.min(rank, axis < 0 ? axis + rank : axis));
    }

    void gather(OnnxNode n) {
        OnnxValue source = n.input(0).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN);
        if (source instanceof Activation || source instanceof View) {
            lowering.affine.gatherChannels(n);
            return;
        }
        Constant data = foldOperand(n, 0);
        Constant indices = foldOperand(n, 1);
        long axis = n.intAttribute("axis", 0);
        if (data == null || indices == null || lowering.failed()) {
            return;
        }
        if (data.data().rank() != 1 || axis != 0) {
            n.unsupported("snnc folds Gather only from a constant vector along axis 0");
            return;
        }
        int size = data.data().size();
        double[] out = new double[indices.data().size()];
        for (int i = 0; i < out.length; i++) {
            long index = (long) indices.data().values()[i];
            long wrapped = index < 0 ? index + size : index;
            if (wrapped < 0 || wrapped >= size) {
                n.unsupported("index " + index + " is outside a vector of " + size);
                return;
            }
            out[i] = data.data().values()[(int) wrapped];
        }
        lowering.bindConstant(n, new OnnxConstant(indices.data().dims(), out));
    }

    /** An operand of a folding operator, which must be constant. */
    Constant foldOperand(OnnxNode n, int index) {
        OnnxValue v = n.input(index).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN);
        if (!(v instanceof Constant || v instanceof Broken)) {
            n.unsupported("operand '" + n.input(index).orElse("") + "' is an activation; snnc imports "
                    + n.opType() + " only to compute a constant, such as a Reshape's target shape");
        }
        return v instanceof Constant c ? c : null;
    }
}
