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

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Relu;

class ComposeLinearTest {

    private static final double EXACT = 1e-12;

    private final ComposeLinear pass = new ComposeLinear();

    /**
     * d2 ∘ d1 with W1 = [[1, 2], [3, 4]], b1 = (1, 2), W2 = [[1, −1]], b2 = 0.5: W = W2·W1 = [[−2, −2]] and
     * b = W2·b1 + b2 = 1 − 2 + 0.5 = −0.5.
     */
    @Test
    void composesTwoDenseLayers() {
        Graph graph = network(
                "input x: f64[2]",
                "d1 = dense(x, units=2, weight=\"d1.w\", bias=\"d1.b\")",
                "d2 = dense(d1, units=1, weight=\"d2.w\", bias=\"d2.b\")",
                "output r = relu(d2)")
                .weight("d1.w", shape(2, 2), 1, 2, 3, 4).weight("d1.b", shape(2), 1, 2)
                .weight("d2.w", shape(1, 2), 1, -1).weight("d2.b", shape(1), 0.5).build();
        Graph composed = run(pass, graph);
        assertValues(new double[] {-2, -2}, parameter(composed, "d2", "weight"), EXACT);
        assertValues(new double[] {-0.5}, parameter(composed, "d2", "bias"), EXACT);
        assertEquals("x", composed.node("d2").inputs().get(0));
        assertTrue(!composed.nodes().containsKey("d1"), "d1 has no reader left");
        assertSameFunction(graph, composed, EXACT, new double[] {1, 0}, new double[] {-3, 0.25});
    }

    /**
     * A 1×1 conv over x [1,1,2] with weight 2 and bias 1, read by a 1×2 conv with no padding, weights (3, −1), bias
     * 0: composed, K = (6, −2) and b = 3·1 − 1·1 = 2. With padding the border taps would read zeros, not the
     * inner bias, so the value is split instead: two relus and a sum.
     */
    @Test
    void foldsAPointwiseBiasOnlyWhenNoTapReadsPadding() {
        String[] statements = {
                "input x: f64[1,1,2]",
                "c1 = conv2d(x, filters=1, kernel=1, weight=\"c1.w\", bias=\"c1.b\")",
                "c2 = conv2d(c1, filters=1, kernel=[1,2], padding=PAD, weight=\"c2.w\")",
                "output r = relu(c2)"};
        Graph unpadded = network(replace(statements, "PAD", "0"))
                .weight("c1.w", shape(1, 1, 1, 1), 2).weight("c1.b", shape(1), 1)
                .weight("c2.w", shape(1, 1, 1, 2), 3, -1).build();
        Graph composed = run(pass, unpadded);
        assertValues(new double[] {6, -2}, parameter(composed, "c2", "weight"), EXACT);
        assertValues(new double[] {2}, parameter(composed, "c2", "bias"), EXACT);
        assertSameFunction(unpadded, composed, EXACT, new double[] {1, 2}, new double[] {-1, 0.5});

        Graph padded = network(replace(statements, "PAD", "[0,1,0,1]"))
                .weight("c1.w", shape(1, 1, 1, 1), 2).weight("c1.b", shape(1), 1)
                .weight("c2.w", shape(1, 1, 1, 2), 3, -1).build();
        Graph split = run(pass, padded);
        assertEquals(Map.of("values-split", 1L), statistics(pass, padded));
        assertInstanceOf(Add.class, split.node("c2"));
        assertInstanceOf(Relu.class, split.node("c1.positive"));
        assertInstanceOf(Relu.class, split.node("c1.negative"));
        assertValues(new double[] {-2}, parameter(split, "c1.negated", "weight"), EXACT);
        assertValues(new double[] {-1}, parameter(split, "c1.negated", "bias"), EXACT);
        assertSameFunction(padded, split, EXACT, new double[] {1, 2}, new double[] {-1, 0.5});
    }

    /**
     * A value two padded 3×3 convs read, whose name already has a ".positive" (a node of the user's): both readers
     * read the same two new relus, named apart from the user's node.
     */
    @Test
    void twoReadersOfASplitValueShareItsParts() {
        Graph graph = Networks.withRandomWeights(Networks.parse(String.join("\n",
                "network shared",
                "input x: f64[2,4,4]",
                "v = conv2d(x, filters=2, kernel=3, padding=1, weight=\"v.w\", bias=\"v.b\")",
                "v.positive = relu(x)",
                "a = conv2d(v, filters=2, kernel=3, padding=1, weight=\"a.w\", bias=\"a.b\")",
                "b = conv2d(v, filters=2, kernel=3, padding=1, weight=\"b.w\", bias=\"b.b\")",
                "s = add(a, b, v.positive)",
                "output r = relu(s)",
                "")), 11);
        Graph split = run(pass, graph);
        assertEquals(Map.of("values-split", 2L), statistics(pass, graph));
        List<String> relusOfV = split.nodeList().stream().filter(node -> node instanceof Relu)
                .map(node -> node.name()).filter(name -> name.startsWith("v.") && !name.equals("v.positive")).toList();
        assertEquals(List.of("v.positive_1", "v.negative"), relusOfV);
        assertEquals("x", split.node("v.positive").inputs().get(0));
        assertSameFunction(graph, split, 1e-12, Networks.images(4, 32, 2));
    }

    /**
     * mobilenet_v2's linear bottlenecks: projections p1, p2 with no relu, a residual sum of them, and an expansion
     * reading the sum. The expansion is distributed over the sum and composed with both projections, so that it
     * reads the two relus directly, and the projections and the sum are gone.
     */
    @Test
    void composesAnExpansionThroughAResidualSumOfProjections() {
        Graph graph = Networks.withRandomWeights(Networks.parse(String.join("\n",
                "network bottleneck",
                "input x: f64[2,3,3]",
                "c0 = conv2d(x, filters=4, kernel=3, padding=1, weight=\"c0.w\", bias=\"c0.b\")",
                "h1 = relu(c0)",
                "p1 = conv2d(h1, filters=3, kernel=1, weight=\"p1.w\", bias=\"p1.b\")",
                "d = conv2d(p1, filters=4, kernel=1, weight=\"d.w\", bias=\"d.b\")",
                "h2 = relu(d)",
                "dw = conv2d(h2, filters=4, kernel=3, padding=1, groups=4, weight=\"dw.w\", bias=\"dw.b\")",
                "h3 = relu(dw)",
                "p2 = conv2d(h3, filters=3, kernel=1, weight=\"p2.w\", bias=\"p2.b\")",
                "s = add(p1, p2)",
                "e = conv2d(s, filters=5, kernel=1, weight=\"e.w\", bias=\"e.b\")",
                "output r = relu(e)",
                "")), 7);
        Graph composed = run(pass, graph);
        assertEquals(Map.of("sums-distributed", 1L, "layers-composed", 3L), statistics(pass, graph));
        assertTrue(ComposeLinear.isComposed(composed));
        for (String gone : new String[] {"p1", "p2", "s"}) {
            assertTrue(!composed.nodes().containsKey(gone), gone + " has no reader left");
        }
        assertEquals("h1", composed.node("d").inputs().get(0));
        Add sum = assertInstanceOf(Add.class, composed.node("e"));
        assertEquals(2, sum.inputs().size());
        assertSameFunction(graph, composed, 1e-12, Networks.images(5, 18, 3));
    }

    /**
     * Random pairs of a linear value V (a conv of any kernel, stride, padding and grouping, an affine, or a sum of
     * two convs) and a conv reading it: the rewritten graph computes the same function, no weighted layer reads a
     * linear value any more, and V is composed exactly when the class comment's rules allow it.
     */
    @Property(tries = 60)
    void everyLinearPairBecomesTheSameFunctionOfPopulations(
            @ForAll @IntRange(min = 0, max = 2) int valueKind,
            @ForAll @IntRange(min = 1, max = 3) int innerKernel,
            @ForAll @IntRange(min = 0, max = 1) int innerPad,
            @ForAll @IntRange(min = 1, max = 2) int innerStride,
            @ForAll boolean depthwise,
            @ForAll @IntRange(min = 1, max = 3) int outerKernel,
            @ForAll @IntRange(min = 0, max = 1) int outerPad,
            @ForAll @IntRange(min = 1, max = 2) int outerStride,
            @ForAll boolean withBias,
            @ForAll long seed) {
        String bias = withBias ? ", bias=\"v.b\"" : "";
        String value = switch (valueKind) {
            case 0 -> "v = conv2d(h, filters=4, kernel=" + innerKernel + ", stride=" + innerStride + ", padding="
                    + innerPad + (depthwise ? ", groups=4" : "") + ", weight=\"v.w\"" + bias + ")";
            case 1 -> "v = affine(h, scale=\"v.scale\"" + (withBias ? ", shift=\"v.shift\"" : "") + ")";
            default -> "a = conv2d(h, filters=4, kernel=3, padding=1, weight=\"a.w\")\n"
                    + "b = conv2d(h, filters=4, kernel=1, weight=\"b.w\")\nv = add(a, b)";
        };
        Graph graph = Networks.withRandomWeights(Networks.parse(String.join("\n",
                "network pair",
                "input x: f64[2,7,7]",
                "c = conv2d(x, filters=4, kernel=1, weight=\"c.w\", bias=\"c.b\")",
                "h = relu(c)",
                value,
                "o = conv2d(v, filters=3, kernel=" + outerKernel + ", stride=" + outerStride + ", padding="
                        + outerPad + ", weight=\"o.w\", bias=\"o.b\")",
                "output r = relu(o)",
                "")), seed);
        Graph rewritten = run(pass, graph);
        assertTrue(ComposeLinear.isComposed(rewritten));
        assertSameFunction(graph, rewritten, 1e-9, Networks.images(3, 98, seed));
        if (valueKind == 0) {
            boolean innerPointwise = innerKernel == 1 && innerStride == 1 && innerPad == 0;
            boolean composable = outerKernel == 1 && outerPad == 0
                    || innerPointwise && (outerPad == 0 || !withBias);
            assertEquals(composable ? Map.of("layers-composed", 1L) : Map.of("values-split", 1L),
                    statistics(pass, graph));
        }
        if (valueKind == 1) {
            assertEquals(outerPad == 1 && withBias ? Map.of("values-split", 1L) : Map.of("layers-composed", 1L),
                    statistics(pass, graph));
        }
    }

    private static String[] replace(String[] statements, String from, String to) {
        String[] replaced = statements.clone();
        for (int k = 0; k < replaced.length; k++) {
            replaced[k] = replaced[k].replace(from, to);
        }
        return replaced;
    }
}
