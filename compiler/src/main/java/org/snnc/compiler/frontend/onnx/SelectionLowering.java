package org.snnc.compiler.frontend.onnx;

import java.util.Optional;
import java.util.stream.IntStream;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * Slices and channel pads of an activation, as He et al.'s option A shortcut writes them
 * ({@code F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, p, p))}): each is a 1×1 convolution whose weights select, so that it
 * is an exact linear layer the conversion composes with its neighbours. Output channel o reads input channel s(o)
 * with weight 1, or nothing (a zero-padded channel), at stride (s_H, s_W):
 * y[o, i, j] = x[s(o), i·s_H, j·s_W].
 * <ul>
 *   <li>Slice: on the channel axis any start, end and positive step (s(o) = start + o·step); on H and W the rows
 *       from 0 by a positive step to the end, which a stride gives (⌈d/step⌉ outputs); the batch axis whole.
 *       Other ranges crop, which a convolution cannot, and are refused.</li>
 *   <li>Pad with zeros on the channel axis only: b channels before and a after, s(o) = o − b.</li>
 * </ul>
 */
final class SelectionLowering {

    private final OnnxLowering lowering;

    SelectionLowering(OnnxLowering lowering) {
        this.lowering = lowering;
    }

    /** A Slice of an activation. */
    void slice(OnnxNode n) {
        String x = lowering.activation(n, 0);
        ConstantLowering.SliceRanges ranges = lowering.constants.sliceRanges(n);
        Optional<Shape> shape = x == null || ranges == null || lowering.failed() ? Optional.empty()
                : lowering.shapeOf(x, n);
        if (shape.isEmpty() || !lowering.hasRank3(n, shape.get())) {
            return;
        }
        long[] dims = {1, shape.get().dim(0), shape.get().dim(1), shape.get().dim(2)};
        long[][] kept;
        try {
            kept = ConstantFolding.sliceRanges(dims, ranges.starts(), ranges.ends(), ranges.axes(), ranges.steps());
        } catch (ConstantFolding.FoldException e) {
            n.unsupported(e.getMessage());
            return;
        }
        long[] first = kept[0];
        long[] step = kept[1];
        long[] count = kept[2];
        for (int axis = 0; axis < 4; axis++) {
            if (step[axis] < 1) {
                n.unsupported("axis " + axis + " with step " + step[axis] + "; snnc slices an activation by "
                        + "positive steps");
                return;
            }
        }
        for (int axis : new int[] {0, 2, 3}) {
            boolean strided = first[axis] == 0 && count[axis] == ceilDiv(dims[axis], step[axis]);
            if (axis == 0 ? count[0] != 1 || step[0] != 1 : !strided) {
                long end = count[axis] == 0 ? first[axis] : first[axis] + (count[axis] - 1) * step[axis] + 1;
                n.unsupported("it keeps [" + first[axis] + ", " + end + ") by " + step[axis] + " of axis " + axis
                        + " (size " + dims[axis] + "); snnc slices an activation's rows and columns only from 0 to "
                        + "the end by a step, and its batch not at all");
                return;
            }
        }
        int[] source = IntStream.range(0, (int) count[1]).map(k -> (int) (first[1] + k * step[1])).toArray();
        if (source.length == 0) {
            n.unsupported("it keeps no channel");
            return;
        }
        select(n, x, shape.get(), source, (int) step[2], (int) step[3]);
    }

    /** A zero Pad of {@code before} and {@code after} channels of activation {@code x} of {@code shape}. */
    void channelPad(OnnxNode n, String x, Shape shape, long before, long after) {
        int channels = shape.dim(0);
        int[] source = IntStream.range(0, (int) (before + channels + after))
                .map(o -> o >= before && o < before + channels ? (int) (o - before) : -1).toArray();
        select(n, x, shape, source, 1, 1);
    }

    /** Emits the 1×1 convolution in which output channel o reads input channel source[o] (none when −1). */
    private void select(OnnxNode n, String x, Shape shape, int[] source, int strideH, int strideW) {
        int channels = shape.dim(0);
        double[] weight = new double[source.length * channels];
        for (int o = 0; o < source.length; o++) {
            if (source[o] >= 0) {
                weight[o * channels + source[o]] = 1;
            }
        }
        String base = n.output(0).orElse(n.label());
        Tensor kernel = Tensor.wrap(Shape.of(source.length, channels, 1, 1), weight);
        lowering.emit(n, name -> new Conv2d(name, x, source.length, new Window2d(1, 1, strideH, strideW,
                Padding.NONE), 1, lowering.newParam(base + ".selection", kernel), Optional.empty(), lowering.span));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
