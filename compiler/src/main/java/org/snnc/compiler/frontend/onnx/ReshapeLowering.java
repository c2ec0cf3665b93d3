package org.snnc.compiler.frontend.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.snnc.compiler.frontend.onnx.OnnxValue.Activation;
import org.snnc.compiler.frontend.onnx.OnnxValue.Broken;
import org.snnc.compiler.frontend.onnx.OnnxValue.Constant;
import org.snnc.compiler.frontend.onnx.OnnxValue.PendingTranspose;
import org.snnc.compiler.frontend.onnx.OnnxValue.Reshaped;
import org.snnc.compiler.frontend.onnx.OnnxValue.View;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Shape;

/** Lowers the ONNX operators that only move data: Flatten, Reshape, Squeeze, Unsqueeze, Transpose and Concat. */
final class ReshapeLowering {

    /** The operators that may read a {@link Reshaped} or {@link PendingTranspose} value (Shape reads only its dims). */
    static final Set<String> RESHAPES = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Shape");

    private final OnnxLowering lowering;

    ReshapeLowering(OnnxLowering lowering) {
        this.lowering = lowering;
    }

    /** Flatten with axis 1: [N, C, H, W] → [N, C·H·W]. */
    void flatten(OnnxNode n) {
        long axis = n.intAttribute("axis", 1);
        long[] in = lowering.onnxDims(n);
        if (in == null || lowering.failed()) {
            return;
        }
        if ((axis < 0 ? axis + in.length : axis) != 1) {
            n.unsupported("axis " + axis + "; snnc flattens every axis but the batch (axis 1)");
            return;
        }
        long size = Arrays.stream(in).reduce(1, Math::multiplyExact) / lowering.batch;
        reshapeTo(n, in, new long[] {lowering.batch, size});
    }

    /**
     * Reshape of a constant is folded. Of an activation, the target is resolved as ONNX does (0 copies the input's
     * dimension unless allowzero = 1, −1 takes what is left) and must flatten ([batch, features]), keep the shape, or
     * lead through further reshapes to one of those (see {@link #reshapeTo}).
     */
    void reshape(OnnxNode n) {
        OnnxValue data = n.input(0).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN);
        long[] target = null;
        if (n.input(1).isPresent()) {
            Constant c = lowering.constant(n, 1);
            target = c == null ? null : c.data().longs();
        } else if (n.intsAttribute("shape").isPresent()) {
            target = n.intsAttribute("shape").get();
        } else {
            n.unsupported("it has no target shape");
        }
        boolean allowZero = n.intAttribute("allowzero", 0) != 0;
        if (target == null || lowering.failed()) {
            return;
        }
        try {
            if (data instanceof Constant c) {
                lowering.bindConstant(n, ConstantFolding.reshape(c.data(), target, allowZero));
                return;
            }
            long[] in = lowering.onnxDims(n);
            if (in != null) {
                reshapeTo(n, in, ConstantFolding.resolveReshape(in, target, allowZero));
            }
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
        }
    }

    /** Squeeze of named axes of size 1 (axes from operand 2 from opset 13, else the attribute), never the batch. */
    void squeeze(OnnxNode n) {
        long[] in = lowering.onnxDims(n);
        long[] axes = axesOperand(n);
        if (in == null || lowering.failed()) {
            return;
        }
        if (axes == null) {
            n.unsupported("it names no axes, so it would drop the batch axis too; snnc imports Squeeze of named axes");
            return;
        }
        Set<Integer> dropped = new HashSet<>();
        for (long a : axes) {
            int axis = (int) (a < 0 ? a + in.length : a);
            if (axis <= 0 || axis >= in.length || in[axis] != 1) {
                n.unsupported("axis " + a + " of a " + Arrays.toString(in) + " input is not an axis of size 1 "
                        + "other than the batch");
                return;
            }
            dropped.add(axis);
        }
        long[] out = new long[in.length - dropped.size()];
        for (int i = 0, j = 0; i < in.length; i++) {
            if (!dropped.contains(i)) {
                out[j++] = in[i];
            }
        }
        reshapeTo(n, in, out);
    }

    /** The axes of a Squeeze or Unsqueeze: operand 2 (opset 13 on), else the attribute; null when absent. */
    private long[] axesOperand(OnnxNode n) {
        return n.input(1).isPresent() ? OnnxLowering.longsOf(lowering.constant(n, 1))
                : n.intsAttribute("axes").orElse(null);
    }

    /** Whether only reshapes (and Shape) read ONNX value {@code output}, and it is no graph output. */
    private boolean onlyReshapesRead(String output) {
        return !lowering.graphOutputs.contains(output) && lowering.readers.getOrDefault(output, List.of()).stream()
                .map(lowering.graph::getNode).allMatch(r -> RESHAPES.contains(r.getOpType()));
    }

    /**
     * Binds the output of reshaping operator {@code n} (operand 0 of ONNX dimensions {@code in}) to dimensions
     * {@code out}: the same dimensions are no node; [batch, features] is a {@link Flatten} (none for an N×F input).
     * A Transpose before the flatten becomes a permutation of the features that the next dense layer folds in. Any
     * other shape is kept pending when only further reshapes read it, and refused otherwise: snnc's layers read
     * N×C×H×W or N×F.
     */
    private void reshapeTo(OnnxNode n, long[] in, long[] out) {
        OnnxValue v = lowering.lookup(n.input(0).orElseThrow(), n);
        String output = n.output(0).orElse("");
        long size = Arrays.stream(in).reduce(1, Math::multiplyExact) / lowering.batch;
        String base = v instanceof Reshaped r ? r.input() : v instanceof Activation a ? a.name() : null;
        Optional<long[]> baseDims = base == null ? Optional.empty() : lowering.shapeOf(base, n).map(lowering::onnxDims);
        if (baseDims.isPresent() && Arrays.equals(out, baseDims.get())) {
            lowering.values.put(output, new Activation(base));
        } else if (Arrays.equals(out, in)) {
            lowering.values.put(output, v);
        } else if (out.length == 2 && out[0] == lowering.batch && out[1] == size) {
            flattenValue(n, v);
        } else if (base != null && onlyReshapesRead(output)) {
            lowering.values.put(output, new Reshaped(n, base, out));
        } else {
            n.unsupported("it reshapes a " + Arrays.toString(in) + " input to " + Arrays.toString(out)
                    + "; snnc imports reshapes that flatten to [batch, features], here [" + lowering.batch + ", " + size
                    + "]");
        }
    }

    /** The Flatten of value {@code v} for node {@code n}'s output. */
    private void flattenValue(OnnxNode n, OnnxValue v) {
        if (v instanceof PendingTranspose t) {
            flattenTransposed(n, t);
        } else if (v instanceof View w) {
            AffineView view = w.view();
            Optional<Shape> source = lowering.shapeOf(view.source(), n);
            if (source.isEmpty() || view.channelAxisDropped()) {
                n.unsupported("its operand is one channel picked by a Gather; snnc flattens whole maps");
            } else if (source.get().rank() == 1) {
                n.output(0).ifPresent(out -> lowering.values.put(out, v));
            } else {
                String flat = lowering.emit(n, name -> new Flatten(name, view.source(), lowering.span));
                if (flat != null) {
                    lowering.affine.bindView(n, view.flattened(flat, source.get().dim(1) * source.get().dim(2)));
                }
            }
        } else {
            String x = v instanceof Reshaped r ? r.input() : lowering.activation(n, 0);
            Optional<Shape> in = x == null ? Optional.empty() : lowering.shapeOf(x, n);
            if (in.isPresent() && in.get().rank() == 1) {
                n.output(0).ifPresent(out -> lowering.values.put(out, new Activation(x)));
            } else if (in.isPresent()) {
                lowering.emit(n, name -> new Flatten(name, x, lowering.span));
            }
        }
    }

    /**
     * A Transpose then a flatten: feature k of the result is element k, in C order, of the transposed tensor, which is
     * element order[k] of the IR's C·H·W flatten. The identity order is a plain Flatten; any other becomes a
     * permutation view that the Gemm or MatMul reading it folds into its columns.
     */
    private void flattenTransposed(OnnxNode n, PendingTranspose t) {
        Optional<Shape> in = lowering.shapeOf(t.input(), n);
        if (in.isEmpty()) {
            return;
        }
        long[] dims = lowering.onnxDims(in.get());
        long[] strides = ConstantFolding.strides(dims);
        int size = in.get().size();
        int[] order = new int[size];
        int[] index = new int[dims.length];
        boolean identity = true;
        for (int k = 0; k < size; k++) {
            long source = 0;
            for (int j = 1; j < dims.length; j++) {
                source += index[j] * strides[t.perm()[j]];
            }
            order[k] = (int) source;
            identity &= order[k] == k;
            for (int j = dims.length - 1; j > 0 && ++index[j] == dims[t.perm()[j]]; j--) {
                index[j] = 0;
            }
        }
        String flat = in.get().rank() == 1 ? t.input()
                : lowering.emit(n, name -> new Flatten(name, t.input(), lowering.span));
        if (flat != null && !identity) {
            lowering.affine.bindView(n, AffineView.permutation(flat, order));
        } else if (flat != null) {
            n.output(0).ifPresent(out -> lowering.values.put(out, new Activation(flat)));
        }
    }

    /**
     * Transpose of a constant is folded. Of an activation it is accepted as the N×H×W×C → N×C×H×W Transpose of the
     * input (the IR input is then [C,H,W]), as the identity, or right before a flatten (see
     * {@link #flattenTransposed}).
     */
    void transpose(OnnxNode n) {
        OnnxValue v = n.input(0).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN);
        long[] perm = n.intsAttribute("perm").orElse(null);
        String output = n.output(0).orElse("");
        if (v instanceof Constant c) {
            try {
                lowering.bindConstant(n, ConstantFolding.transpose(c.data(), perm));
            } catch (ConstantFolding.FoldException e) {
                n.unsupported(e.getMessage());
            }
            return;
        }
        if (n.input(0).get().equals(lowering.channelsLastInput)) {
            lowering.values.put(output, v);
            return;
        }
        String x = lowering.activation(n, 0);
        Optional<Shape> in = x == null || lowering.failed() ? Optional.empty() : lowering.shapeOf(x, n);
        if (in.isEmpty()) {
            return;
        }
        int rank = in.get().rank() + 1;
        boolean permutes = perm == null || perm.length == rank && Arrays.stream(perm).sorted().boxed().toList()
                .equals(LongStream.range(0, rank).boxed().toList());
        int[] p = new int[rank];
        boolean identity = true;
        for (int i = 0; permutes && i < rank; i++) {
            p[i] = perm == null ? rank - 1 - i : (int) perm[i];
            identity &= p[i] == i;
        }
        boolean beforeFlatten = onlyReshapesRead(output);
        if (!permutes) {
            n.unsupported("perm " + Arrays.toString(perm) + " does not permute " + rank + " axes");
        } else if (identity) {
            lowering.values.put(output, v);
        } else if (p[0] != 0 || !beforeFlatten) {
            n.unsupported("perm " + Arrays.toString(p) + "; snnc imports Transpose only of an N×H×W×C input to "
                    + "N×C×H×W, or right before a flatten that a Gemm or MatMul reads");
        } else {
            lowering.values.put(output, new PendingTranspose(n, x, p));
        }
    }

    void concat(OnnxNode n) {
        List<OnnxValue> operands = new ArrayList<>();
        for (String in : n.inputs()) {
            operands.add(in.isEmpty() ? OnnxValue.BROKEN : lowering.lookup(in, n));
        }
        if (!n.has("axis")) {
            n.unsupported("attribute 'axis' is missing");
        }
        long axis = n.intAttribute("axis", 1);
        if (operands.isEmpty() || lowering.failed() || operands.stream().anyMatch(v -> v instanceof Broken)) {
            return;
        }
        if (operands.size() == 1) {
            n.output(0).ifPresent(out -> lowering.values.put(out, operands.get(0)));
            return;
        }
        if (operands.stream().allMatch(v -> v instanceof Constant)) {
            List<OnnxConstant> parts = operands.stream().map(v -> ((Constant) v).data()).toList();
            if (parts.stream().anyMatch(p -> p.rank() != 1) || (axis != 0 && axis != -1)) {
                n.unsupported("snnc folds Concat of constants only along axis 0 of vectors");
                return;
            }
            lowering.bindConstant(n, OnnxConstant.vector(parts.stream().flatMapToDouble(p -> Arrays.stream(p.values()))
                    .toArray()));
            return;
        }
        if (operands.stream().anyMatch(v -> v instanceof Constant)) {
            n.unsupported("it mixes constants and activations; snnc concatenates activations only");
            return;
        }
        if (axis == 1 && lowering.affine.concatViews(n, operands)) {
            return;
        }
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < operands.size(); i++) {
            inputs.add(lowering.activation(n, i));
        }
        if (inputs.contains(null)) {
            return;
        }
        Optional<Shape> first = lowering.shapeOf(inputs.get(0), n);
        if (first.isEmpty()) {
            return;
        }
        if (lowering.onnxAxis(axis, first.get()) != 1) {
            n.unsupported("axis " + axis + "; snnc concatenates along the channel axis (axis 1) only");
            return;
        }
        lowering.emit(n, name -> new Concat(name, inputs, lowering.span));
    }

    void unsqueeze(OnnxNode n) {
        OnnxValue source = n.input(0).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN);
        if (source instanceof View w && w.view().channelAxisDropped()) {
            long[] axes = axesOperand(n);
            if (axes != null && axes.length == 1 && (axes[0] == 1 || axes[0] == -3)) {
                lowering.affine.bindView(n, w.view().restoreChannelAxis());
            } else if (!lowering.failed()) {
                n.unsupported("snnc restores a channel picked by Gather only at axis 1");
            }
            return;
        }
        if (!(source instanceof Constant || source instanceof Broken)) {
            long[] in = lowering.onnxDims(n);
            long[] axes = axesOperand(n);
            if (axes == null && !lowering.failed()) {
                n.unsupported("it has no axes");
            }
            if (in == null || axes == null || lowering.failed()) {
                return;
            }
            reshapeTo(n, in, unsqueezed(in, axes));
            return;
        }
        Constant data = lowering.constants.foldOperand(n, 0);
        long[] axes = axesOperand(n);
        if (axes == null && !lowering.failed()) {
            n.unsupported("it has no axes");
        }
        if (data == null || axes == null || lowering.failed()) {
            return;
        }
        long[] dims = unsqueezed(data.data().dims().stream().mapToLong(Long::longValue).toArray(), axes);
        lowering.bindConstant(n, new OnnxConstant(Arrays.stream(dims).boxed().toList(), data.data().values()));
    }

    /** Dimensions {@code in} with an axis of size 1 inserted at each of {@code axes} (of the output's rank). */
    private static long[] unsqueezed(long[] in, long[] axes) {
        int rank = in.length + axes.length;
        Set<Long> inserted = new HashSet<>();
        for (long a : axes) {
            inserted.add(a < 0 ? a + rank : a);
        }
        long[] dims = new long[rank];
        int next = 0;
        for (int i = 0; i < rank; i++) {
            dims[i] = inserted.contains((long) i) ? 1L : in[next++];
        }
        return dims;
    }
}
