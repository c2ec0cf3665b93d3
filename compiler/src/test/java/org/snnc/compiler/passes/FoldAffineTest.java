package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.passes.PassFixtures.assertSameFunction;
import static org.snnc.compiler.passes.PassFixtures.assertValues;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.parameter;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.shape;
import static org.snnc.compiler.passes.PassFixtures.statistics;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Relu;

class FoldAffineTest {

    private static final double EXACT = 1e-12;

    private final FoldAffine pass = new FoldAffine();

    /**
     * An affine with scale (2, −1) and shift (0.5, 1) over concat(h, c) of a relu h [1,1,2] and a 1×1 conv c
     * (weight 3, bias 1): the slice over h stays an affine (2·h + 0.5), the one over c folds into it
     * (W = −1·3 = −3, b = −1·1 + 1 = 0), and the relu over the concat becomes a concat of two relus.
     */
    @Test
    void anAffineOverAConcatFoldsSliceBySliceAndTheReluSplits() {
        Graph graph = network(
                "input x: f64[1,1,2]",
                "h = relu(x)",
                "c = conv2d(h, filters=1, kernel=1, weight=\"c.w\", bias=\"c.b\")",
                "j = concat(h, c)",
                "a = affine(j, scale=\"a.scale\", shift=\"a.shift\")",
                "output r = relu(a)")
                .weight("c.w", shape(1, 1, 1, 1), 3).weight("c.b", shape(1), 1)
                .weight("a.scale", shape(2), 2, -1).weight("a.shift", shape(2), 0.5, 1).build();
        Graph folded = run(pass, graph);
        assertEquals(Map.of("affines-folded", 2L, "relus-split-over-concats", 1L), statistics(pass, graph));
        Concat parts = assertInstanceOf(Concat.class, folded.node("r"));
        assertEquals(2, parts.inputs().size());
        parts.inputs().forEach(part -> assertInstanceOf(Relu.class, folded.node(part)));
        String convPart = folded.node(parts.inputs().get(1)).inputs().get(0);
        assertValues(new double[] {-3}, parameter(folded, convPart, "weight"), EXACT);
        assertValues(new double[] {0}, parameter(folded, convPart, "bias"), EXACT);
        assertTrue(FoldAffine.isFolded(folded));
        assertSameFunction(graph, folded, EXACT, new double[] {1, -2}, new double[] {0.25, 3});
    }

    /**
     * DenseNet's pattern at random: features that are convolution outputs (no relu) concatenated, possibly averaged
     * by a pool, summed with another branch or scaled by another affine, under a batchnorm-like affine and a relu.
     * After the pass no affine reads a linear value, and the function is the same.
     */
    @Property(tries = 60)
    void foldingKeepsTheFunction(@ForAll @IntRange(min = 0, max = 3) int shape, @ForAll boolean padded,
            @ForAll boolean countPadding, @ForAll long seed) {
        String feature = switch (shape) {
            case 0 -> "f = concat(h, c)";
            case 1 -> "j = concat(h, c)\nf = avgpool(j, kernel=2, stride=1, padding=" + (padded ? 1 : 0)
                    + ", count_include_pad=" + countPadding + ")";
            case 2 -> "d = conv2d(h, filters=3, kernel=1, weight=\"d.w\")\nf = add(c, d)";
            default -> "f = affine(c, scale=\"f.scale\", shift=\"f.shift\")";
        };
        int channels = shape == 0 || shape == 1 ? 5 : 3;
        Graph graph = Networks.withRandomWeights(Networks.parse(String.join("\n",
                "network dense",
                "input x: f64[2,4,4]",
                "e = conv2d(x, filters=2, kernel=3, padding=1, weight=\"e.w\", bias=\"e.b\")",
                "h = relu(e)",
                "c = conv2d(h, filters=3, kernel=3, padding=1, weight=\"c.w\", bias=\"c.b\")",
                feature,
                "a = affine(f, scale=\"a.scale\", shift=\"a.shift\")",
                "r = relu(a)",
                "output o = conv2d(r, filters=2, kernel=1, weight=\"o.w\")",
                "")), seed);
        assertEquals(channels, graph.weights().get("a.scale").orElseThrow().size());
        Graph folded = run(pass, graph);
        assertTrue(FoldAffine.isFolded(folded) || shape == 1 && padded && countPadding,
                "every affine over a linear value folds, but over a pool that counts its padding");
        assertSameFunction(graph, folded, 1e-9, Networks.images(3, 32, seed));
    }
}
