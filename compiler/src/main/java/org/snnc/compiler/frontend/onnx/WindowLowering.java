package org.snnc.compiler.frontend.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.frontend.onnx.OnnxValue.Constant;
import org.snnc.compiler.frontend.onnx.OnnxValue.PendingPad;
import org.snnc.compiler.frontend.onnx.OnnxValue.View;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * Lowers the ONNX operators that slide a window (Conv, MaxPool, AveragePool, the global pools and ReduceMean) and the
 * Pad folded into them.
 */
final class WindowLowering {

    /** The widest dilation imported: a dilated kernel is stored as the plain kernel of its whole extent. */
    private static final int MAX_DILATION = 64;

    /** The operators whose window a Pad before them widens. */
    private static final Set<String> PADDED_WINDOWS = Set.of("Conv", "MaxPool", "AveragePool");

    private final OnnxLowering lowering;

    WindowLowering(OnnxLowering lowering) {
        this.lowering = lowering;
    }

    /**
     * Conv: Y = B + W ⋆ pad(X), weight [F, C/group, kH, kW] and bias [F]. A Pad before it adds its zeros to the
     * padding; a per-channel view of X folds into W and B where that is exact (see {@link AffineView}), else is
     * emitted as an affine layer before the conv.
     */
    void conv(OnnxNode n) {
        OnnxValue operand = n.input(0).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN);
        AffineView view = operand instanceof View v ? v.view() : null;
        Padding padded = operand instanceof PendingPad p ? p.padding() : Padding.NONE;
        String x = view != null ? view.source()
                : operand instanceof PendingPad p ? p.input() : lowering.activation(n, 0);
        Constant w = lowering.required(n, 1, "weight W");
        Constant b = n.input(2).isPresent() ? lowering.constant(n, 2) : null;
        long group = n.intAttribute("group", 1);
        int[] dilation = dilations(n);
        if (x == null || dilation == null || w == null || (b == null && n.input(2).isPresent()) || lowering.failed()) {
            return;
        }
        if (w.data().rank() != 4) {
            n.unsupported("weight '" + w.onnxName() + "' has shape " + w.data().dimsText()
                    + "; snnc imports 2-D convolutions, whose weight is [F, C/group, kH, kW]");
            return;
        }
        if (group < 1 || group > Integer.MAX_VALUE) {
            n.unsupported("group " + group + " is not a positive count");
            return;
        }
        Tensor given = lowering.tensor(n, w);
        Tensor bias = b == null ? null : lowering.tensor(n, b);
        if (given == null || (b != null && bias == null)) {
            return;
        }
        Optional<long[]> kernel = n.intsAttribute("kernel_shape");
        long[] weightKernel = {given.shape().dim(2), given.shape().dim(3)};
        if (kernel.isPresent() && !Arrays.equals(kernel.get(), weightKernel)) {
            n.unsupported("kernel_shape " + Arrays.toString(kernel.get()) + " disagrees with weight '"
                    + w.onnxName() + "' of shape " + w.data().dimsText());
            return;
        }
        Tensor weight = dilated(given, dilation[0], dilation[1]);
        int kh = weight.shape().dim(2);
        int kw = weight.shape().dim(3);
        Window2d window = widened(n, window(n, x, kh, kw), padded);
        if (window == null) {
            return;
        }
        boolean foldable = view != null && view.width() == weight.shape().dim(1) * group
                && !view.channelAxisDropped() && (group == 1 || view.isIdentityMap())
                && (window.padding().equals(Padding.NONE) || !view.hasShift());
        if (view != null && !foldable) {
            // Padded cells of the view are 0, not its shift, so the shift stays an explicit affine layer.
            String affine = lowering.affine.materialize(n, n.input(0).orElseThrow(), (View) operand);
            if (affine != null) {
                emitConv(n, affine, w, weight, b, bias, window, (int) group, null);
            }
            return;
        }
        emitConv(n, x, w, weight, b, bias, window, (int) group, view);
    }

    /** The conv of {@link #conv}, with {@code view} (if any) folded into its weight and bias. */
    private void emitConv(OnnxNode n, String x, Constant w, Tensor weight, Constant b, Tensor bias, Window2d window,
            int group, AffineView view) {
        ParamRef weightRef;
        Optional<ParamRef> biasRef;
        if (view == null) {
            weightRef = lowering.param(w, weight, "");
            biasRef = b == null ? Optional.empty() : Optional.of(lowering.param(b, bias, ""));
        } else {
            AffineView.Folded folded = view.foldIntoConv(weight, bias == null ? null : bias.toArray(), group);
            weightRef = lowering.param(w, folded.weight(), ".folded");
            biasRef = foldedBias(w, b, folded);
        }
        lowering.emit(n, name -> new Conv2d(name, x, weight.shape().dim(0), window, group, weightRef, biasRef,
                lowering.span));
    }

    /** The bias of a layer a view folded into: b′ under the bias's key + .folded, or the weight's + .folded_bias. */
    private Optional<ParamRef> foldedBias(Constant w, Constant b, AffineView.Folded folded) {
        if (folded.bias() == null) {
            return Optional.empty();
        }
        Tensor bias = Tensor.wrap(Shape.of(folded.bias().length), folded.bias());
        return Optional.of(b == null ? lowering.param(w, bias, ".folded_bias") : lowering.param(b, bias, ".folded"));
    }

    /**
     * MaxPool and AveragePool. A zero Pad before the pool widens its window: exact for a max pool when the padded
     * input is ≥ 0 (a Relu's output), since max(x, 0) = x there and the IR's −∞ padding never wins, and provided
     * every window still covers an input cell; exact for an average pool whose divisor then counts every cell,
     * kH·kW (count_include_pad), which is refused when the pool's own pads are left out of the divisor.
     */
    void pool(OnnxNode n) {
        boolean max = n.opType().equals("MaxPool");
        OnnxValue operand = n.input(0).map(in -> lowering.lookup(in, n)).orElse(OnnxValue.BROKEN);
        PendingPad pad = operand instanceof PendingPad p ? p : null;
        String x = pad != null ? pad.input() : lowering.activation(n, 0);
        checkDilations(n);
        if (max) {
            lowering.rejectUsedOutput(n, 1, "Indices");
        }
        Optional<long[]> kernel = n.intsAttribute("kernel_shape");
        if (kernel.isEmpty()) {
            n.unsupported("kernel_shape is missing");
        } else if (kernel.get().length != 2 || kernel.get()[0] <= 0 || kernel.get()[1] <= 0
                || kernel.get()[0] > Integer.MAX_VALUE || kernel.get()[1] > Integer.MAX_VALUE) {
            n.unsupported("kernel_shape " + Arrays.toString(kernel.get()) + "; snnc pools 2-D windows");
        }
        if (x == null || lowering.failed()) {
            return;
        }
        Window2d own = window(n, x, (int) kernel.get()[0], (int) kernel.get()[1]);
        Window2d padded = widened(n, own, pad == null ? Padding.NONE : pad.padding());
        boolean padsCount = n.intAttribute("count_include_pad", 0) != 0 || pad != null;
        Window2d window = padded == null ? null : ceilMode(n, x, padded, max, padsCount);
        if (window == null) {
            return;
        }
        // Cells that ceil mode adds never count, so the divisor counts none of the padding then.
        boolean countPad = padsCount && window.equals(padded);
        if (pad != null && max) {
            Padding p = window.padding();
            if (!nonNegative(x)) {
                n.unsupported("Pad '" + pad.node().label() + "' pads its input with zeros and snnc's max pooling pads "
                        + "with −∞; the two agree only on inputs ≥ 0, such as a Relu's output, and this input is not "
                        + "known to be");
            } else if (Math.max(p.top(), p.bottom()) >= own.kernelH()
                    || Math.max(p.left(), p.right()) >= own.kernelW()) {
                n.unsupported("Pad '" + pad.node().label() + "' makes windows of padding alone, whose maximum 0 "
                        + "snnc's −∞ padding cannot give");
            }
        } else if (pad != null && !own.padding().equals(Padding.NONE) && n.intAttribute("count_include_pad", 0) == 0) {
            n.unsupported("Pad '" + pad.node().label() + "' adds zeros that count in the divisor, while the pool's "
                    + "own pads do not (count_include_pad = 0); snnc's avgpool has one divisor for all its padding");
        }
        if (lowering.failed()) {
            return;
        }
        lowering.emit(n, name -> max ? new MaxPool(name, x, window, lowering.span)
                : new AvgPool(name, x, window, countPad, lowering.span));
    }

    /** Whether IR value {@code irName} is ≥ 0 for every input: a Relu, or pooling, flattening or joining of such. */
    private boolean nonNegative(String irName) {
        Node node = lowering.builder.nodes().get(irName);
        boolean keepsSign = node instanceof MaxPool || node instanceof AvgPool || node instanceof Flatten
                || node instanceof Dropout || node instanceof Concat;
        return node instanceof Relu || keepsSign && node.inputs().stream().allMatch(this::nonNegative);
    }

    /**
     * {@code window} with the zeros of a folded Pad added to its padding: for a Conv, Σ W·pad(pad(x)) = Σ W·pad′(x)
     * with pad′ the sum of both. A Pad before an auto_pad SAME window is refused: its padding depends on the padded
     * size.
     */
    private Window2d widened(OnnxNode n, Window2d window, Padding extra) {
        if (window == null || extra.equals(Padding.NONE)) {
            return window;
        }
        String autoPad = n.stringAttribute("auto_pad", "NOTSET");
        if (autoPad.startsWith("SAME")) {
            n.unsupported("auto_pad " + autoPad + " after a Pad; snnc folds a Pad into explicit pads only");
            return null;
        }
        Padding p = window.padding();
        Padding sum = new Padding(p.top() + extra.top(), p.left() + extra.left(), p.bottom() + extra.bottom(),
                p.right() + extra.right());
        return new Window2d(window.kernelH(), window.kernelW(), window.strideH(), window.strideW(), sum);
    }

    /**
     * The window with ceil_mode's last partial windows. ONNX's ceil mode gives out = ⌈(in + p_b + p_e − k)/s⌉ + 1
     * windows along an axis, less the last one if it would start in the end padding, (out − 1)·s ≥ in + p_b. They are
     * floor mode's windows over the input padded by e = max(0, (out − 1)·s + k − (in + p_b + p_e)) more cells at the
     * end. For MaxPool the IR pads with −∞, which never wins a window that holds an input cell, and every window holds
     * one. For AveragePool the cells beyond the padded input never count in the divisor, which the IR's divisor of
     * the cells inside the unpadded input reproduces when the pool's pads do not count either (count_include_pad =
     * 0) or there are none; otherwise it is refused. Null after a refusal.
     */
    private Window2d ceilMode(OnnxNode n, String x, Window2d w, boolean max, boolean countPad) {
        if (n.intAttribute("ceil_mode", 0) == 0) {
            return w;
        }
        Optional<Shape> in = lowering.shapeOf(x, n);
        if (in.isEmpty() || !lowering.hasRank3(n, in.get())) {
            return null;
        }
        Padding p = w.padding();
        int extraH = ceilExtension(in.get().dim(1), p.top(), p.bottom(), w.kernelH(), w.strideH());
        int extraW = ceilExtension(in.get().dim(2), p.left(), p.right(), w.kernelW(), w.strideW());
        if (extraH < 0 || extraW < 0) {
            n.unsupported("the " + w.kernelH() + "x" + w.kernelW() + " window is larger than the padded "
                    + in.get().dim(1) + "x" + in.get().dim(2) + " input");
            return null;
        }
        if (extraH == 0 && extraW == 0) {
            return w;
        }
        if (!max && countPad && !p.equals(Padding.NONE)) {
            n.unsupported("ceil_mode = 1 adds partial windows whose divisor counts the pads but not the cells beyond "
                    + "them (count_include_pad = 1); snnc's avgpool counts all padding or none");
            return null;
        }
        return new Window2d(w.kernelH(), w.kernelW(), w.strideH(), w.strideW(),
                new Padding(p.top(), p.left(), p.bottom() + extraH, p.right() + extraW));
    }

    /** e of {@link #ceilMode} along one axis; −1 when not even one window fits. */
    private static int ceilExtension(int in, int padBegin, int padEnd, int kernel, int stride) {
        int span = in + padBegin + padEnd - kernel;
        if (span < 0) {
            return -1;
        }
        int windows = (span + stride - 1) / stride + 1;
        if ((windows - 1) * stride >= in + padBegin) {
            windows--;
        }
        return Math.max(0, (windows - 1) * stride + kernel - (in + padBegin + padEnd));
    }

    void globalAveragePool(OnnxNode n) {
        String x = lowering.activation(n, 0);
        if (x == null || lowering.failed()) {
            return;
        }
        Optional<Shape> in = lowering.shapeOf(x, n);
        if (in.isEmpty() || !lowering.hasRank3(n, in.get())) {
            return;
        }
        lowering.emit(n, name -> wholeMapPool(name, x, in.get()));
    }

    /** The average pool over all of an H×W map: y[c] = Σ_{i,j} x[c,i,j] / (H·W). */
    private AvgPool wholeMapPool(String name, String x, Shape in) {
        // One window covers the map, so the stride is moot; stride = kernel is pooling's default and prints shortest.
        int h = in.dim(1);
        int w = in.dim(2);
        return new AvgPool(name, x, new Window2d(h, w, h, w, Padding.NONE), false, lowering.span);
    }

    /**
     * The window of a Conv or pool node: strides (default 1), and ONNX pads [top, left, bottom, right] (the begins of
     * H and W, then their ends), or auto_pad. VALID pads nothing; SAME_UPPER and SAME_LOWER pad so that the output
     * is ⌈in / stride⌉ with total padding max(0, (⌈in/s⌉ − 1)·s + k − in), the odd pixel going to the end (UPPER)
     * or the beginning (LOWER).
     */
    private Window2d window(OnnxNode n, String x, int kh, int kw) {
        long[] strides = n.intsAttribute("strides").orElse(new long[] {1, 1});
        long[] pads = n.intsAttribute("pads").orElse(new long[4]);
        String autoPad = n.stringAttribute("auto_pad", "NOTSET");
        if (strides.length != 2 || Arrays.stream(strides).anyMatch(s -> s <= 0 || s > Integer.MAX_VALUE)) {
            n.unsupported("strides " + Arrays.toString(strides) + "; snnc needs two positive strides (2-D)");
            return null;
        }
        if (pads.length != 4 || Arrays.stream(pads).anyMatch(p -> p < 0 || p > Integer.MAX_VALUE)) {
            n.unsupported("pads " + Arrays.toString(pads) + "; snnc needs four non-negative pads "
                    + "[top, left, bottom, right]");
            return null;
        }
        int sh = (int) strides[0];
        int sw = (int) strides[1];
        boolean explicitPads = Arrays.stream(pads).anyMatch(p -> p != 0);
        switch (autoPad) {
            case "NOTSET", "" -> {
                return new Window2d(kh, kw, sh, sw, new Padding((int) pads[0], (int) pads[1], (int) pads[2],
                        (int) pads[3]));
            }
            case "VALID", "SAME_UPPER", "SAME_LOWER" -> {
                if (explicitPads) {
                    n.unsupported("auto_pad " + autoPad + " together with pads " + Arrays.toString(pads));
                    return null;
                }
                if (autoPad.equals("VALID")) {
                    return new Window2d(kh, kw, sh, sw, Padding.NONE);
                }
                Optional<Shape> in = lowering.shapeOf(x, n);
                if (in.isEmpty() || !lowering.hasRank3(n, in.get())) {
                    return null;
                }
                boolean upper = autoPad.equals("SAME_UPPER");
                int[] v = samePadding(in.get().dim(1), kh, sh, upper);
                int[] h = samePadding(in.get().dim(2), kw, sw, upper);
                return new Window2d(kh, kw, sh, sw, new Padding(v[0], h[0], v[1], h[1]));
            }
            default -> {
                n.unsupported("auto_pad '" + autoPad + "'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
                return null;
            }
        }
    }

    private static int[] samePadding(int in, int kernel, int stride, boolean upper) {
        int out = Math.floorDiv(in + stride - 1, stride);
        int total = Math.max(0, (out - 1) * stride + kernel - in);
        int small = total / 2;
        return upper ? new int[] {small, total - small} : new int[] {total - small, small};
    }

    private void checkDilations(OnnxNode n) {
        n.intsAttribute("dilations").filter(d -> Arrays.stream(d).anyMatch(v -> v != 1)).ifPresent(d ->
                n.unsupported("dilations " + Arrays.toString(d) + "; snnc pools with dilation 1 only"));
    }

    /** A Conv's dilations [dH, dW] (default 1), or null after a refusal. */
    private static int[] dilations(OnnxNode n) {
        long[] d = n.intsAttribute("dilations").orElse(new long[] {1, 1});
        if (d.length != 2 || d[0] < 1 || d[1] < 1 || d[0] > MAX_DILATION || d[1] > MAX_DILATION) {
            n.unsupported("dilations " + Arrays.toString(d) + "; snnc needs two dilations from 1 to " + MAX_DILATION);
            return null;
        }
        return new int[] {(int) d[0], (int) d[1]};
    }

    /**
     * A kernel [F, C/g, kH, kW] with dilation (dH, dW) as the plain kernel it equals: [F, C/g, (kH − 1)·dH + 1,
     * (kW − 1)·dW + 1], tap (u, v) at (u·dH, v·dW) and zeros between. Σ_{u,v} K[u,v]·x[i·s + u·dH − p, …] is then
     * the plain convolution's sum over the wider window, whose extra taps add w = 0; ONNX's pads and auto_pad apply
     * to the dilated extent as they do here.
     */
    private static Tensor dilated(Tensor kernel, int dh, int dw) {
        if (dh == 1 && dw == 1) {
            return kernel;
        }
        Shape shape = kernel.shape();
        int kh = shape.dim(2);
        int kw = shape.dim(3);
        int wideH = (kh - 1) * dh + 1;
        int wideW = (kw - 1) * dw + 1;
        int planes = shape.dim(0) * shape.dim(1);
        double[] values = new double[planes * wideH * wideW];
        for (int plane = 0; plane < planes; plane++) {
            for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) {
                    values[(plane * wideH + u * dh) * wideW + v * dw] = kernel.get((plane * kh + u) * kw + v);
                }
            }
        }
        return Tensor.wrap(Shape.of(shape.dim(0), shape.dim(1), wideH, wideW), values);
    }

    /** ReduceMean over H and W is a global average pool; with keepdims = 0, a Flatten follows it. */
    void reduceMean(OnnxNode n) {
        String x = lowering.activation(n, 0);
        long[] axes = lowering.opset >= 18 ? (n.input(1).isPresent() ? lowering.longsOf(lowering.constant(n, 1)) : null)
                : n.intsAttribute("axes").orElse(null);
        boolean keepDims = n.intAttribute("keepdims", 1) != 0;
        if (x == null || lowering.failed()) {
            return;
        }
        Optional<Shape> in = lowering.shapeOf(x, n);
        if (in.isEmpty() || !lowering.hasRank3(n, in.get())) {
            return;
        }
        Set<Long> spatial = axes == null ? Set.of() : Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).boxed()
                .collect(Collectors.toSet());
        if (axes == null || axes.length != 2 || !spatial.equals(Set.of(2L, 3L))) {
            n.unsupported("axes " + (axes == null ? "(all)" : Arrays.toString(axes)) + "; snnc imports ReduceMean "
                    + "over H and W (axes 2 and 3) as a global average pool");
            return;
        }
        if (keepDims) {
            lowering.emit(n, name -> wholeMapPool(name, x, in.get()));
            return;
        }
        String pooled = lowering.names.newValueName(n.label());
        lowering.builder.add(wholeMapPool(pooled, x, in.get()));
        lowering.emit(n, name -> new Flatten(name, pooled, lowering.span));
    }

    /**
     * A constant zero Pad of H and W, whose only reader is a Conv, MaxPool or AveragePool: that reader widens its
     * window's padding by the Pad's (see {@link #widened} and {@link #pool}). Pads come from operand 2 (opset 11 on,
     * with optional constant_value and axes operands) or the pads/paddings attribute; negative pads, pads of N or C,
     * a non-zero value and modes other than constant are refused.
     */
    void pad(OnnxNode n) {
        String x = lowering.activation(n, 0);
        String mode = n.stringAttribute("mode", "constant");
        long[] pads;
        long[] axes = null;
        double value = n.floatAttribute("value", 0);
        if (lowering.opset >= 11) {
            pads = lowering.longsOf(lowering.required(n, 1, "pads"));
            Constant c = n.input(2).isPresent() ? lowering.constant(n, 2) : null;
            value = c == null || c.data().size() == 0 ? 0 : c.data().values()[0];
            axes = n.input(3).isPresent() ? lowering.longsOf(lowering.constant(n, 3)) : null;
        } else {
            pads = n.intsAttribute(lowering.opset < 2 ? "paddings" : "pads").orElse(null);
            if (pads == null) {
                n.unsupported("it has no pads");
            }
        }
        if (!mode.equals("constant")) {
            n.unsupported("mode '" + mode + "'; snnc folds only constant zero padding into a Conv or pool");
        }
        if (value != 0) {
            n.unsupported("value " + value + "; snnc folds only zero padding into a Conv or pool");
        }
        Optional<Shape> in = x == null || pads == null || lowering.failed() ? Optional.empty() : lowering.shapeOf(x, n);
        if (in.isEmpty() || !lowering.hasRank3(n, in.get())) {
            return;
        }
        long[] begin = new long[4];
        long[] end = new long[4];
        long[] padded = axes == null ? new long[] {0, 1, 2, 3} : axes;
        if (pads.length != 2 * padded.length) {
            n.unsupported("pads " + Arrays.toString(pads) + " do not give a begin and an end for each of "
                    + padded.length + " axes");
            return;
        }
        for (int i = 0; i < padded.length; i++) {
            int axis = (int) (padded[i] < 0 ? padded[i] + 4 : padded[i]);
            begin[axis] = pads[i];
            end[axis] = pads[i + padded.length];
        }
        String output = n.output(0).orElse("");
        List<Integer> users = lowering.readers.getOrDefault(output, List.of());
        NodeProto reader = users.size() == 1 ? lowering.graph.getNode(users.get(0)) : null;
        boolean channelsOnly = begin[2] == 0 && end[2] == 0 && begin[3] == 0 && end[3] == 0;
        if (begin[0] != 0 || end[0] != 0 || !channelsOnly && (begin[1] != 0 || end[1] != 0)) {
            n.unsupported("pads " + Arrays.toString(pads) + " pad the batch axis, or the channels with H or W; snnc "
                    + "folds padding of H and W, and pads channels alone");
        } else if (Arrays.stream(pads).anyMatch(p -> p < 0 || p > Integer.MAX_VALUE)) {
            n.unsupported("pads " + Arrays.toString(pads) + " crop; snnc folds non-negative padding only");
        } else if (begin[1] != 0 || end[1] != 0) {
            lowering.selections.channelPad(n, x, in.get(), begin[1], end[1]);
        } else if (reader == null || lowering.graphOutputs.contains(output) || !lowering.isDefaultDomain(reader)
                || !PADDED_WINDOWS.contains(reader.getOpType()) || !reader.getInput(0).equals(output)) {
            NodeProto first = users.isEmpty() ? null : lowering.graph.getNode(users.get(0));
            n.unsupported("its output is read by " + (first == null ? "no node" : users.size() + " node(s), the "
                    + "first '" + new OnnxNode(first, new DiagnosticBag(), lowering.span).label() + "' ("
                    + first.getOpType() + ")") + "; snnc folds a Pad only into the one Conv, "
                    + "MaxPool or AveragePool that reads it");
        } else {
            lowering.values.put(output, new PendingPad(n, x, new Padding((int) begin[2], (int) begin[3], (int) end[2],
                    (int) end[3])));
        }
    }
}
