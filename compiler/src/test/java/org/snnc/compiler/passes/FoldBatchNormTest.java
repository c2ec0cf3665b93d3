package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.snnc.compiler.passes.PassFixtures.assertSameFunction;
import static org.snnc.compiler.passes.PassFixtures.assertValues;
import static org.snnc.compiler.passes.PassFixtures.lines;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.parameter;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.shape;
import static org.snnc.compiler.passes.PassFixtures.statements;
import static org.snnc.compiler.passes.PassFixtures.statistics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;

/**
 * Every batchnorm here has ε = 0.25 and, per channel, γ = (1, 2), β = (0.1, −0.2), μ = (0.25, 2) and
 * σ² = (3.75, 0.75), so that s = γ/√(σ²+ε) = (1/2, 2/1) = (0.5, 2) exactly.
 */
class FoldBatchNormTest {

    private static final double EXACT = 1e-12;

    private final FoldBatchNorm pass = new FoldBatchNorm();

    /** Attaches the batchnorm statistics of the class comment to the batchnorm {@code name}. */
    private static PassFixtures.Network withBatchNorm(PassFixtures.Network network, String name) {
        return network
                .weight(name + ".gamma", shape(2), 1, 2)
                .weight(name + ".beta", shape(2), 0.1, -0.2)
                .weight(name + ".mean", shape(2), 0.25, 2)
                .weight(name + ".var", shape(2), 3.75, 0.75);
    }

    private static String batchNorm(String name, String operand) {
        return name + " = batchnorm(" + operand + ", eps=0.25, gamma=\"" + name + ".gamma\", beta=\"" + name
                + ".beta\", mean=\"" + name + ".mean\", var=\"" + name + ".var\")";
    }

    /** conv2d(x: [2,2,1], filters=2, kernel=1) with W = [[2, 3], [−1, 4]] and b = (0.5, 1). */
    private static PassFixtures.Network convolution(String... rest) {
        String[] statements = new String[rest.length + 2];
        statements[0] = "input x: f64[2,2,1]";
        statements[1] = "c = conv2d(x, filters=2, kernel=1, weight=\"c.weight\", bias=\"c.bias\")";
        System.arraycopy(rest, 0, statements, 2, rest.length);
        return network(statements)
                .weight("c.weight", shape(2, 2, 1, 1), 2, 3, -1, 4)
                .weight("c.bias", shape(2), 0.5, 1);
    }

    private static final double[][] IMAGES = {{1, 0, 0, 1}, {0.5, -2, 3, 0.25}};

    @Test
    void foldsIntoATwoChannelConvolution() {
        Graph graph = withBatchNorm(convolution(batchNorm("b", "c"), "output r = relu(b)"), "b").build();
        Graph folded = run(pass, graph);
        // W′[c,…] = W[c,…]·s[c]; b′ = (b − μ)·s + β = ((0.5−0.25)·0.5+0.1, (1−2)·2−0.2)
        assertValues(new double[] {1, 1.5, -2, 8}, parameter(folded, "c", "weight"), EXACT);
        assertValues(new double[] {0.225, -2.2}, parameter(folded, "c", "bias"), EXACT);
        assertEquals("r", folded.output());
        assertEquals(List.of("x", "c", "r"), List.copyOf(folded.nodes().keySet()));
        assertEquals("c", folded.node("r").inputs().get(0));
        assertSameFunction(graph, folded, EXACT, IMAGES);
        assertEquals(Map.of("batchnorms-folded", 1L), statistics(pass, graph));
    }

    @Test
    void foldsIntoADenseLayerWithoutBias() {
        Graph graph = withBatchNorm(network(
                "input x: f64[3]",
                "d = dense(x, units=2, weight=\"d.weight\")",
                "output " + batchNorm("b", "d")), "b")
                .weight("d.weight", shape(2, 3), 1, 2, 3, 4, 5, 6).build();
        Graph folded = run(pass, graph);
        assertValues(new double[] {0.5, 1, 1.5, 8, 10, 12}, parameter(folded, "d", "weight"), EXACT);
        // no bias, so b′ = −μ·s + β = (−0.25·0.5+0.1, −2·2−0.2)
        assertValues(new double[] {-0.025, -4.2}, parameter(folded, "d", "bias"), EXACT);
        assertEquals("d", folded.output());
        assertSameFunction(graph, folded, EXACT, new double[] {1, -1, 2}, new double[] {0.3, 0.7, -5});
    }

    @Test
    void aBatchNormOnTheInputBecomesAnAffine() {
        Graph graph = withBatchNorm(network("input x: f64[2,1,2]", "output " + batchNorm("b", "x")), "b").build();
        Graph result = run(pass, graph);
        assertEquals(lines("input x: f64[2,1,2]", "output b = affine(x, scale=\"b.scale\", shift=\"b.shift\")"),
                statements(result));
        assertValues(new double[] {0.5, 2}, parameter(result, "b", "scale"), EXACT);
        // shift = β − μ·s = (0.1 − 0.25·0.5, −0.2 − 2·2)
        assertValues(new double[] {-0.025, -4.2}, parameter(result, "b", "shift"), EXACT);
        assertSameFunction(graph, result, EXACT, IMAGES);
        assertEquals(Map.of("batchnorms-to-affine", 1L), statistics(pass, graph));
    }

    @Test
    void aLayerWithASecondUserKeepsItsWeightsAndTheBatchNormBecomesAnAffine() {
        Graph graph = withBatchNorm(convolution(batchNorm("b", "c"), "r = relu(c)", "output s = add(b, r)"), "b")
                .build();
        Graph result = run(pass, graph);
        assertEquals("affine", result.node("b").operator());
        assertEquals("c", result.node("b").inputs().get(0));
        assertValues(new double[] {2, 3, -1, 4}, parameter(result, "c", "weight"), EXACT);
        assertValues(new double[] {0.5, 1}, parameter(result, "c", "bias"), EXACT);
        assertValues(new double[] {-0.025, -4.2}, parameter(result, "b", "shift"), EXACT);
        assertSameFunction(graph, result, EXACT, IMAGES);
    }

    @Test
    void twoBatchNormsInARowBothFoldIntoTheLayer() {
        Graph graph = withBatchNorm(withBatchNorm(convolution(batchNorm("b1", "c"), "output " + batchNorm("b2", "b1")),
                "b1"), "b2").build();
        Graph folded = run(pass, graph);
        assertEquals(lines("input x: f64[2,2,1]", "output c = conv2d(x, filters=2, kernel=1, weight=\""
                + folded.node("c").parameters().get("weight").key() + "\", bias=\""
                + folded.node("c").parameters().get("bias").key() + "\")"), statements(folded));
        // W·s² with s² = (0.25, 4); b″ = (b′ − μ)·s + β with b′ = (0.225, −2.2)
        assertValues(new double[] {0.5, 0.75, -4, 16}, parameter(folded, "c", "weight"), EXACT);
        assertValues(new double[] {0.0875, -8.6}, parameter(folded, "c", "bias"), EXACT);
        assertSameFunction(graph, folded, EXACT, IMAGES);
        assertEquals(Map.of("batchnorms-folded", 2L), statistics(pass, graph));
    }

    @Test
    void replacedParametersAreNotKept() {
        Graph graph = withBatchNorm(convolution("output " + batchNorm("b", "c")), "b").build();
        Graph folded = run(pass, graph);
        assertEquals(Set.of(folded.node("c").parameters().get("weight").key(),
                folded.node("c").parameters().get("bias").key()), folded.weights().tensors().keySet());
    }
}
