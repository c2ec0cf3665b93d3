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
                    values(graph, conv.weight()), conv.bias().map(b -> values(graph, b)));
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

    /** ⌈a / b⌉ for b > 0 and any a. */
    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /**
     * ONNX {@code Conv} (dilation 1, explicit pads): y[f,i,j] = b[f] + Σ_c Σ_u Σ_v W[f,c,u,v] · xpad[g·C/G + c,
     * i·sH + u − top, j·sW + v − left] with g = ⌊f·G/F⌋ and zeros outside the input. The output is taken in
     * blocks of whole rows whose input rows stay in the cache while every filter runs over them; within a block the
     * loops run over a filter's channels, then its taps, and innermost over an output row (contiguous when sW = 1; a
     * 3×3 stride-1 kernel adds all nine taps of a channel in one pass). Each output still receives its
     * terms in (c, u, v) order, after the bias, so the sum is the formula's, read left to right, with the zero
     * padding terms skipped.
     */
    private static final class Conv implements Step {
        /** The input bytes one block of output rows reads, kept in a core's L2 while every filter reads them. */
        private static final long INPUT_BYTES = 384 * 1024;
        private final int in;
        private final int channels;
        private final int height;
        private final int width;
        private final int filters;
        private final int groups;
        private final int kh;
        private final int kw;
        private final int sh;
        private final int sw;
        private final int top;
        private final int left;
        private final int outH;
        private final int outW;
        private final double[] weight;
        private final double[] bias;
        /** Tap row u reads inside the input for output rows rowsFrom[u] … rowsTo[u]: i·sH + u − top in [0, H). */
        private final int[] rowsFrom;
        private final int[] rowsTo;
        /** Tap column v reads inside for output columns columnsFrom[v] … columnsTo[v]: j·sW + v − left in [0, W). */
        private final int[] columnsFrom;
        private final int[] columnsTo;

        Conv(int in, Shape inShape, Shape outShape, Window2d window, int groups, double[] weight,
                Optional<double[]> bias) {
            this.in = in;
            this.channels = inShape.dim(0);
            this.height = inShape.dim(1);
            this.width = inShape.dim(2);
            this.filters = outShape.dim(0);
            this.outH = outShape.dim(1);
            this.outW = outShape.dim(2);
            this.groups = groups;
            this.kh = window.kernelH();
            this.kw = window.kernelW();
            this.sh = window.strideH();
            this.sw = window.strideW();
            this.top = window.padding().top();
            this.left = window.padding().left();
            this.weight = weight;
            this.bias = bias.orElse(null);
            this.rowsFrom = new int[kh];
            this.rowsTo = new int[kh];
            for (int u = 0; u < kh; u++) {
                rowsFrom[u] = Math.max(0, ceilDiv(top - u, sh));
                rowsTo[u] = Math.min(outH - 1, Math.floorDiv(height - 1 + top - u, sh));
            }
            this.columnsFrom = new int[kw];
            this.columnsTo = new int[kw];
            for (int v = 0; v < kw; v++) {
                columnsFrom[v] = Math.max(0, ceilDiv(left - v, sw));
                columnsTo[v] = Math.min(outW - 1, Math.floorDiv(width - 1 + left - v, sw));
            }
        }

        @Override
        public double[] apply(double[][] slots) {
            double[] x = slots[in];
            int plane = outH * outW;
            double[] y = new double[filters * plane];
            int perGroupIn = channels / groups;
            int perGroupOut = filters / groups;
            // Rows per block: the input rows a block reads, over a group's channels, take about INPUT_BYTES.
            long rowBytes = (long) perGroupIn * width * Double.BYTES * sh;
            int blockRows = (int) Math.max(1, Math.min(outH, INPUT_BYTES / rowBytes - (kh - 1)));
            boolean fused = kh == 3 && kw == 3 && sh == 1 && sw == 1;
            for (int first = 0; first < outH; first += blockRows) {
                int last = Math.min(outH, first + blockRows) - 1;
                for (int f = 0; f < filters; f++) {
                    int g = f / perGroupOut;
                    int yBase = f * plane;
                    if (bias != null) {
                        Arrays.fill(y, yBase + first * outW, yBase + (last + 1) * outW, bias[f]);
                    }
                    for (int c = 0; c < perGroupIn; c++) {
                        int xBase = (g * perGroupIn + c) * height * width;
                        int wBase = (f * perGroupIn + c) * kh * kw;
                        if (fused) {
                            for (int i = first; i <= last; i++) {
                                row3x3(x, xBase, y, yBase + i * outW, i, wBase);
                            }
                        } else {
                            taps(x, xBase, y, yBase, first, last, wBase);
                        }
                    }
                }
            }
            return y;
        }

        /** Every tap of one channel on output rows first … last, tap by tap in (u, v) order, a row at a time. */
        private void taps(double[] x, int xBase, double[] y, int yBase, int first, int last, int wBase) {
            for (int u = 0; u < kh; u++) {
                int iLo = Math.max(first, rowsFrom[u]);
                int iHi = Math.min(last, rowsTo[u]);
                for (int v = 0; v < kw; v++) {
                    double w = weight[wBase + u * kw + v];
                    int jLo = columnsFrom[v];
                    int jHi = columnsTo[v];
                    for (int i = iLo; i <= iHi; i++) {
                        int xRow = xBase + (i * sh + u - top) * width + v - left;
                        int yRow = yBase + i * outW;
                        if (sw == 1) {
                            accumulate(y, yRow + jLo, x, xRow + jLo, w, jHi - jLo + 1);
                        } else {
                            for (int j = jLo; j <= jHi; j++) {
                                y[yRow + j] += w * x[xRow + j * sw];
                            }
                        }
                    }
                }
            }
        }

        /** y[yAt + j] += w · x[xAt + j] for j in [0, n): one tap over a row, a loop the JIT vectorizes. */
        private static void accumulate(double[] y, int yAt, double[] x, int xAt, double w, int n) {
            for (int j = 0; j < n; j++) {
                y[yAt + j] += w * x[xAt + j];
            }
        }

        /**
         * The nine taps of one channel of a 3×3, stride-1 kernel on output row i, added to each output in (u, v)
         * order: where all nine read inside the input, in one pass that keeps the sum in a register (about twice as
         * fast as nine passes of {@link #accumulate}, though the JIT leaves it scalar); on the first and last columns
         * one output at a time, and on rows that reach into the padding tap by tap, the taps on padding skipped.
         */
        private void row3x3(double[] x, int xBase, double[] y, int yRow, int i, int wBase) {
            int r0 = i - top;
            if (r0 < 0 || r0 + 2 >= height) {
                taps(x, xBase, y, yRow - i * outW, i, i, wBase);
                return;
            }
            // Outputs j whose three columns j − left … j − left + 2 lie in [0, W).
            int jLo = Math.min(outW, Math.max(0, left));
            int jHi = Math.min(outW - 1, width - 3 + left);
            for (int j = 0; j < jLo; j++) {
                y[yRow + j] = edge3x3(x, xBase + r0 * width, y[yRow + j], j - left, wBase);
            }
            if (jLo <= jHi) {
                int x0 = xBase + r0 * width - left;
                interior3x3(x, x0, x0 + width, x0 + 2 * width, y, yRow, jLo, jHi + 1, wBase);
            }
            for (int j = Math.max(jLo, jHi + 1); j < outW; j++) {
                y[yRow + j] = edge3x3(x, xBase + r0 * width, y[yRow + j], j - left, wBase);
            }
        }

        private void interior3x3(double[] x, int a, int b, int c, double[] y, int yRow, int from, int to, int wBase) {
            double w00 = weight[wBase];
            double w01 = weight[wBase + 1];
            double w02 = weight[wBase + 2];
            double w10 = weight[wBase + 3];
            double w11 = weight[wBase + 4];
            double w12 = weight[wBase + 5];
            double w20 = weight[wBase + 6];
            double w21 = weight[wBase + 7];
            double w22 = weight[wBase + 8];
            for (int j = from; j < to; j++) {
                double t = y[yRow + j];
                t += w00 * x[a + j];
                t += w01 * x[a + j + 1];
                t += w02 * x[a + j + 2];
                t += w10 * x[b + j];
                t += w11 * x[b + j + 1];
                t += w12 * x[b + j + 2];
                t += w20 * x[c + j];
                t += w21 * x[c + j + 1];
                t += w22 * x[c + j + 2];
                y[yRow + j] = t;
            }
        }

        /**
         * One output of a 3×3, stride-1 kernel on an output row whose three input rows lie inside, starting at
         * {@code rowStart}, and whose window starts at column c0: sum + its in-bounds taps in (u, v) order.
         */
        private double edge3x3(double[] x, int rowStart, double sum, int c0, int wBase) {
            int vLo = Math.max(0, -c0);
            int vHi = Math.min(2, width - 1 - c0);
            double t = sum;
            for (int u = 0; u < 3; u++) {
                int at = rowStart + u * width + c0;
                for (int v = vLo; v <= vHi; v++) {
                    t += weight[wBase + u * 3 + v] * x[at + v];
                }
            }
            return t;
        }
    }

    /** ONNX {@code Gemm} with transB = 1: y[u] = b[u] + Σ_n W[u,n] · x[n], summed in n order after the bias. */
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
            for (int u = 0; u < units; u++) {
                double acc = bias == null ? 0.0 : bias[u];
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
