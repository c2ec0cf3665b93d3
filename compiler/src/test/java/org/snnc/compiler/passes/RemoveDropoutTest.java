package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.snnc.compiler.passes.PassFixtures.lines;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.shape;
import static org.snnc.compiler.passes.PassFixtures.statements;
import static org.snnc.compiler.passes.PassFixtures.statistics;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;

class RemoveDropoutTest {

    private final RemoveDropout pass = new RemoveDropout();

    @Test
    void everyUserOfADropoutReadsItsOperand() {
        Graph graph = network(
                "input x: f64[3]",
                "d = dropout(x, rate=0.3)",
                "a = relu(d)",
                "b = relu(d)",
                "output s = add(a, b)").build();
        assertEquals(lines(
                "input x: f64[3]",
                "a = relu(x)",
                "b = relu(x)",
                "output s = add(a, b)"), statements(run(pass, graph)));
        assertEquals(Map.of("dropouts-removed", 1L), statistics(pass, graph));
    }

    @Test
    void aDropoutThatIsTheOutputHandsTheOutputToItsOperand() {
        Graph graph = network(
                "input x: f64[2]",
                "h = dense(x, units=2, weight=\"h.weight\")",
                "output d = dropout(h)").weight("h.weight", shape(2, 2), 1, 2, 3, 4).build();
        Graph result = run(pass, graph);
        assertEquals("h", result.output());
        assertEquals(lines("input x: f64[2]", "output h = dense(x, units=2, weight=\"h.weight\")"),
                statements(result));
    }

    @Test
    void chainedDropoutsAreAllRemoved() {
        Graph graph = network(
                "input x: f64[3]",
                "d1 = dropout(x)",
                "d2 = dropout(d1)",
                "output r = relu(d2)").build();
        assertEquals(lines("input x: f64[3]", "output r = relu(x)"), statements(run(pass, graph)));
        assertEquals(Map.of("dropouts-removed", 2L), statistics(pass, graph));
    }

    @Test
    void aGraphWithoutDropoutIsLeftEqual() {
        Graph graph = network("input x: f64[3]", "output r = relu(x)").build();
        PipelineResult result = PassFixtures.runAll(graph, pass);
        assertEquals(graph, result.graph());
        assertEquals(false, result.runs().get(0).changed());
    }
}
