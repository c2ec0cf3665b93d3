package org.snnc.compiler.nir;

import java.util.Arrays;
import java.util.List;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/**
 * A window operation as PyTorch computes it: the cross-correlation
 * {@code y[f, i, j] = Σ_{c, u, v} W[f, c, u, v] · x[g·C/G + c, i·s_h − p_top + u·d_h, j·s_w − p_left + v·d_w] / n
 * + b[f]}, with g = f's group of G, x read as 0 outside its bounds, and each output axis
 * {@code ⌊(H + p_top + p_bottom − d·(k − 1) − 1) / s⌋ + 1} long. Conv2d is this with n = 1; Conv1d is Conv2d of
 * height 1; SumPool2d is the depthwise case (G = C) with a kernel of ones, and AvgPool2d that divided by the kernel's
 * area n (padding counted, as PyTorch's {@code count_include_pad}). Each term is divided by n before it is summed,
 * as snnc's simulator adds each spike's share s/n to its windows: a mean of spikes then rounds as snnc's does.
 *
 * <p>Padding {@code same} pads d·(k − 1) in all, the smaller half before (PyTorch's rule); {@code valid} pads none.
 */
final class NirConvolution {

    private final double[] weight;
    private final double[] bias;
    private final double divisor;
    private final int groups;
    private final int[] kernel;
    private final int[] stride;
    private final int[] dilation;
    private final int[] before;
    private final int channels;
    private final int[] in;
    private final int[] out;
    private final Shape inputShape;
    private final Shape outputShape;

    private NirConvolution(Geometry g, Shape inShape) {
        this.weight = g.weight.backingArray();
        this.bias = g.bias == null ? null : g.bias.toArray();
        this.divisor = g.divisor;
        this.groups = g.groups;
        this.kernel = g.kernel;
        this.stride = g.stride;
        this.dilation = g.dilation;
        this.inputShape = inShape;
        this.channels = inShape.dim(0);
        this.in = g.oneD ? new int[] {1, inShape.dim(1)} : new int[] {inShape.dim(1), inShape.dim(2)};
        this.before = new int[2];
        this.out = new int[2];
        int filters = g.weight.shape().dim(0);
        for (int axis = 0; axis < 2; axis++) {
            int span = dilation[axis] * (kernel[axis] - 1);
            int total = g.padding == null ? span : 2 * g.padding[axis];
            before[axis] = g.padding == null ? total / 2 : g.padding[axis];
            int room = in[axis] + total - span - 1;
            if (room < 0) {
                throw g.fail("the kernel " + Shape.of(kernel) + " with dilation " + Shape.of(dilation)
                        + " does not fit its input " + inShape + " with padding " + total + " on axis " + axis);
            }
            out[axis] = room / stride[axis] + 1;
        }
        this.outputShape = g.oneD ? Shape.of(filters, out[1]) : Shape.of(filters, out[0], out[1]);
    }

    /**
     * The operation of a Conv1d, Conv2d, SumPool2d or AvgPool2d node on an input of shape {@code input} ([C, L] or
     * [C, H, W]), or null to take it from the node's {@code input_shape}; a field that does not fit is E1105.
     */
    static NirConvolution of(String name, NirNode node, Shape input, SourceSpan span) {
        Geometry g = new Geometry(name, node, span);
        if (node instanceof NirNode.Conv2d conv) {
            g.filters(conv.weight(), 4, conv.groups(), conv.bias());
            g.kernel = new int[] {conv.weight().shape().dim(2), conv.weight().shape().dim(3)};
            g.stride = g.positive("stride", conv.stride());
            g.dilation = g.positive("dilation", conv.dilation());
            g.padding = g.padding(conv.paddingMode(), conv.padding());
            return new NirConvolution(g, g.input(input, conv.inputShape(), 2));
        }
        if (node instanceof NirNode.Conv1d conv) {
            g.oneD = true;
            g.filters(conv.weight(), 3, conv.groups(), conv.bias());
            g.kernel = new int[] {1, conv.weight().shape().dim(2)};
            g.stride = g.positive("stride", List.of(1, conv.stride()));
            g.dilation = g.positive("dilation", List.of(1, conv.dilation()));
            g.padding = g.padding(conv.paddingMode(), List.of(0, conv.padding()));
            return new NirConvolution(g, g.input(input, conv.inputShape(), 1));
        }
        List<Integer> kernel;
        List<Integer> stride;
        List<Integer> padding;
        if (node instanceof NirNode.SumPool2d pool) {
            kernel = pool.kernelSize();
            stride = pool.stride();
            padding = pool.padding();
        } else if (node instanceof NirNode.AvgPool2d pool) {
            kernel = pool.kernelSize();
            stride = pool.stride();
            padding = pool.padding();
        } else {
            throw new IllegalArgumentException(node.type() + " is not a window operation");
        }
        g.kernel = g.positive("kernel_size", kernel);
        g.stride = g.positive("stride", stride);
        g.dilation = new int[] {1, 1};
        g.padding = g.padding("", padding);
        Shape shape = g.input(input, List.of(), 2);
        int c = shape.dim(0);
        double[] ones = new double[c * g.kernel[0] * g.kernel[1]];
        Arrays.fill(ones, 1);
        g.weight = Tensor.wrap(Shape.of(c, 1, g.kernel[0], g.kernel[1]), ones);
        g.groups = c;
        g.divisor = node instanceof NirNode.AvgPool2d ? g.kernel[0] * g.kernel[1] : 1;
        return new NirConvolution(g, shape);
    }

    Shape inputShape() {
        return inputShape;
    }

    Shape outputShape() {
        return outputShape;
    }

    /** The output for one input, both flat in C order. */
    double[] apply(double[] x) {
        int filters = outputShape.dim(0);
        int perGroup = filters / groups;
        int groupChannels = channels / groups;
        int kh = kernel[0];
        int kw = kernel[1];
        double[] y = new double[filters * out[0] * out[1]];
        for (int f = 0; f < filters; f++) {
            int firstChannel = f / perGroup * groupChannels;
            for (int i = 0; i < out[0]; i++) {
                for (int j = 0; j < out[1]; j++) {
                    double sum = 0;
                    for (int c = 0; c < groupChannels; c++) {
                        for (int u = 0; u < kh; u++) {
                            int row = i * stride[0] - before[0] + u * dilation[0];
                            if (row < 0 || row >= in[0]) {
                                continue;
                            }
                            for (int v = 0; v < kw; v++) {
                                int col = j * stride[1] - before[1] + v * dilation[1];
                                if (col >= 0 && col < in[1]) {
                                    sum += weight[((f * groupChannels + c) * kh + u) * kw + v]
                                            * x[((firstChannel + c) * in[0] + row) * in[1] + col] / divisor;
                                }
                            }
                        }
                    }
                    y[(f * out[0] + i) * out[1] + j] = sum + (bias == null ? 0 : bias[f]);
                }
            }
        }
        return y;
    }

    /** The fields of one node while they are checked; every problem is E1105 naming the node and the field. */
    private static final class Geometry {
        private final String name;
        private final NirNode node;
        private final SourceSpan span;
        private boolean oneD;
        private Tensor weight;
        private Tensor bias;
        private double divisor = 1;
        private int groups = 1;
        private int[] kernel;
        private int[] stride;
        private int[] dilation;
        /** Per axis, both sides; null for {@code same}. */
        private int[] padding;

        Geometry(String name, NirNode node, SourceSpan span) {
            this.name = name;
            this.node = node;
            this.span = span;
        }

        CompilationException fail(String problem) {
            return CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, node.type(), problem);
        }

        void filters(Tensor w, int rank, int g, Tensor b) {
            if (w.shape().rank() != rank) {
                throw fail("field 'weight' has shape " + w.shape() + ", not rank " + rank
                        + " [filters, channels/groups, kernel...]");
            }
            int count = w.shape().dim(0);
            if (g < 1 || count % g != 0) {
                throw fail("field 'groups' is " + g + ", which does not divide the " + count + " filters of 'weight'");
            }
            if (b.size() != count && b.size() != 1) {
                throw fail("field 'bias' has shape " + b.shape() + ", not [" + count + "] for the filters of 'weight'");
            }
            weight = w;
            bias = Tensor.wrap(Shape.of(count), NirParameters.expand(b, count));
            groups = g;
        }

        /** Two integers, one per spatial axis (height first; 1 for a Conv1d's missing height). */
        int[] pair(String field, List<Integer> values) {
            if (values.size() != 2) {
                throw fail("field '" + field + "' is " + values + ", not one value per axis");
            }
            return values.stream().mapToInt(Integer::intValue).toArray();
        }

        int[] positive(String field, List<Integer> values) {
            int[] array = pair(field, values);
            for (int value : array) {
                if (value < 1) {
                    throw fail("field '" + field + "' is " + values + "; it must be positive");
                }
            }
            return array;
        }

        int[] padding(String mode, List<Integer> values) {
            switch (mode) {
                case "same":
                    return null;
                case "valid":
                    return new int[] {0, 0};
                case "":
                    int[] array = pair("padding", values);
                    if (array[0] < 0 || array[1] < 0) {
                        throw fail("field 'padding' is " + values + "; it must not be negative");
                    }
                    return array;
                default:
                    throw fail("field 'padding' is '" + mode + "', not 'same', 'valid' or integers");
            }
        }

        /** The input shape: the edges', else the {@code input_shape} field's with the weight's channels. */
        Shape input(Shape given, List<Integer> declared, int spatial) {
            int inChannels = weight == null ? -1 : weight.shape().dim(1) * groups;
            if (given == null) {
                if (declared.size() != spatial || inChannels < 0) {
                    throw fail("no edge gives its input's size, and field 'input_shape' does not either");
                }
                int[] dims = new int[spatial + 1];
                dims[0] = inChannels;
                for (int axis = 0; axis < spatial; axis++) {
                    dims[axis + 1] = declared.get(axis);
                }
                return shape(dims);
            }
            if (given.rank() != spatial + 1) {
                throw fail("its input has shape " + given + ", not rank " + (spatial + 1) + " [channels, "
                        + (spatial == 1 ? "length]" : "height, width]"));
            }
            if (inChannels >= 0 && given.dim(0) != inChannels) {
                throw fail("field 'weight' has shape " + weight.shape() + ", which takes " + inChannels
                        + " channels in " + groups + " groups, but its input has shape " + given);
            }
            if (!declared.isEmpty() && !declared.equals(given.dims().subList(1, spatial + 1))) {
                throw fail("field 'input_shape' is " + declared + ", but its input has shape " + given);
            }
            return given;
        }

        private Shape shape(int[] dims) {
            for (int d : dims) {
                if (d < 1) {
                    throw fail("field 'input_shape' gives the input shape " + Arrays.toString(dims)
                            + ", which is not positive");
                }
            }
            return Shape.of(dims);
        }
    }
}
