package org.snnc.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/** The verifier on graphs built in code, where the text front end's own checks do not run first. */
class VerifierTest {

    private static SourceSpan at(int line) {
        return new SourceSpan("net.snn", line, 1);
    }

    private static ParamRef ref(String key, int line) {
        return new ParamRef(key, at(line));
    }

    private static Tensor zeros(int... shape) {
        return Tensor.wrap(Shape.of(shape), new double[Shape.of(shape).size()]);
    }

    private static List<DiagnosticCode> codes(Graph graph) {
        return Verifier.check(graph).diagnostics().stream().map(Diagnostic::code).toList();
    }

    @Test
    void reportsEveryErrorOfAGraphAtOnce() {
        Graph graph = Graph.builder("broken").span(at(1))
                .add(new Input("x", DType.F32, Shape.of(2, 6, 6), Scale.ONE, at(2)))
                .add(new Conv2d("c", "x", 4, Window2d.square(3, 1, 0), 1, ref("w", 3), Optional.of(ref("b", 3)),
                        at(3)))
                .add(new MaxPool("p", "x", Window2d.square(2, 2, 0), at(4)))
                .add(new Add("sum", List.of("c", "p"), at(5)))
                .add(new Softmax("s", "x", at(6)))
                .add(new Relu("y", "ghost", at(7)))
                .weight("w", zeros(4, 3, 3, 3))
                .weight("b", Tensor.wrap(Shape.of(4), new double[] {0, Double.NaN, 0, 0}))
                .output("y").build();
        List<DiagnosticCode> codes = codes(graph);
        assertTrue(codes.containsAll(List.of(DiagnosticCode.PARAMETER_SHAPE, DiagnosticCode.NON_FINITE_PARAMETER,
                DiagnosticCode.SHAPE_MISMATCH, DiagnosticCode.SOFTMAX_NOT_OUTPUT, DiagnosticCode.UNKNOWN_NAME)),
                codes.toString());
        CompilationException thrown = assertThrows(CompilationException.class, () -> Verifier.verify(graph));
        assertEquals(Verifier.check(graph).diagnostics().size(), thrown.diagnostics().size());
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        Graph graph = Graph.builder("residual")
                .add(new Input("x", DType.F32, Shape.of(2, 8, 8), Scale.ONE, at(1)))
                .add(new MaxPool("p", "x", Window2d.square(2, 2, 0), at(2)))
                .add(new Add("sum", List.of("x", "p"), at(3)))
                .output("sum").build();
        Diagnostic d = Verifier.check(graph).diagnostics().get(0);
        assertEquals("net.snn:3:1: error: add: shapes [2,8,8] and [2,4,4] do not match [E0206]", d.format());
    }

    /** Values live in int-indexed arrays: a shape of more than 2^31-1 elements is reported where it is made. */
    @Test
    void aValueOfMoreThan2To31ElementsIsAnErrorAtItsNode() {
        Graph graph = Graph.builder("huge")
                .add(new Input("x", DType.U8, Shape.of(1, 100_000, 100_000), Scale.ONE, at(1)))
                .add(new Flatten("f", "x", at(2)))
                .output("f").build();
        List<Diagnostic> diagnostics = Verifier.check(graph).diagnostics();
        assertEquals(1, diagnostics.size(), diagnostics::toString);
        assertEquals("net.snn:1:1: error: input 'x' has shape [1,100000,100000], more than 2^31-1 elements; snnc "
                + "stores at most 2^31-1 values per layer [E0218]", diagnostics.get(0).format());
    }

    @Test
    void aDownstreamValueOfABrokenOneIsNotReportedAgain() {
        Graph graph = Graph.builder("cascade")
                .add(new Input("x", DType.F32, Shape.of(1, 4, 4), Scale.ONE, at(1)))
                .add(new AvgPool("big", "x", Window2d.square(5, 1, 0), false, at(2)))
                .add(new Relu("r", "big", at(3)))
                .add(new Flatten("f", "r", at(4)))
                .output("f").build();
        assertEquals(List.of(DiagnosticCode.KERNEL_DOES_NOT_FIT), codes(graph));
    }

    @Test
    void operandsMustBeDefinedEarlier() {
        Graph graph = Graph.builder("order")
                .add(new Input("x", DType.F32, Shape.of(4), Scale.ONE, at(1)))
                .add(new Relu("a", "b", at(2)))
                .add(new Relu("b", "x", at(3)))
                .output("a").build();
        Diagnostic d = Verifier.check(graph).diagnostics().get(0);
        assertEquals(DiagnosticCode.USED_BEFORE_DEFINITION, d.code());
        assertTrue(d.message().contains("line 3:1"), d.message());
    }

    @Test
    void inferredShapesFollowTheWindowArithmetic() {
        // H' = floor((7 + 1 + 0 - 3) / 2) + 1 = 3 and W' = floor((9 + 1 + 1 - 3) / 2) + 1 = 5.
        Window2d window = new Window2d(3, 3, 2, 2, new Padding(1, 1, 0, 1));
        Graph graph = Graph.builder("window")
                .add(new Input("x", DType.F32, Shape.of(4, 7, 9), Scale.ONE, at(1)))
                .add(new Conv2d("c", "x", 6, window, 2, ref("w", 2), Optional.empty(), at(2)))
                .add(new Flatten("f", "c", at(3)))
                .weight("w", zeros(6, 2, 3, 3))
                .output("f").build();
        Verifier.Report report = Verifier.check(graph);
        assertFalse(report.hasErrors(), report.diagnostics().toString());
        assertEquals(Shape.of(6, 3, 5), report.shapes().shape("c"));
        assertEquals(Shape.of(90), report.shapes().shape("f"));
        assertEquals(Shape.of(6, 2, 3, 3), report.shapes().expectedParameterShapes().get(ref("w", 2)));
    }

    @Test
    void unusedValuesAreWarningsNotErrors() {
        Graph graph = Graph.builder("dead")
                .add(new Input("x", DType.F32, Shape.of(4), Scale.ONE, at(1)))
                .add(new Relu("spare", "x", at(2)))
                .add(new Relu("y", "x", at(3)))
                .output("y").build();
        Verifier.Report report = Verifier.check(graph);
        assertFalse(report.hasErrors());
        assertEquals(List.of(DiagnosticCode.UNUSED_VALUE), codes(graph));
        assertEquals("W0110", report.warnings().get(0).code().id());
    }

    @Test
    void namesMustBeWritableInTheNetworkLanguage() {
        Graph graph = Graph.builder("9lives")
                .add(new Input("x", DType.F32, Shape.of(4), Scale.ONE, at(1)))
                .add(new Relu("has space", "x", at(2)))
                .output("has space").build();
        assertEquals(List.of(DiagnosticCode.INVALID_NAME, DiagnosticCode.INVALID_NAME), codes(graph));
    }
}
