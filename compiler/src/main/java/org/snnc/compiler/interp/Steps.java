package org.snnc.compiler.interp;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * The float64 kernels of the {@link AnnInterpreter}, one {@link Step} per operator, following the ONNX operator
 * definitions (https://onnx.ai/onnx/operators/). Feature maps are {@code [C,H,W]} and vectors {@code [N]}, both flat
 * in C order. Every sum is taken in a fixed order, so a result never depends on how images are spread over threads.
 */
final class Steps {

    private Steps() {
    }

    /** Compiles {@code node}; {@code slot} maps a node name to its slot, {@code shapes} holds the verified shapes. */
    static Step compile(Node node, Graph graph, Map<String, Shape> shapes, Map<String, Integer> slot) {
        if (node instanceof Input) {
            throw new IllegalArgumentException("the input has no step; its slot is filled by the caller");
        }
        int in = slot.get(node.inputs().get(0));
        Shape inShape = shapes.get(node.inputs().get(0));
        if (node instanceof Conv2d conv) {
            return new Conv(in, inShape, shapes.get(conv.name()), conv.window(), conv.groups(),
                    graph.weights().tensors().get(conv.weight().key()), conv.bias().map(b -> values(graph, b)));
        } else if (node instanceof Dense dense) {
            return new DenseStep(in, inShape.dim(0), dense.units(), values(graph, dense.weight()),
                    dense.bias().map(b -> values(graph, b)));
        } else if (node instanceof BatchNorm bn) {
            return new Norm(in, inShape, bn.epsilon(), values(graph, bn.gamma()), values(graph, bn.beta()),
                    values(graph, bn.mean()), values(graph, bn.variance()));
        } else if (node instanceof Affine affine) {
            return new ChannelAffine(in, inShape, values(graph, affine.scale()),
                    affine.shift().map(b -> values(graph, b)).orElse(new double[inShape.dim(0)]));
        } else if (node instanceof Relu relu) {
            return slots -> rectify(slots[in], relu.ceiling());
        } else if (node instanceof AvgPool pool) {
            return new Pool(in, inShape, shapes.get(pool.name()), pool.window(), false, pool.countIncludePad());
        } else if (node instanceof MaxPool pool) {
            return new Pool(in, inShape, shapes.get(pool.name()), pool.window(), true, false);
        } else if (node instanceof Flatten || node instanceof Dropout) {
            return slots -> slots[in];
        } else if (node instanceof Add add) {
            return new Sum(operandSlots(add.inputs(), slot));
        } else if (node instanceof Concat concat) {
            return new Join(operandSlots(concat.inputs(), slot), shapes.get(concat.name()).size());
        } else if (node instanceof Softmax) {
            return slots -> softmax(slots[in]);
        }
        throw new IllegalArgumentException("the ANN interpreter has no kernel for " + node.operator() + " '"
                + node.name() + "'; spiking networks run in the spiking simulator");
    }

    /** The tensor's own array, shared, not copied: no kernel writes to its weights. */
    private static double[] values(Graph graph, ParamRef ref) {
        return graph.weights().tensors().get(ref.key()).backingArray();
    }

    private static int[] operandSlots(List<String> operands, Map<String, Integer> slot) {
        return operands.stream().mapToInt(slot::get).toArray();
    }

    /**
     * ONNX {@code Conv} (dilation 1, explicit pads): y[f,i,j] = b[f] + Σ_c Σ_u Σ_v W[f,c,u,v] · xpad[g·C/G + c,
     * i·sH + u − top, j·sW + v − left] with g = ⌊f·G/F⌋ and zeros outside the input. Each output receives its terms
     * in (c, u, v) order after the bias, the zero padding terms skipped: the formula read left to right.
     *
     * <p>The innermost loops run over a group's filters, s[f] += W[f,c,u,v]·x at one output position, which the JIT
     * turns into vector instructions whatever the size of the feature map. For that the weights are held transposed,
     * one array over the group's filters per (group, channel, tap), and an output row's sums are one array per
     * position, held while every channel passes over the row and then transposed into y. Where two neighbouring
     * positions both read a row of three taps, one loop adds those taps to both, so that each weight loaded serves
     * two sums; the JIT vectorizes a loop only when its body is that small and its arrays are distinct.
     *
     * <p>That loop also takes positions whose row of taps reaches into the padding, adding w·0 for the taps there,
     * when no bias is −0. A padding term is ±0 (weights are finite), and s + (±0) = s for every s but −0. A sum
     * starts at its bias or +0, and a sum that is not −0 never becomes −0 (x + y = −0 only when x and y are both −0),
     * so then the padding's terms leave every sum unchanged, bit for bit. With a bias of −0 they are skipped.
     */
    private static final class Conv implements Step {
        private final int in;
        private final int height;
        private final int width;
        private final int groups;
        private final int perGroupIn;
        private final int perGroupOut;
        private final int kh;
        private final int kw;
        private final int sh;
        private final int sw;
        private final int top;
        private final int left;
        private final int outH;
        private final int outW;
        private final double[] bias;
        /** taps[((g·C/G + c)·kH + u)·kW + v][o] = W[g·F/G + o, c, u, v]: one array per tap over its group's filters. */
        private final double[][] taps;
        /** Whether a sum may receive the padding's terms w·0: when no bias is −0 (see above). */
        private final boolean paddingTermsExact;

        /** Reads {@code weight} into {@link #taps}; it never holds the kernel in its own layout as well. */
        Conv(int in, Shape inShape, Shape outShape, Window2d window, int groups, Tensor weight,
                Optional<double[]> bias) {
            this.in = in;
            this.height = inShape.dim(1);
            this.width = inShape.dim(2);
            this.outH = outShape.dim(1);
            this.outW = outShape.dim(2);
            this.groups = groups;
            this.perGroupIn = inShape.dim(0) / groups;
            this.perGroupOut = outShape.dim(0) / groups;
            this.kh = window.kernelH();
            this.kw = window.kernelW();
            this.sh = window.strideH();
            this.sw = window.strideW();
            this.top = window.padding().top();
            this.left = window.padding().left();
            this.bias = bias.orElse(null);
            this.paddingTermsExact = bias.stream().flatMapToDouble(Arrays::stream)
                    .noneMatch(b -> Double.doubleToRawLongBits(b) == Double.doubleToRawLongBits(-0.0));
            int perFilter = perGroupIn * kh * kw;
            this.taps = new double[groups * perFilter][perGroupOut];
            for (int f = 0; f < outShape.dim(0); f++) {
                int tap0 = f / perGroupOut * perFilter;
                for (int k = 0; k < perFilter; k++) {
                    taps[tap0 + k][f % perGroupOut] = weight.get(f * perFilter + k);
                }
            }
        }

        @Override
        public double[] apply(double[][] slots) {
            double[] x = slots[in];
            int plane = outH * outW;
            double[] y = new double[groups * perGroupOut * plane];
            double[][] sums = new double[outW][perGroupOut];
            for (int g = 0; g < groups; g++) {
                int f0 = g * perGroupOut;
                for (int i = 0; i < outH; i++) {
                    for (double[] position : sums) {
                        if (bias == null) {
                            Arrays.fill(position, 0.0);
                        } else {
                            System.arraycopy(bias, f0, position, 0, perGroupOut);
                        }
                    }
                    for (int c = g * perGroupIn; c < (g + 1) * perGroupIn; c++) {
                        addChannel(x, c, i, sums);
                    }
                    for (int j = 0; j < outW; j++) {
                        double[] position = sums[j];
                        for (int k = 0; k < perGroupOut; k++) {
                            y[(f0 + k) * plane + i * outW + j] = position[k];
                        }
                    }
                }
            }
            return y;
        }

        /**
         * Adds channel c's terms to the sums of output row i: row of taps by row of taps, position by position, each
         * position's taps in v order, the rows of taps on padding skipped, and the taps on padding too unless the
         * three-tap loop adds them as w·0.
         */
        private void addChannel(double[] x, int c, int i, double[][] sums) {
            for (int u = 0; u < kh; u++) {
                int row = i * sh + u - top;
                if (row < 0 || row >= height) {
                    continue;
                }
                int xRow = (c * height + row) * width;
                int tap0 = (c * kh + u) * kw;
                int j = 0;
                while (j < outW) {
                    int column = j * sw - left;
                    int next = column + sw;
                    if (kw == 3 && j + 1 < outW && (paddingTermsExact || column >= 0 && next + 3 <= width)) {
                        addThreeToTwo(sums[j], sums[j + 1], taps[tap0], taps[tap0 + 1], taps[tap0 + 2],
                                padded(x, xRow, column), padded(x, xRow, column + 1), padded(x, xRow, column + 2),
                                padded(x, xRow, next), padded(x, xRow, next + 1), padded(x, xRow, next + 2));
                        j += 2;
                    } else {
                        for (int v = Math.max(0, -column); v < Math.min(kw, width - column); v++) {
                            addOne(sums[j], taps[tap0 + v], x[xRow + column + v]);
                        }
                        j++;
                    }
                }
            }
        }

        /** The input at {@code column} of the row starting at {@code xRow}, or 0 on the padding. */
        private double padded(double[] x, int xRow, int column) {
            return column >= 0 && column < width ? x[xRow + column] : 0.0;
        }

        /** s[k] += w[k]·x for every filter k. */
        private static void addOne(double[] s, double[] w, double x) {
            for (int k = 0; k < s.length; k++) {
                s[k] += w[k] * x;
            }
        }

        /**
         * Three taps w0, w1, w2 at two positions: s[k] += w0[k]·a0, then + w1[k]·a1, then + w2[k]·a2, and t[k]
         * likewise with b0, b1, b2, for every filter k.
         */
        private static void addThreeToTwo(double[] s, double[] t, double[] w0, double[] w1, double[] w2, double a0,
                double a1, double a2, double b0, double b1, double b2) {
            for (int k = 0; k < s.length; k++) {
                double first = s[k];
                double second = t[k];
                first += w0[k] * a0;
                second += w0[k] * b0;
                first += w1[k] * a1;
                second += w1[k] * b1;
                first += w2[k] * a2;
                second += w2[k] * b2;
                s[k] = first;
                t[k] = second;
            }
        }
    }

    /**
     * ONNX {@code Gemm} with transB = 1: y[u] = b[u] + Σ_n W[u,n] · x[n], summed in n order after the bias. Four
     * units are summed side by side, each in its own order, so that the four chains of dependent adds overlap.
     */
    private static final class DenseStep implements Step {
        private final int in;
        private final int inputs;
        private final int units;
        private final double[] weight;
        private final double[] bias;

        DenseStep(int in, int inputs, int units, double[] weight, Optional<double[]> bias) {
            this.in = in;
            this.inputs = inputs;
            this.units = units;
            this.weight = weight;
            this.bias = bias.orElse(null);
        }

        @Override
        public double[] apply(double[][] slots) {
            double[] x = slots[in];
            double[] y = new double[units];
            if (bias != null) {
                System.arraycopy(bias, 0, y, 0, units);
            }
            int u = 0;
            for (; u + 4 <= units; u += 4) {
                int row0 = u * inputs;
                int row1 = row0 + inputs;
                int row2 = row1 + inputs;
                int row3 = row2 + inputs;
                double acc0 = y[u];
                double acc1 = y[u + 1];
                double acc2 = y[u + 2];
                double acc3 = y[u + 3];
                for (int n = 0; n < inputs; n++) {
                    double xn = x[n];
                    acc0 += weight[row0 + n] * xn;
                    acc1 += weight[row1 + n] * xn;
                    acc2 += weight[row2 + n] * xn;
                    acc3 += weight[row3 + n] * xn;
                }
                y[u] = acc0;
                y[u + 1] = acc1;
                y[u + 2] = acc2;
                y[u + 3] = acc3;
            }
            for (; u < units; u++) {
                double acc = y[u];
                int row = u * inputs;
                for (int n = 0; n < inputs; n++) {
                    acc += weight[row + n] * x[n];
                }
                y[u] = acc;
            }
            return y;
        }
    }

    /**
     * ONNX {@code BatchNormalization} in inference mode, over axis 0 of a feature map or a vector:
     * y = (x − μ[c]) / √(σ²[c] + ε) · γ[c] + β[c], evaluated in that order.
     */
    private static final class Norm implements Step {
        private final int in;
        private final int channels;
        private final int perChannel;
        private final double[] gamma;
        private final double[] beta;
        private final double[] mean;
        private final double[] deviation;

        Norm(int in, Shape shape, double epsilon, double[] gamma, double[] beta, double[] mean, double[] variance) {
            this.in = in;
            this.channels = shape.dim(0);
            this.perChannel = shape.size() / channels;
            this.gamma = gamma;
            this.beta = beta;
            this.mean = mean;
            this.deviation = new double[channels];
            for (int c = 0; c < channels; c++) {
                deviation[c] = Math.sqrt(variance[c] + epsilon);
            }
        }

        @Override
        public double[] apply(double[][] slots) {
            double[] x = slots[in];
            double[] y = new double[x.length];
            for (int c = 0; c < channels; c++) {
                double mu = mean[c];
                double sd = deviation[c];
                double g = gamma[c];
                double b = beta[c];
                int end = (c + 1) * perChannel;
                for (int k = c * perChannel; k < end; k++) {
                    y[k] = (x[k] - mu) / sd * g + b;
                }
            }
            return y;
        }
    }

    /** {@link Affine}: y[c,…] = a[c]·x[c,…] + b[c]. */
    private static final class ChannelAffine implements Step {
        private final int in;
        private final int perChannel;
        private final double[] scale;
        private final double[] shift;

        ChannelAffine(int in, Shape shape, double[] scale, double[] shift) {
            this.in = in;
            this.perChannel = shape.size() / shape.dim(0);
            this.scale = scale;
            this.shift = shift;
        }

        @Override
        public double[] apply(double[][] slots) {
            double[] x = slots[in];
            double[] y = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                int c = k / perChannel;
                y[k] = scale[c] * x[k] + shift[c];
            }
            return y;
        }
    }

    /** ONNX {@code Relu}, and {@code Clip(0, ceiling)}: y = min(max(0, x), ceiling); a NaN stays NaN. */
    private static double[] rectify(double[] x, double ceiling) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            y[k] = Math.min(Math.max(0.0, x[k]), ceiling);
        }
        return y;
    }

    /**
     * ONNX {@code MaxPool} and {@code AveragePool} (floor mode, explicit pads). A window at output (i, j) covers input
     * rows i·sH − top … i·sH − top + kH − 1 and columns alike; only its in-bounds positions are read. Max: padding is
     * −∞, so it never wins (every window holds an input position, as padding is smaller than the kernel). Average:
     * the sum of the in-bounds values in row-major window order, divided by kH·kW if {@code count_include_pad}, else
     * by the number of in-bounds positions.
     */
    private static final class Pool implements Step {
        private final int in;
        private final int channels;
        private final int height;
        private final int width;
        private final int outH;
        private final int outW;
        private final int kh;
        private final int kw;
        private final int sh;
        private final int sw;
        private final int top;
        private final int left;
        private final boolean max;
        private final boolean countIncludePad;

        Pool(int in, Shape inShape, Shape outShape, Window2d window, boolean max, boolean countIncludePad) {
            this.in = in;
            this.channels = inShape.dim(0);
            this.height = inShape.dim(1);
            this.width = inShape.dim(2);
            this.outH = outShape.dim(1);
            this.outW = outShape.dim(2);
            this.kh = window.kernelH();
            this.kw = window.kernelW();
            this.sh = window.strideH();
            this.sw = window.strideW();
            this.top = window.padding().top();
            this.left = window.padding().left();
            this.max = max;
            this.countIncludePad = countIncludePad;
        }

        @Override
        public double[] apply(double[][] slots) {
            double[] x = slots[in];
            double[] y = new double[channels * outH * outW];
            int out = 0;
            for (int c = 0; c < channels; c++) {
                int xBase = c * height * width;
                for (int i = 0; i < outH; i++) {
                    int r0 = i * sh - top;
                    int rLo = Math.max(0, r0);
                    int rHi = Math.min(height, r0 + kh);
                    for (int j = 0; j < outW; j++) {
                        int c0 = j * sw - left;
                        int cLo = Math.max(0, c0);
                        int cHi = Math.min(width, c0 + kw);
                        y[out++] = max ? windowMax(x, xBase, rLo, rHi, cLo, cHi)
                                : windowSum(x, xBase, rLo, rHi, cLo, cHi)
                                        / (countIncludePad ? kh * kw : (rHi - rLo) * (cHi - cLo));
                    }
                }
            }
            return y;
        }

        private double windowMax(double[] x, int base, int rLo, int rHi, int cLo, int cHi) {
            double m = Double.NEGATIVE_INFINITY;
            for (int r = rLo; r < rHi; r++) {
                int row = base + r * width;
                for (int col = cLo; col < cHi; col++) {
                    m = Math.max(m, x[row + col]);
                }
            }
            return m;
        }

        private double windowSum(double[] x, int base, int rLo, int rHi, int cLo, int cHi) {
            double s = 0.0;
            for (int r = rLo; r < rHi; r++) {
                int row = base + r * width;
                for (int col = cLo; col < cHi; col++) {
                    s += x[row + col];
                }
            }
            return s;
        }
    }

    /** ONNX {@code Sum} (n-ary add): y = x₀ + x₁ + … + x_{k−1}, added left to right. */
    private static final class Sum implements Step {
        private final int[] operands;

        Sum(int[] operands) {
            this.operands = operands;
        }

        @Override
        public double[] apply(double[][] slots) {
            double[] y = slots[operands[0]].clone();
            for (int k = 1; k < operands.length; k++) {
                double[] x = slots[operands[k]];
                for (int n = 0; n < y.length; n++) {
                    y[n] += x[n];
                }
            }
            return y;
        }
    }

    /** ONNX {@code Concat} on axis 1 (axis 0 without the batch): in C order, the operands' arrays one after another. */
    private static final class Join implements Step {
        private final int[] operands;
        private final int size;

        Join(int[] operands, int size) {
            this.operands = operands;
            this.size = size;
        }

        @Override
        public double[] apply(double[][] slots) {
            double[] y = new double[size];
            int at = 0;
            for (int operand : operands) {
                double[] x = slots[operand];
                System.arraycopy(x, 0, y, at, x.length);
                at += x.length;
            }
            return y;
        }
    }

    /**
     * ONNX {@code Softmax} (opset 13) over a vector, shifted by its maximum m so that no exponential overflows:
     * y[k] = exp(x[k] − m) / Σ_j exp(x[j] − m), with the sum in j order.
     */
    private static double[] softmax(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        double[] y = new double[x.length];
        double sum = 0.0;
        for (int k = 0; k < x.length; k++) {
            y[k] = Math.exp(x[k] - m);
            sum += y[k];
        }
        for (int k = 0; k < y.length; k++) {
            y[k] /= sum;
        }
        return y;
    }
}
