package org.snnc.compiler.frontend.onnx;

import org.snnc.compiler.ir.Padding;

/** What an ONNX value name stands for while lowering. */
sealed interface OnnxValue {

    /** A value whose producer failed; its problem is already reported. */
    Broken BROKEN = new Broken();

    /** A value computed by the IR node {@code name}. */
    record Activation(String name) implements OnnxValue {
    }

    /** A constant; {@code key} is its parameter key when a node takes it as a weight unchanged. */
    record Constant(String key, String onnxName, OnnxConstant data) implements OnnxValue {
    }

    /** A MatMul (of a {@code view} of its input, or null) whose only reader is an Add of a constant, its bias. */
    record PendingMatMul(OnnxNode node, String input, AffineView view, Constant matrix) implements OnnxValue {
    }

    /** A zero Pad of activation {@code input} that the Conv or pool reading it absorbs into its window. */
    record PendingPad(OnnxNode node, String input, Padding padding) implements OnnxValue {
    }

    /** A Transpose of activation {@code input} (ONNX perm {@code perm}) that the flatten reading it resolves. */
    record PendingTranspose(OnnxNode node, String input, int[] perm) implements OnnxValue {
    }

    /** A per-channel affine map of an activation, folded into the layer that reads it (see {@link AffineView}). */
    record View(OnnxNode node, AffineView view) implements OnnxValue {
    }

    /** Activation {@code input} under ONNX dimensions {@code dims} that no IR shape holds, for a further reshape. */
    record Reshaped(OnnxNode node, String input, long[] dims) implements OnnxValue {
    }

    /** The marker of a failed value; {@link #BROKEN} is its one instance. */
    record Broken() implements OnnxValue {
    }
}
