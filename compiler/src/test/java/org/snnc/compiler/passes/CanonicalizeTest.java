package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.passes.PassFixtures.assertSameFunction;
import static org.snnc.compiler.passes.PassFixtures.lines;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.runAll;
import static org.snnc.compiler.passes.PassFixtures.shape;
import static org.snnc.compiler.passes.PassFixtures.statements;
import static org.snnc.compiler.passes.PassFixtures.statistics;

import java.util.Map;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Window2d;

class CanonicalizeTest {

    private final Canonicalize pass = new Canonicalize();

    private static final double[][] IMAGES = {
        {1, -2, 3, -4, 0.5, 6, -7, 8, 9, -1, 2, -3, 0, 4, -5, 6},
        {-1, 2, -3, 4, -0.5, -6, 7, -8, 0, 1, -2, 3, 5, -4, 5, -6}};

    @Test
    void aFlattenOfAVectorIsRemoved() {
        Graph graph = network(
                "input x: f64[4]",
                "f = flatten(x)",
                "output d = dense(f, units=1, weight=\"d.weight\")").weight("d.weight", shape(1, 4), 1, 2, 3, 4)
                .build();
        assertEquals(lines("input x: f64[4]", "output d = dense(x, units=1, weight=\"d.weight\")"),
                statements(run(pass, graph)));
        assertEquals(Map.of("identities-removed", 1L), statistics(pass, graph));
    }

    @Test
    void unitPoolsAreRemovedButAStridedUnitPoolIsKept() {
        Graph graph = network(
                "input x: f64[1,4,4]",
                "a = avgpool(x, kernel=1)",
                "m = maxpool(a, kernel=1)",
                "output s = maxpool(m, kernel=1, stride=2)").build();
        assertEquals(lines("input x: f64[1,4,4]", "output s = maxpool(x, kernel=1, stride=2)"),
                statements(run(pass, graph)));
        assertEquals(Map.of("identities-removed", 2L), statistics(pass, graph));
    }

    @Test
    void aReluOfAReluIsMergedIntoTheOuterOne() {
        Graph graph = network("input x: f64[3]", "r1 = relu(x)", "output r2 = relu(r1)").build();
        assertEquals(lines("input x: f64[3]", "output r2 = relu(x)"), statements(run(pass, graph)));
    }

    @Test
    void aReluAfterAMaxPoolMovesBeforeItAndKeepsItsName() {
        Graph graph = network(
                "input x: f64[1,4,4]",
                "p = maxpool(x, kernel=2)",
                "r = relu(p)",
                "f = flatten(r)",
                "output d = dense(f, units=2, weight=\"d.weight\")")
                .weight("d.weight", shape(2, 4), 1, -1, 2, 0.5, -3, 1, 1, 2).build();
        assertRewritesOnce(graph, "relus-moved-before-maxpool",
                "input x: f64[1,4,4]",
                "r = relu(x)",
                "p = maxpool(r, kernel=2)",
                "f = flatten(p)",
                "output d = dense(f, units=2, weight=\"d.weight\")");
    }

    /** The pass turns {@code graph} into {@code expected}, computing the same function, by one {@code rule}. */
    private void assertRewritesOnce(Graph graph, String rule, String... expected) {
        Graph result = run(pass, graph);
        assertEquals(lines(expected), statements(result));
        assertSameFunction(graph, result, 0, IMAGES);
        assertEquals(Map.of(rule, 1L), statistics(pass, graph));
    }

    @Test
    void aPoolOfAConcatPoolsEachOperandAndTheConcatKeepsThePoolsName() {
        Graph graph = network(
                "input x: f64[1,4,4]",
                "a = relu(x)",
                "b = avgpool(x, kernel=3, stride=1, padding=1)",
                "c = concat(a, b)",
                "p = maxpool(c, kernel=2)",
                "f = flatten(p)",
                "output d = dense(f, units=2, weight=\"d.weight\")")
                .weight("d.weight", shape(2, 8), 1, -1, 2, 0.5, -3, 1, 1, 2, 0, 1, -2, 3, 1, 0.5, -1, 2).build();
        assertRewritesOnce(graph, "pools-moved-before-concat",
                "input x: f64[1,4,4]",
                "a = relu(x)",
                "b = avgpool(x, kernel=3, stride=1, padding=1)",
                "p.a = maxpool(a, kernel=2)",
                "p.b = maxpool(b, kernel=2)",
                "p = concat(p.a, p.b)",
                "f = flatten(p)",
                "output d = dense(f, units=2, weight=\"d.weight\")");
    }

    @Test
    void aMaxPoolWithAnotherUserKeepsTheReluAfterIt() {
        Graph graph = network(
                "input x: f64[1,4,4]",
                "p = maxpool(x, kernel=2)",
                "r = relu(p)",
                "output s = add(p, r)").build();
        PipelineResult result = runAll(graph, pass);
        assertEquals(graph, result.graph());
        assertFalse(result.runs().get(0).changed());
    }

    @Test
    void rulesApplyToAFixedPoint() {
        // relu(relu(maxpool(avgpool_1x1(x)))): the identity pool goes; rules apply in definition order, so r1 moves
        // above the maxpool, then r2 does, and then the two relus merge, the merged one keeping the outer name.
        Graph graph = network(
                "input x: f64[1,4,4]",
                "a = avgpool(x, kernel=1)",
                "p = maxpool(a, kernel=2)",
                "r1 = relu(p)",
                "output r2 = relu(r1)").build();
        Graph result = run(pass, graph);
        assertEquals(lines("input x: f64[1,4,4]", "r2 = relu(x)", "output p = maxpool(r2, kernel=2)"),
                statements(result));
        assertSameFunction(graph, result, 0, IMAGES);
        assertEquals(Map.of("identities-removed", 2L, "relus-moved-before-maxpool", 2L), statistics(pass, graph));
        assertEquals(result, run(pass, result));
    }

    /**
     * GoogLeNet's pattern: maxpool 3×3 stride 2 in ceil mode (one row and column of end padding) over 9×9, then
     * maxpool 3×3 stride 1 padding 1. The union window has kernel 3 + 2·2 = 7, stride 2, leading padding 0 + 1·2 = 2
     * and the trailing padding that keeps the 4×4 output: (4 − 1)·2 + 7 − 9 − 2 = 2.
     */
    @Test
    void aMaxPoolOverAMaxPoolIsOnePoolOverTheUnionOfWindows() {
        Graph graph = network(
                "input x: f64[1,9,9]",
                "a = maxpool(x, kernel=3, stride=2, padding=[0,0,1,1])",
                "output b = maxpool(a, kernel=3, stride=1, padding=1)").build();
        Graph merged = run(pass, graph);
        assertEquals(lines("input x: f64[1,9,9]", "output b = maxpool(x, kernel=7, stride=2, padding=2)"),
                statements(merged));
        assertSameFunction(graph, merged, 0, Networks.images(4, 81, 5));
    }

    /**
     * Random pairs of max pools over random maps: when the rule applies the merged pool computes the same maxima
     * (exactly, inputs of both signs), and it applies whenever a's windows leave no gaps and b pads no end, the
     * cases the union window always covers. Two identity pools merge into one that is then removed, so a merge is
     * any loss of nodes.
     */
    @Property(tries = 200)
    void mergedMaxPoolsComputeTheSameMaxima(
            @ForAll @IntRange(min = 1, max = 4) int ka, @ForAll @IntRange(min = 1, max = 3) int sa,
            @ForAll @IntRange(min = 0, max = 1) int pa, @ForAll @IntRange(min = 0, max = 2) int qa,
            @ForAll @IntRange(min = 1, max = 3) int kb, @ForAll @IntRange(min = 1, max = 2) int sb,
            @ForAll @IntRange(min = 0, max = 1) int pb, @ForAll @IntRange(min = 0, max = 1) int qb,
            @ForAll @IntRange(min = 6, max = 11) int size) {
        Assume.that(pa < ka && qa < ka && pb < kb && qb < kb);
        Window2d a = new Window2d(ka, ka, sa, sa, new Padding(pa, pa, qa, qa));
        Window2d b = new Window2d(kb, kb, sb, sb, new Padding(pb, pb, qb, qb));
        Assume.that(a.outputHeight(size) >= 1 && b.outputHeight(a.outputHeight(size)) >= 1);
        Graph graph = network(
                "input x: f64[2," + size + "," + size + "]",
                "a = maxpool(x, kernel=" + ka + ", stride=" + sa + ", padding=[" + pa + "," + pa + "," + qa + "," + qa
                        + "])",
                "output b = maxpool(a, kernel=" + kb + ", stride=" + sb + ", padding=[" + pb + "," + pb + "," + qb
                        + "," + qb + "])").build();
        Graph merged = run(pass, graph);
        boolean applies = merged.nodes().size() < graph.nodes().size();
        Statistics.collect(applies ? "merged" : "kept");
        double[][] images = Networks.images(3, 2 * size * size, ka * 1000L + size);
        for (double[] image : images) {
            for (int k = 0; k < image.length; k += 2) {
                image[k] = -image[k];
            }
        }
        assertSameFunction(graph, merged, 0, images);
        if (ka >= sa && qb == 0) {
            assertTrue(applies || Canonicalize.unionWindow(a, b, size, size).isEmpty(), "no cropping needed");
        }
    }
}
