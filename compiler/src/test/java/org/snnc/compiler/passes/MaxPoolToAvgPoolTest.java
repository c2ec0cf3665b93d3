package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.shape;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Relu;

class MaxPoolToAvgPoolTest {

    /** A 1×2×2 image pooled by one 2×2 window, then passed through a 1-unit dense layer of weight 1. */
    private static Graph pooled(String... pooling) {
        List<String> statements = new java.util.ArrayList<>(List.of("input x: f64[1,2,2]"));
        statements.addAll(List.of(pooling));
        statements.add("f = flatten(p)");
        statements.add("output o = dense(f, units=1, weight=\"o.weight\")");
        return network(statements.toArray(String[]::new)).weight("o.weight", shape(1, 1), 1).build();
    }

    @Test
    void aMaxPoolOverARectifiedInputAveragesItInstead() {
        Graph graph = pooled("r = relu(x)", "p = maxpool(r, kernel=2)");
        Graph result = PassFixtures.run(new MaxPoolToAvgPool(), graph);
        assertTrue(result.node("p") instanceof AvgPool pool && pool.input().equals("r"));
        // relu(-4, 1, 2, 5) = (0, 1, 2, 5): the max is 5, the average 2.
        double[] image = {-4, 1, 2, 5};
        assertArrayEquals(new double[] {5}, new AnnInterpreter(graph).evaluate(image));
        assertArrayEquals(new double[] {2}, new AnnInterpreter(result).evaluate(image));
    }

    @Test
    void aReluAfterTheMaxPoolMovesBeforeTheAverage() {
        Graph graph = pooled("m = maxpool(x, kernel=2)", "p = relu(m)");
        Graph result = PassFixtures.run(new MaxPoolToAvgPool(), graph);
        assertFalse(result.nodes().values().stream().anyMatch(MaxPool.class::isInstance));
        assertTrue(result.node("m") instanceof AvgPool pool && result.node(pool.input()) instanceof Relu relu
                && relu.input().equals("x"));
        assertFalse(result.nodes().containsKey("p"), "the outer relu is gone");
        // avgpool(relu(x)) = (0 + 1 + 2 + 5)/4, not relu(avgpool(x)) = relu(1).
        assertArrayEquals(new double[] {2}, new AnnInterpreter(result).evaluate(new double[] {-4, 1, 2, 5}));
    }

    @Test
    void itCountsTheReplacementsAndLeavesOtherNetworksAlone() {
        assertEquals(Map.of("maxpools-replaced", 1L), PassFixtures.statistics(new MaxPoolToAvgPool(),
                pooled("r = relu(x)", "p = maxpool(r, kernel=2)")));
        Graph plain = pooled("r = relu(x)", "p = avgpool(r, kernel=2)");
        assertEquals(plain, PassFixtures.run(new MaxPoolToAvgPool(), plain));
    }

    @Test
    void itMustRunBeforeNormalization() {
        Graph graph = pooled("r = relu(x)", "p = maxpool(r, kernel=2)");
        CompilationException refused = assertThrows(CompilationException.class, () -> new PassManager(List.of(
                new Normalize(NormalizeOptions.DEFAULTS), new ToSpiking(org.snnc.compiler.ir.ResetMode.SUBTRACT),
                new MaxPoolToAvgPool()), IrDumps.NONE).run(graph, CompilationInputs.none()));
        assertEquals(DiagnosticCode.PIPELINE_ORDER, refused.diagnostics().get(0).code());
        assertTrue(refused.getMessage().contains("maxpool-to-avgpool"), refused.getMessage());
    }
}
