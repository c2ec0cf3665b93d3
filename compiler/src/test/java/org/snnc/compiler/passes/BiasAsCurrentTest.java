package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.snnc.compiler.passes.PassFixtures.assertValues;
import static org.snnc.compiler.passes.PassFixtures.lines;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.parameter;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.runAll;
import static org.snnc.compiler.passes.PassFixtures.shape;
import static org.snnc.compiler.passes.PassFixtures.statements;
import static org.snnc.compiler.passes.PassFixtures.statistics;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;

class BiasAsCurrentTest {

    private static final double EXACT = 1e-15;

    private final BiasAsCurrent pass = new BiasAsCurrent();

    /** dense(x: [2], units=2) with bias {@code bias} into a population p that has {@code current} (if any). */
    private static Graph denseIntoPopulation(double[] bias, double... current) {
        PassFixtures.Network network = network(
                "input x: f64[2]",
                "d = dense(x, units=2, weight=\"d.weight\", bias=\"d.bias\")",
                current.length == 0 ? "output p = if(d)" : "output p = if(d, current=\"p.current\")")
                .weight("d.weight", shape(2, 2), 1, 2, 3, 4)
                .weight("d.bias", shape(2), bias);
        return current.length == 0 ? network.build() : network.weight("p.current", shape(2), current).build();
    }

    @Test
    void aConvolutionBiasBecomesACurrentOfThePopulationsShape() {
        Graph graph = network(
                "input x: f64[1,2,2]",
                "e = encode(x, mode=analog)",
                "c = conv2d(e, filters=2, kernel=1, weight=\"c.weight\", bias=\"c.bias\")",
                "output p = if(c)")
                .weight("c.weight", shape(2, 1, 1, 1), 1, 2)
                .weight("c.bias", shape(2), 0.5, -0.25).build();
        Graph result = run(pass, graph);
        assertEquals(lines(
                "input x: f64[1,2,2]",
                "e = encode(x, mode=analog)",
                "c = conv2d(e, filters=2, kernel=1, weight=\"c.weight\")",
                "output p = if(c, current=\"p.current\")"), statements(result));
        assertEquals(shape(2, 2, 2), result.weights().get("p.current").orElseThrow().shape());
        assertValues(new double[] {0.5, 0.5, 0.5, 0.5, -0.25, -0.25, -0.25, -0.25}, parameter(result, "p", "current"),
                EXACT);
        assertEquals(Set.of("c.weight", "p.current"), result.weights().tensors().keySet());
        assertEquals(Map.of("biases-moved", 1L, "currents", 1L), statistics(pass, graph));
    }

    @Test
    void aBiasThroughAPaddedAveragePoolCountsOnlyTheRealPositionsOfEachWindow() {
        Graph graph = network(
                "input x: f64[1,2,2]",
                "c = conv2d(x, filters=1, kernel=1, weight=\"c.weight\", bias=\"c.bias\")",
                "a = avgpool(c, kernel=2, stride=1, padding=1, count_include_pad=true)",
                "output p = if(a)")
                .weight("c.weight", shape(1, 1, 1, 1), 3)
                .weight("c.bias", shape(1), 0.5).build();
        Graph result = run(pass, graph);
        // Output [1,3,3]; each 2×2 window covers 1 (corner), 2 (edge) or 4 (centre) real positions of bias 0.5,
        // and count_include_pad divides by 4 always.
        assertValues(new double[] {0.125, 0.25, 0.125, 0.25, 0.5, 0.25, 0.125, 0.25, 0.125},
                parameter(result, "p", "current"), EXACT);
        assertFalse(result.node("c").parameters().containsKey("bias"));
    }

    @Test
    void theBiasesOfTwoAddedBranchesSumIntoOneCurrent() {
        Graph graph = network(
                "input x: f64[2]",
                "d1 = dense(x, units=2, weight=\"d1.weight\", bias=\"d1.bias\")",
                "d2 = dense(x, units=2, weight=\"d2.weight\", bias=\"d2.bias\")",
                "s = add(d1, d2)",
                "output p = if(s)")
                .weight("d1.weight", shape(2, 2), 1, 0, 0, 1)
                .weight("d1.bias", shape(2), 1, 2)
                .weight("d2.weight", shape(2, 2), 0, 1, 1, 0)
                .weight("d2.bias", shape(2), 0.25, -3).build();
        Graph result = run(pass, graph);
        assertValues(new double[] {1.25, -1}, parameter(result, "p", "current"), EXACT);
        assertEquals(Map.of("biases-moved", 2L, "currents", 1L), statistics(pass, graph));
        assertEquals(Set.of("d1.weight", "d2.weight", "p.current"), result.weights().tensors().keySet());
    }

    @Test
    void aBiasThroughASecondWeightedLayerIsMappedByItsWeights() {
        Graph graph = network(
                "input x: f64[2]",
                "d1 = dense(x, units=2, weight=\"d1.weight\", bias=\"d1.bias\")",
                "d2 = dense(d1, units=2, weight=\"d2.weight\", bias=\"d2.bias\")",
                "output p = if(d2)")
                .weight("d1.weight", shape(2, 2), 5, 6, 7, 8)
                .weight("d1.bias", shape(2), 1, 2)
                .weight("d2.weight", shape(2, 2), 1, -1, 2, 0.5)
                .weight("d2.bias", shape(2), 0.5, 0).build();
        // W2·b1 + b2 = (1 − 2, 2 + 1) + (0.5, 0)
        assertValues(new double[] {-0.5, 3}, parameter(run(pass, graph), "p", "current"), EXACT);
    }

    @Test
    void aPopulationBlocksTheBiasesBeforeIt() {
        Graph graph = network(
                "input x: f64[2]",
                "d1 = dense(x, units=2, weight=\"d1.weight\", bias=\"d1.bias\")",
                "p1 = if(d1)",
                "d2 = dense(p1, units=2, weight=\"d2.weight\", bias=\"d2.bias\")",
                "output p2 = if(d2)")
                .weight("d1.weight", shape(2, 2), 1, 0, 0, 1)
                .weight("d1.bias", shape(2), 1, 2)
                .weight("d2.weight", shape(2, 2), 1, 1, 1, 1)
                .weight("d2.bias", shape(2), -0.5, 0.75).build();
        Graph result = run(pass, graph);
        assertValues(new double[] {1, 2}, parameter(result, "p1", "current"), EXACT);
        assertValues(new double[] {-0.5, 0.75}, parameter(result, "p2", "current"), EXACT);
    }

    @Test
    void anExistingCurrentIsAddedTo() {
        Graph result = run(pass, denseIntoPopulation(new double[] {1, -2}, 0.5, 0.5));
        assertValues(new double[] {1.5, -1.5}, parameter(result, "p", "current"), EXACT);
        assertEquals(1, result.weights().tensors().keySet().stream().filter(k -> k.startsWith("p.current")).count());
    }

    @Test
    void aCurrentThatSumsToZeroEverywhereIsDropped() {
        Graph result = run(pass, denseIntoPopulation(new double[] {1, -2}, -1, 2));
        assertEquals(lines("input x: f64[2]", "d = dense(x, units=2, weight=\"d.weight\")", "output p = if(d)"),
                statements(result));
        assertEquals(Set.of("d.weight"), result.weights().tensors().keySet());
    }

    @Test
    void aZeroBiasMakesNoCurrent() {
        Graph result = run(pass, denseIntoPopulation(new double[] {0, 0}));
        assertFalse(result.node("p").parameters().containsKey("current"));
        assertFalse(result.node("d").parameters().containsKey("bias"));
    }

    @Test
    void aGraphWithoutBiasOrCurrentIsUnchanged() {
        Graph graph = network(
                "input x: f64[2]",
                "d = dense(x, units=2, weight=\"d.weight\")",
                "output p = if(d)").weight("d.weight", shape(2, 2), 1, 2, 3, 4).build();
        PipelineResult result = runAll(graph, pass);
        assertEquals(graph, result.graph());
        assertFalse(result.runs().get(0).changed());
    }
}
