package org.snnc.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.passes.Stage;

/** The quantized IR: {@link FixedPoint} populations in the network language, and the verifier's invariants. */
class FixedPointCheckTest {

    private static final String QUANTIZED = """
            network q

            input x: u8[4]
            e = encode(x, mode=analog)
            d = dense(e, units=2, weight="d.weight")
            p = if(d, threshold=64, current="p.current", weight_bits=4, weight_exponent=1, accumulator_bits=16, \
            state_bits=16, overflow=wrap, floor=-32767, fire=gt)
            output r = readout(p, mode=membrane)
            """;

    private static Graph quantized(double[] weights, double[] current) {
        return SnnTextFrontEnd.parse(QUANTIZED, "q.snn").graph().toBuilder()
                .weight("d.weight", Tensor.of(Shape.of(2, 4), weights))
                .weight("p.current", Tensor.of(Shape.of(2), current)).build();
    }

    private static List<DiagnosticCode> codes(Graph graph) {
        return Verifier.check(graph).diagnostics().stream().map(Diagnostic::code).toList();
    }

    @Test
    void quantizedPopulationsRoundTripThroughTheNetworkLanguage() {
        Graph graph = quantized(new double[] {2, -14, 0, 6, 4, 4, -2, 14}, new double[] {3, -5});
        String printed = SnnPrinter.print(graph);
        assertTrue(printed.contains("weight_bits=4, weight_exponent=1, accumulator_bits=16, state_bits=16, "
                + "overflow=wrap, floor=-32767, fire=gt"), printed);
        assertEquals(printed, SnnPrinter.print(SnnTextFrontEnd.parse(printed, "again.snn").graph()));
        IfNeurons population = (IfNeurons) graph.node("p");
        assertEquals(new FixedPoint(4, 1, 16, 16, Overflow.WRAP, java.util.OptionalLong.of(-32767),
                FireComparison.GT), population.fixed().orElseThrow());
        assertEquals(List.of(), codes(graph));
        assertTrue(Stage.of(graph).contains(Stage.QUANTIZED));
    }

    @Test
    void weightsMustBeMantissasShiftedByThePopulationsExponent() {
        // 2^1 · 7 = 14 is the largest magnitude a 4-bit mantissa with exponent 1 reaches; 3 is odd, 16 too large.
        assertEquals(List.of(DiagnosticCode.NOT_FIXED_POINT),
                codes(quantized(new double[] {3, 0, 0, 0, 0, 0, 0, 0}, new double[] {0, 0})));
        assertEquals(List.of(DiagnosticCode.NOT_FIXED_POINT),
                codes(quantized(new double[] {16, 0, 0, 0, 0, 0, 0, 0}, new double[] {0, 0})));
    }

    @Test
    void currentsMustBeIntegersWithinTheState() {
        assertEquals(List.of(DiagnosticCode.NOT_FIXED_POINT),
                codes(quantized(new double[8], new double[] {0.5, 0})));
        assertEquals(List.of(DiagnosticCode.NOT_FIXED_POINT),
                codes(quantized(new double[8], new double[] {40000, 0})));
    }

    @Test
    void aNetworkIsQuantizedThroughout() {
        String text = QUANTIZED.replace("output r = readout(p, mode=membrane)",
                "d2 = dense(p, units=2, weight=\"d.weight2\")\nq = if(d2)\noutput r = readout(q, mode=membrane)");
        Graph graph = SnnTextFrontEnd.parse(text, "q.snn").graph().toBuilder()
                .weight("d.weight", Tensor.of(Shape.of(2, 4), new double[8]))
                .weight("d.weight2", Tensor.of(Shape.of(2, 2), new double[4]))
                .weight("p.current", Tensor.of(Shape.of(2), new double[2])).build();
        assertEquals(List.of(DiagnosticCode.PARTLY_QUANTIZED), codes(graph));
        assertTrue(!Stage.of(graph).contains(Stage.QUANTIZED));
    }

    @Test
    void fixedPointAttributesAreAllRequiredButTheFloor() {
        CompilationException missing = assertThrows(CompilationException.class,
                () -> SnnTextFrontEnd.parse(QUANTIZED.replace("accumulator_bits=16, ", ""), "q.snn"));
        assertEquals(List.of(DiagnosticCode.MISSING_ATTRIBUTE),
                missing.diagnostics().stream().map(Diagnostic::code).toList());
        Graph floorless = SnnTextFrontEnd.parse(QUANTIZED.replace("floor=-32767, ", ""), "q.snn").graph();
        assertTrue(((IfNeurons) floorless.node("p")).fixed().orElseThrow().membraneFloor().isEmpty());
    }
}
