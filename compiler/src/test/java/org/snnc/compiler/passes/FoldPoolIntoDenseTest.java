package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.passes.PassFixtures.assertSameFunction;
import static org.snnc.compiler.passes.PassFixtures.assertValues;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.parameter;
import static org.snnc.compiler.passes.PassFixtures.shape;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.ResetMode;

class FoldPoolIntoDenseTest {

    private static final double EXACT = 1e-12;

    /** relu(x) over a [C,H,W] input, pooled by {@code pool}, flattened and read by a one-unit dense layer. */
    private static Graph pooled(String input, String pool, double[] weight, double bias) {
        return network("input x: f64" + input, "r = relu(x)", "p = " + pool, "f = flatten(p)",
                "output o = dense(f, units=1, weight=\"o.weight\", bias=\"o.bias\")")
                .weight("o.weight", shape(1, weight.length), weight).weight("o.bias", shape(1), bias).build();
    }

    @Test
    void aGlobalPoolSpreadsEachChannelsWeightOverItsPositions() {
        // Two channels of 2×2 averaged to one value each; W = (4, 8) becomes 4/4 on channel 0, 8/4 on channel 1.
        Graph graph = pooled("[2,2,2]", "avgpool(r, kernel=2)", new double[] {4, 8}, 0.5);
        Graph result = PassFixtures.run(new FoldPoolIntoDense(), graph);
        assertFalse(result.nodes().containsKey("p"), "the pool is gone");
        assertTrue(result.node("f") instanceof Flatten flatten && flatten.input().equals("r"));
        assertValues(new double[] {1, 1, 1, 1, 2, 2, 2, 2}, parameter(result, "o", "weight"), EXACT);
        assertValues(new double[] {0.5}, parameter(result, "o", "bias"), EXACT);
        // x = (1, 2, 3, −4 | 5, 6, 7, 8): relu gives channel means 1.5 and 6.5, so y = 0.5 + 4·1.5 + 8·6.5 = 58.5.
        double[] image = {1, 2, 3, -4, 5, 6, 7, 8};
        assertValues(new double[] {58.5}, new AnnInterpreter(result).evaluate(image), EXACT);
        assertSameFunction(graph, result, EXACT, image);
    }

    @Test
    void paddedOverlappingWindowsAddTheirSharesByTheirOwnDivisors() {
        // A 2×2 image under 3×3 windows of 2×2, stride 1, padding 1, all of weight 1. Without count_include_pad the
        // divisor is a window's pixels inside the image: 1 at the corners, 2 at the edges, 4 in the middle. Each pixel
        // lies in one window of each kind: W′ = 1/1 + 1/2 + 1/2 + 1/4 = 2.25. With it, every divisor is 4 and each
        // pixel lies in 4 windows: W′ = 1.
        double[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        Graph inside = pooled("[1,2,2]", "avgpool(r, kernel=2, stride=1, padding=1, count_include_pad=false)", ones,
                0);
        Graph result = PassFixtures.run(new FoldPoolIntoDense(), inside);
        assertValues(new double[] {2.25, 2.25, 2.25, 2.25}, parameter(result, "o", "weight"), EXACT);
        assertSameFunction(inside, result, EXACT, new double[] {1, -2, 3, 4}, new double[] {0.5, 0.25, 2, 8});

        Graph counted = pooled("[1,2,2]", "avgpool(r, kernel=2, stride=1, padding=1, count_include_pad=true)", ones,
                0);
        assertValues(new double[] {1, 1, 1, 1},
                parameter(PassFixtures.run(new FoldPoolIntoDense(), counted), "o", "weight"), EXACT);
    }

    @Test
    void aStridedPoolKeepsItsWindowsApart() {
        // 1×2×4 pooled by 2×2 windows of stride 2 into (a, b) with weights (2, −6): the left half's pixels get 2/4,
        // the right half's −6/4.
        Graph graph = pooled("[1,2,4]", "avgpool(r, kernel=2)", new double[] {2, -6}, 0);
        Graph result = PassFixtures.run(new FoldPoolIntoDense(), graph);
        assertValues(new double[] {0.5, 0.5, -1.5, -1.5, 0.5, 0.5, -1.5, -1.5}, parameter(result, "o", "weight"),
                EXACT);
        assertSameFunction(graph, result, EXACT, new double[] {1, 2, 3, 4, 5, 6, 7, -8});
    }

    @Test
    void aPoolOrFlattenThatAnotherNodeReadsStays() {
        Graph shared = network("input x: f64[1,2,2]", "r = relu(x)", "p = avgpool(r, kernel=2)", "f = flatten(p)",
                "d = dense(f, units=1, weight=\"d.weight\")", "g = flatten(p)", "output o = add(d, g)")
                .weight("d.weight", shape(1, 1), 3).build();
        assertEquals(shared, PassFixtures.run(new FoldPoolIntoDense(), shared));
        Graph noDense = network("input x: f64[1,2,2]", "r = relu(x)", "p = avgpool(r, kernel=2)",
                "output f = flatten(p)").build();
        assertEquals(noDense, PassFixtures.run(new FoldPoolIntoDense(), noDense));
    }

    @Test
    void itCountsTheFolds() {
        assertEquals(Map.of("pools-folded", 1L), PassFixtures.statistics(new FoldPoolIntoDense(),
                pooled("[2,2,2]", "avgpool(r, kernel=2)", new double[] {4, 8}, 0)));
    }

    @Test
    void theStandardPipelineFoldsOnlyWhenTheOptionsAsk() {
        assertFalse(Passes.standard(ConversionOptions.defaults()).stream()
                .anyMatch(FoldPoolIntoDense.class::isInstance), "off by default, as CONVENTIONS.md has it");
        List<String> on = Passes.standard(ConversionOptions.defaults().withFoldPoolIntoDense(true)).stream()
                .map(Pass::name).toList();
        assertTrue(on.indexOf("fold-pool-into-dense") >= 0
                && on.indexOf("fold-pool-into-dense") < on.indexOf("normalize"), on.toString());
        Graph graph = pooled("[2,2,2]", "avgpool(r, kernel=2)", new double[] {4, 8}, 0);
        assertTrue(PassFixtures.runAll(graph, Passes.standard(ConversionOptions.defaults()).subList(0, 3)
                .toArray(Pass[]::new)).graph().node("p") instanceof AvgPool);
        assertFalse(PassFixtures.runAll(graph, Passes.standard(ConversionOptions.defaults().withFoldPoolIntoDense(
                true)).subList(0, 4).toArray(Pass[]::new)).graph().nodes().containsKey("p"));
    }

    @Test
    void itMustRunBeforeNormalization() {
        Graph graph = pooled("[2,2,2]", "avgpool(r, kernel=2)", new double[] {4, 8}, 0);
        CompilationException refused = assertThrows(CompilationException.class, () -> new PassManager(List.of(
                new Normalize(NormalizeOptions.DEFAULTS), new ToSpiking(ResetMode.SUBTRACT), new FoldPoolIntoDense()),
                IrDumps.NONE).run(graph, CompilationInputs.none()));
        assertEquals(DiagnosticCode.PIPELINE_ORDER, refused.diagnostics().get(0).code());
        assertTrue(refused.getMessage().contains("fold-pool-into-dense"), refused.getMessage());
    }
}
