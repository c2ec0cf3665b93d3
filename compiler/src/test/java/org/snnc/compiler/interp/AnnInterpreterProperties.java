package org.snnc.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.interp.Nets.AT;
import static org.snnc.compiler.interp.Nets.conv;
import static org.snnc.compiler.interp.Nets.dense;
import static org.snnc.compiler.interp.Nets.input;
import static org.snnc.compiler.interp.Nets.randoms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * Algebraic identities of the interpreter on small random layers. Each expectation is computed here, by a direct
 * reading of the formula or by a different graph, never by the kernel under test.
 */
class AnnInterpreterProperties {

    private static final double TOLERANCE = 1e-10;

    /**
     * A grouped convolution equals the concatenation of G ordinary convolutions, group g applying filters
     * g·F/G … (g+1)·F/G − 1 to input channels g·C/G … (g+1)·C/G − 1. Checked twice: against a naive convolution of
     * each sliced group, bit for bit, since every output must be its formula read left to right (the bias, then the
     * terms in (c, u, v) order with those on the padding skipped; normalization's λs depend on that order); and
     * against a graph that concatenates G groups=1 convolutions whose kernels are zero outside their group's
     * channels. Two inputs in three are ±0, and some tries have biases of −0, so that whole windows sum to zeros
     * whose sign the padding's terms would change if the interpreter added them where it must not.
     */
    @Property(tries = 120)
    void groupedConvIsTheConcatOfPerGroupConvs(
            @ForAll @IntRange(min = 1, max = 3) int groups,
            @ForAll @IntRange(min = 1, max = 2) int channelsPerGroup,
            @ForAll @IntRange(min = 1, max = 70) int filtersPerGroup,
            @ForAll @IntRange(min = 1, max = 4) int kh,
            @ForAll @IntRange(min = 1, max = 4) int kw,
            @ForAll @IntRange(min = 0, max = 5) int extraH,
            @ForAll @IntRange(min = 0, max = 5) int extraW,
            @ForAll @IntRange(min = 1, max = 2) int stride,
            @ForAll @IntRange(min = 0, max = 15) int padBits,
            @ForAll boolean bias,
            @ForAll boolean negativeZeroBias,
            @ForAll long seed) {
        Random random = new Random(seed);
        int c = groups * channelsPerGroup;
        int f = groups * filtersPerGroup;
        int h = kh + extraH;
        int w = kw + extraW;
        Padding pad = new Padding(padBits & 1, padBits >> 1 & 1, padBits >> 2 & 1, padBits >> 3 & 1);
        Window2d window = new Window2d(kh, kw, stride, stride, pad);
        double[] x = randoms(random, c * h * w);
        for (int k = 0; k < x.length; k++) {
            if (random.nextInt(3) > 0) {
                x[k] = negativeZeroBias || random.nextBoolean() ? -0.0 : 0.0;
            }
        }
        double[] weight = randoms(random, f * channelsPerGroup * kh * kw);
        double[] b = bias ? randoms(random, f) : new double[f];
        if (bias && negativeZeroBias) {
            // Positive weights on −0 inputs keep a −0 bias −0, which a padding term w·(+0) = +0 would make +0.
            Arrays.setAll(weight, k -> Math.abs(weight[k]));
            for (int k = 0; k < b.length; k += 2) {
                b[k] = -0.0;
            }
        }

        GraphBuilder grouped = Graph.builder("grouped").add(input(c, h, w))
                .add(conv("g", "x", f, window, groups, bias))
                .output("g")
                .weight("g.weight", Tensor.of(Shape.of(f, channelsPerGroup, kh, kw), weight));
        if (bias) {
            grouped.weight("g.bias", Tensor.of(Shape.of(f), b));
        }
        double[] actual = new AnnInterpreter(grouped.build()).evaluate(x);

        // Expectation 1: slice each group out and convolve it naively, then lay the groups end to end.
        List<double[]> parts = new ArrayList<>();
        int hw = h * w;
        int perFilter = channelsPerGroup * kh * kw;
        for (int g = 0; g < groups; g++) {
            double[] xg = slice(x, g * channelsPerGroup * hw, channelsPerGroup * hw);
            double[] wg = slice(weight, g * filtersPerGroup * perFilter, filtersPerGroup * perFilter);
            double[] bg = slice(b, g * filtersPerGroup, filtersPerGroup);
            parts.add(naiveConv(xg, channelsPerGroup, h, w, wg, bg, filtersPerGroup, window));
        }
        assertArrayEquals(concat(parts), actual);

        // Expectation 2: the same as a graph of ordinary convolutions and a concat.
        GraphBuilder split = Graph.builder("split").add(input(c, h, w));
        List<String> names = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            String name = "g" + g;
            double[] full = new double[filtersPerGroup * c * kh * kw];
            for (int fo = 0; fo < filtersPerGroup; fo++) {
                for (int ci = 0; ci < channelsPerGroup; ci++) {
                    System.arraycopy(weight, ((g * filtersPerGroup + fo) * channelsPerGroup + ci) * kh * kw, full,
                            (fo * c + g * channelsPerGroup + ci) * kh * kw, kh * kw);
                }
            }
            split.add(conv(name, "x", filtersPerGroup, window, 1, bias))
                    .weight(name + ".weight", Tensor.of(Shape.of(filtersPerGroup, c, kh, kw), full));
            if (bias) {
                split.weight(name + ".bias", Tensor.of(Shape.of(filtersPerGroup), slice(b, g * filtersPerGroup,
                        filtersPerGroup)));
            }
            names.add(name);
        }
        String out = names.get(0);
        if (groups > 1) {
            split.add(new Concat("cat", names, AT));
            out = "cat";
        }
        assertClose(actual, new AnnInterpreter(split.output(out).build()).evaluate(x));
    }

    /**
     * A dense layer on flatten(x) equals a convolution whose kernel covers the whole of x, flattened: the kernel
     * [F, C, H, W] and the matrix [F, C·H·W] are the same numbers in C order, and each is, bit for bit, the plain
     * dot product summed after the bias in input order. Enough units that the dense kernel's blocks of four units
     * have a remainder.
     */
    @Property(tries = 120)
    void denseIsAConvCoveringTheWholeInput(
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 4) int h,
            @ForAll @IntRange(min = 1, max = 4) int w,
            @ForAll @IntRange(min = 1, max = 9) int units,
            @ForAll boolean bias,
            @ForAll long seed) {
        Random random = new Random(seed);
        int n = c * h * w;
        double[] x = randoms(random, n);
        double[] weight = randoms(random, units * n);
        double[] b = randoms(random, units);

        GraphBuilder asDense = Graph.builder("dense").add(input(c, h, w))
                .add(new Flatten("f", "x", AT))
                .add(dense("d", "f", units, bias))
                .output("d")
                .weight("d.weight", Tensor.of(Shape.of(units, n), weight));
        GraphBuilder asConv = Graph.builder("conv").add(input(c, h, w))
                .add(conv("k", "x", units, new Window2d(h, w, 1, 1, Padding.NONE), 1, bias))
                .add(new Flatten("f", "k", AT))
                .output("f")
                .weight("k.weight", Tensor.of(Shape.of(units, c, h, w), weight));
        if (bias) {
            asDense.weight("d.bias", Tensor.of(Shape.of(units), b));
            asConv.weight("k.bias", Tensor.of(Shape.of(units), b));
        }
        double[] viaDense = new AnnInterpreter(asDense.build()).evaluate(x);
        double[] viaConv = new AnnInterpreter(asConv.build()).evaluate(x);

        double[] dot = new double[units];
        for (int u = 0; u < units; u++) {
            double sum = bias ? b[u] : 0;
            for (int k = 0; k < n; k++) {
                sum += weight[u * n + k] * x[k];
            }
            dot[u] = sum;
        }
        assertArrayEquals(dot, viaDense);
        assertArrayEquals(dot, viaConv);
    }

    /**
     * On non-overlapping k×k windows of relu(x), the max pool is at least the average pool: each window's mean is at
     * most its largest value. Both pools are also checked against the window's max and mean computed here.
     */
    @Property(tries = 120)
    void maxPoolOfReluIsAtLeastAvgPool(
            @ForAll @IntRange(min = 1, max = 2) int c,
            @ForAll @IntRange(min = 1, max = 3) int k,
            @ForAll @IntRange(min = 1, max = 3) int rows,
            @ForAll @IntRange(min = 1, max = 3) int cols,
            @ForAll boolean countIncludePad,
            @ForAll long seed) {
        Random random = new Random(seed);
        int h = k * rows;
        int w = k * cols;
        double[] x = randoms(random, c * h * w);
        Window2d window = Window2d.square(k, k, 0);
        Graph g = Graph.builder("pools").add(input(c, h, w))
                .add(new Relu("r", "x", AT))
                .add(new MaxPool("m", "r", window, AT))
                .add(new AvgPool("a", "r", window, countIncludePad, AT))
                .add(new Add("s", List.of("m", "a"), AT))
                .output("s")
                .build();
        Activations acts = new AnnInterpreter(g).evaluateBatch(new double[][] {x}, Set.of("m", "a"), 1);
        double[] max = acts.values("m", 0);
        double[] avg = acts.values("a", 0);
        assertEquals(c * rows * cols, max.length);
        int out = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double largest = 0;
                    double sum = 0;
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            double r = Math.max(0, x[(ch * h + i * k + u) * w + j * k + v]);
                            largest = Math.max(largest, r);
                            sum += r;
                        }
                    }
                    assertEquals(largest, max[out], 0.0);
                    assertEquals(sum / (k * k), avg[out], TOLERANCE);
                    assertTrue(max[out] >= avg[out] - TOLERANCE, "window " + out + ": " + max[out] + " < " + avg[out]);
                    out++;
                }
            }
        }
    }

    /**
     * y[f,i,j] = b[f] + Σ_c Σ_u Σ_v W[f,c,u,v]·xpad[c, i·s+u, j·s+v], read straight off the definition: the terms
     * added left to right, those on the zero padding skipped.
     */
    private static double[] naiveConv(double[] x, int c, int h, int w, double[] weight, double[] bias, int f,
            Window2d window) {
        int kh = window.kernelH();
        int kw = window.kernelW();
        int outH = window.outputHeight(h);
        int outW = window.outputWidth(w);
        Padding pad = window.padding();
        double[] y = new double[f * outH * outW];
        for (int fo = 0; fo < f; fo++) {
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    double sum = bias[fo];
                    for (int ci = 0; ci < c; ci++) {
                        for (int u = 0; u < kh; u++) {
                            for (int v = 0; v < kw; v++) {
                                int r = i * window.strideH() + u - pad.top();
                                int col = j * window.strideW() + v - pad.left();
                                if (r >= 0 && r < h && col >= 0 && col < w) {
                                    sum += weight[((fo * c + ci) * kh + u) * kw + v] * x[(ci * h + r) * w + col];
                                }
                            }
                        }
                    }
                    y[(fo * outH + i) * outW + j] = sum;
                }
            }
        }
        return y;
    }

    private static double[] slice(double[] a, int from, int length) {
        double[] part = new double[length];
        System.arraycopy(a, from, part, 0, length);
        return part;
    }

    private static double[] concat(List<double[]> parts) {
        double[] all = new double[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], TOLERANCE * (1 + Math.abs(expected[k])), "index " + k);
        }
    }
}
