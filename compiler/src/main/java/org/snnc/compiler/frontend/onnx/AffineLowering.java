package org.snnc.compiler.frontend.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.snnc.compiler.frontend.onnx.OnnxValue.Activation;
import org.snnc.compiler.frontend.onnx.OnnxValue.Broken;
import org.snnc.compiler.frontend.onnx.OnnxValue.Constant;
import org.snnc.compiler.frontend.onnx.OnnxValue.View;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/** Lowers the per-channel affine maps of activations (see {@link AffineView}) and emits those no layer absorbs. */
final class AffineLowering {

    private final OnnxLowering lowering;

    AffineLowering(OnnxLowering lowering) {
        this.lowering = lowering;
    }

    /**
     * Add, Sub, Mul or Div of an activation and a constant that is one value or one per channel (ONNX shape [C,1,1],
     * [1,C,1,1], or [C] for features): a per-channel affine map that the reading layer folds in (see
     * {@link AffineView}). A constant divided by an activation is not affine and is refused.
     */
    void arithmetic(OnnxNode n, AffineView.Arithmetic op) {
        if (n.inputs().size() != 2 || n.input(0).isEmpty() || n.input(1).isEmpty()) {
            n.unsupported(n.opType() + " takes two operands, got " + n.inputs().size());
            return;
        }
        OnnxValue left = lowering.lookup(n.input(0).get(), n);
        OnnxValue right = lowering.lookup(n.input(1).get(), n);
        if (left instanceof Broken || right instanceof Broken) {
            return;
        }
        boolean constantFirst = left instanceof Constant;
        if (constantFirst == right instanceof Constant) {
            n.unsupported(constantFirst ? "both operands are constants, and snnc folds constants only into shapes"
                    : "both operands are activations; snnc imports " + n.opType() + " of an activation and a "
                    + "constant only" + (op == AffineView.Arithmetic.ADD ? ", or Add of two activations" : ""));
            return;
        }
        if (op == AffineView.Arithmetic.DIV && constantFirst) {
            n.unsupported("it divides a constant by an activation, which is not an affine map");
            return;
        }
        Constant c = (Constant) (constantFirst ? left : right);
        AffineView view = viewOf(n, constantFirst ? 1 : 0);
        double[] a = view == null ? null : perChannel(n, c, view);
        if (a == null || lowering.failed()) {
            return;
        }
        if (op == AffineView.Arithmetic.DIV && Arrays.stream(a).anyMatch(v -> v == 0)) {
            n.unsupported("divisor '" + c.onnxName() + "' holds a zero");
            return;
        }
        bindView(n, view.apply(op, a, constantFirst));
    }

    /** Operand {@code index} as a per-channel affine view: a pending one, or an activation as the identity map. */
    private AffineView viewOf(OnnxNode n, int index) {
        OnnxValue v = lowering.lookup(n.input(index).orElseThrow(), n);
        if (v instanceof View w) {
            return w.view();
        }
        String x = lowering.activation(n, index);
        Optional<Shape> in = x == null ? Optional.empty() : lowering.shapeOf(x, n);
        return in.map(shape -> AffineView.identity(x, shape.dim(0))).orElse(null);
    }

    /**
     * The values of constant {@code c} per channel of {@code view}: one value, or one per channel when c's
     * dimensions, aligned to the right of the view's ONNX shape as broadcasting does, are 1 except on axis 1.
     */
    private double[] perChannel(OnnxNode n, Constant c, AffineView view) {
        Optional<Shape> source = lowering.shapeOf(view.source(), n);
        if (source.isEmpty()) {
            return null;
        }
        int rank = source.get().rank() + (view.channelAxisDropped() ? 0 : 1);
        List<Long> dims = c.data().dims();
        boolean fits = dims.size() <= rank;
        for (int i = 0; fits && i < dims.size(); i++) {
            boolean channelAxis = rank - dims.size() + i == 1 && !view.channelAxisDropped();
            fits = dims.get(i) == 1 || channelAxis && dims.get(i) == view.width();
        }
        if (!fits) {
            n.unsupported("constant '" + c.onnxName() + "' of shape " + c.data().dimsText() + " is neither one value "
                    + "nor one per channel of its " + view.width() + "-channel operand; snnc folds per-channel "
                    + "constants only");
            return null;
        }
        return c.data().values();
    }

    void bindView(OnnxNode n, AffineView view) {
        n.output(0).ifPresent(out -> lowering.values.put(out, new View(n, view)));
    }

    /**
     * Emits a view that no weighted layer absorbs as an explicit {@link Affine} (scale s, shift t) named after the
     * node that made it, when its channel map is the identity; {@code reader} reports it otherwise.
     */
    String materialize(OnnxNode reader, String onnxName, View w) {
        AffineView view = w.view();
        if (!view.isIdentityMap()) {
            reader.unsupported("operand '" + onnxName + "' picks or reorders channels (node '" + w.node().label()
                    + "', " + w.node().opType() + "); snnc folds that only into a Conv, Gemm or MatMul that reads it");
            return null;
        }
        String name = lowering.names.newValueName(lowering.graphOutputs.contains(onnxName) ? onnxName
                : w.node().label());
        ParamRef scale = lowering.newParam(name + ".scale", Tensor.of(Shape.of(view.width()), view.scale()));
        Optional<ParamRef> shift = view.hasShift()
                ? Optional.of(lowering.newParam(name + ".shift", Tensor.of(Shape.of(view.width()), view.shift())))
                : Optional.empty();
        lowering.builder.add(new Affine(name, view.source(), scale, shift, lowering.span));
        lowering.values.put(onnxName, new Activation(name));
        return name;
    }

    /**
     * A Concat along channels of views of one source (and that source itself) is one view; true when it bound one.
     * Such are the per-channel pieces of inception_v3's {@code transform_input}.
     */
    boolean concatViews(OnnxNode n, List<OnnxValue> operands) {
        if (operands.stream().noneMatch(v -> v instanceof View)) {
            return false;
        }
        List<AffineView> parts = new ArrayList<>();
        for (int i = 0; i < operands.size(); i++) {
            AffineView part = operands.get(i) instanceof View w ? w.view()
                    : operands.get(i) instanceof Activation ? viewOf(n, i) : null;
            if (part == null || part.channelAxisDropped() || !part.source().equals(parts.isEmpty()
                    ? part.source() : parts.get(0).source())) {
                return false;
            }
            parts.add(part);
        }
        bindView(n, AffineView.concat(parts));
        return true;
    }

    /**
     * Gather along axis 1 of an activation picks channels: a scalar index c gives x[:, c] (the axis dropped), a vector
     * of indices the channels it lists; either is a view (see {@link AffineView}) that an Unsqueeze, a Concat and the
     * reading layer take up.
     */
    void gatherChannels(OnnxNode n) {
        AffineView view = viewOf(n, 0);
        Constant indices = n.input(1).isPresent() ? lowering.constant(n, 1) : null;
        long axis = n.intAttribute("axis", 0);
        if (view == null || indices == null || lowering.failed()) {
            return;
        }
        if (axis != 1 || view.channelAxisDropped() || indices.data().rank() > 1) {
            n.unsupported("snnc imports Gather of an activation only along the channel axis (axis 1) by a scalar or "
                    + "a vector of indices");
            return;
        }
        int[] picks = new int[indices.data().size()];
        for (int i = 0; i < picks.length; i++) {
            long index = (long) indices.data().values()[i];
            long wrapped = index < 0 ? index + view.width() : index;
            if (wrapped < 0 || wrapped >= view.width()) {
                n.unsupported("index " + index + " is outside " + view.width() + " channels");
                return;
            }
            picks[i] = (int) wrapped;
        }
        bindView(n, view.gather(picks, indices.data().rank() == 0));
    }
}
