package org.snnc.compiler.frontend.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Optional;
import org.snnc.compiler.frontend.onnx.OnnxValue.Constant;
import org.snnc.compiler.frontend.onnx.OnnxValue.PendingMatMul;
import org.snnc.compiler.frontend.onnx.OnnxValue.View;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/** Lowers Gemm, MatMul and Add: dense layers, a MatMul with its bias Add, and residual joins. */
final class DenseLowering {

    private final OnnxLowering lowering;

    DenseLowering(OnnxLowering lowering) {
        this.lowering = lowering;
    }

    void gemm(OnnxNode n) {
        AffineView view = denseView(n);
        String a = view != null ? view.source() : lowering.activation(n, 0);
        Constant b = lowering.required(n, 1, "matrix B");
        Constant c = n.input(2).isPresent() ? lowering.constant(n, 2) : null;
        if (n.intAttribute("transA", 0) != 0) {
            n.unsupported("transA = 1; snnc imports Gemm with the activation A as a [1, K] row (transA = 0)");
        }
        boolean transB = n.intAttribute("transB", 0) != 0;
        double alpha = n.floatAttribute("alpha", 1);
        double beta = n.floatAttribute("beta", 1);
        if (a == null || b == null || (c == null && n.input(2).isPresent()) || lowering.failed()) {
            return;
        }
        dense(n, n.output(0).orElse(""), a, view, b, transB, alpha, c, beta);
    }

    void matMul(OnnxNode n) {
        AffineView view = denseView(n);
        String a = view != null ? view.source() : lowering.activation(n, 0);
        Constant b = lowering.required(n, 1, "matrix B");
        if (a == null || b == null || lowering.failed()) {
            return;
        }
        if (b.data().rank() != 2) {
            n.unsupported("operand '" + b.onnxName() + "' has shape " + b.data().dimsText()
                    + "; snnc imports MatMul by a [K, N] matrix as a dense layer");
            return;
        }
        String out = n.output(0).orElse("");
        if (fusesWithAdd(out)) {
            lowering.values.put(out, new PendingMatMul(n, a, view, b));
        } else {
            dense(n, out, a, view, b, false, 1, null, 1);
        }
    }

    /** Operand 0 of a Gemm or MatMul when it is a view of features, which the dense layer absorbs. */
    private AffineView denseView(OnnxNode n) {
        OnnxValue v = n.input(0).map(in -> lowering.values.get(in)).orElse(null);
        if (!(v instanceof View w) || w.view().channelAxisDropped()) {
            return null;
        }
        Optional<Shape> source = lowering.shapeOf(w.view().source(), n);
        return source.isPresent() && source.get().rank() == 1 ? w.view() : null;
    }

    /** Whether {@code out}'s only reader is an Add of {@code out} and a constant, and no graph output is {@code out}. */
    private boolean fusesWithAdd(String out) {
        List<Integer> users = lowering.readers.getOrDefault(out, List.of());
        if (out.isEmpty() || lowering.graphOutputs.contains(out) || users.size() != 1) {
            return false;
        }
        NodeProto add = lowering.graph.getNode(users.get(0));
        if (!add.getOpType().equals("Add") || !lowering.isDefaultDomain(add) || add.getInputCount() != 2) {
            return false;
        }
        String other = add.getInput(0).equals(out) ? add.getInput(1) : add.getInput(0);
        return !other.equals(out) && (lowering.initializers.containsKey(other)
                || lowering.constantNodeOutputs.contains(other) || lowering.values.get(other) instanceof Constant);
    }

    /**
     * A dense layer from Gemm (or MatMul, with transB = 0, α = β = 1): Y = α·A·B′ + β·C, B′ = Bᵀ if transB else B,
     * so W = α·(transB ? B : Bᵀ), which is [N, K], and b = β·C broadcast to [N]. The layer is named after {@code n}
     * and computes the ONNX value {@code output} (the Add's output when a MatMul and its bias Add fuse). A
     * {@code view} of its input (or null) folds into W and b as {@link AffineView} states.
     */
    private void dense(OnnxNode n, String output, String a, AffineView view, Constant b, boolean transB, double alpha,
            Constant c, double beta) {
        if (b.data().rank() != 2) {
            n.unsupported("matrix '" + b.onnxName() + "' has shape " + b.data().dimsText() + "; expected rank 2");
            return;
        }
        int rows = (int) (long) b.data().dims().get(0);
        int cols = (int) (long) b.data().dims().get(1);
        if (rows <= 0 || cols <= 0) {
            n.unsupported("matrix '" + b.onnxName() + "' has shape " + b.data().dimsText());
            return;
        }
        int units = transB ? rows : cols;
        int fanIn = transB ? cols : rows;
        double[] src = b.data().values();
        double[] w = new double[units * fanIn];
        for (int u = 0; u < units; u++) {
            for (int k = 0; k < fanIn; k++) {
                w[u * fanIn + k] = alpha * (transB ? src[u * fanIn + k] : src[k * units + u]);
            }
        }
        double[] bv = null;
        if (c != null) {
            int count = c.data().size();
            if (count != units && count != 1) {
                n.unsupported("bias '" + c.onnxName() + "' of shape " + c.data().dimsText()
                        + " does not broadcast to [" + units + "]");
                return;
            }
            bv = new double[units];
            for (int u = 0; u < units; u++) {
                bv[u] = beta * c.data().values()[count == 1 ? 0 : u];
            }
        }
        String suffix = (transB ? "" : ".T") + (alpha != 1 ? ".scaled" : "");
        String biasSuffix = c == null ? "" : (c.data().size() == 1 && units > 1 ? ".broadcast" : "")
                + (beta != 1 ? ".scaled" : "");
        Tensor weightTensor = Tensor.wrap(Shape.of(units, fanIn), w);
        ParamRef weight;
        Optional<ParamRef> biasRef;
        if (view == null) {
            weight = lowering.param(b, weightTensor, suffix);
            double[] biasValues = bv;
            biasRef = c == null ? Optional.empty()
                    : Optional.of(lowering.param(c, Tensor.wrap(Shape.of(units), biasValues), biasSuffix));
        } else if (view.width() != fanIn) {
            n.unsupported("its input has " + view.width() + " features, but matrix '" + b.onnxName() + "' takes "
                    + fanIn);
            return;
        } else {
            AffineView.Folded folded = view.foldIntoDense(weightTensor, bv);
            weight = lowering.param(b, folded.weight(), suffix + ".folded");
            biasRef = folded.bias() == null ? Optional.empty() : Optional.of(c == null
                    ? lowering.param(b, Tensor.wrap(Shape.of(units), folded.bias()), suffix + ".folded_bias")
                    : lowering.param(c, Tensor.wrap(Shape.of(units), folded.bias()), biasSuffix + ".folded"));
        }
        lowering.emit(n, output, name -> new Dense(name, a, units, weight, biasRef, lowering.span));
    }

    /**
     * Add: of a MatMul and a constant, the dense layer with that bias; of an activation and a constant, a per-channel
     * view (see {@link AffineLowering#arithmetic}); of two activations, the residual join y = a + b.
     */
    void add(OnnxNode n) {
        if (n.inputs().size() != 2 || n.input(0).isEmpty() || n.input(1).isEmpty()) {
            n.unsupported("Add takes two operands, got " + n.inputs().size());
            return;
        }
        OnnxValue left = lowering.lookup(n.input(0).get(), n);
        OnnxValue right = lowering.lookup(n.input(1).get(), n);
        String out = n.output(0).orElse("");
        if (left instanceof PendingMatMul m && right instanceof Constant c) {
            dense(m.node(), out, m.input(), m.view(), m.matrix(), false, 1, c, 1);
        } else if (right instanceof PendingMatMul m && left instanceof Constant c) {
            dense(m.node(), out, m.input(), m.view(), m.matrix(), false, 1, c, 1);
        } else if (left instanceof Constant || right instanceof Constant) {
            lowering.affine.arithmetic(n, AffineView.Arithmetic.ADD);
        } else {
            String l = lowering.activation(n, 0);
            String r = lowering.activation(n, 1);
            if (l != null && r != null) {
                lowering.emit(n, name -> new Add(name, List.of(l, r), lowering.span));
            }
        }
    }
}
