package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.nir.NirConventions.Flavor;

/**
 * The snnc flavor: a graph snnc exported names it in its metadata, and the import restores the exported IR from the
 * metadata's records; the interpreter takes each population's reset, v0 and θ from them.
 */
class NirSnncFlavorTest {

    private static final SourceSpan SPAN = SourceSpan.ofFile("test.nir");

    @TempDir
    Path dir;

    /** The graph exported with {@code options}, written, read back and imported without a flavor. */
    private NirImporter.Imported roundTrip(Graph graph, NirExporter.Options options) {
        Path file = dir.resolve(graph.name() + ".nir");
        NirWriter.write(NirExporter.export(graph, options).graph(), file);
        return NirImporter.importGraph(NirReader.read(file), "other", SPAN, NirImportOptions.DEFAULT);
    }

    private static void assertSameIr(Graph expected, Graph actual) {
        assertEquals(SnnPrinter.print(expected), SnnPrinter.print(actual));
        assertEquals(expected.weights(), actual.weights());
    }

    @Test
    void residualGraphReadsBackAsItself() {
        Graph residual = NirExporterTest.residual();
        NirImporter.Imported imported = roundTrip(residual, NirExporter.Options.STRICT);
        assertSameIr(residual, imported.graph());
        assertEquals(List.of("note: read as snnc, as its metadata snnc_flavor says: the IR snnc exported, restored "
                + "from the graph's metadata (names, each population's θ, reset, v0 and arithmetic, the input and the "
                + "readout)"), imported.notes().stream().map(NirImporter.Note::toString).toList());
    }

    @Test
    void aSumPoolReadsBackAsTheAveragePoolWithTheThresholdAndV0Unfolded() {
        Graph residual = NirExporterTest.residual();
        assertSameIr(residual, roundTrip(residual, new NirExporter.Options(false, true)).graph());
    }

    /** Two quantized populations that differ in reset, comparison, overflow and floor; a readout over half. */
    private static Graph quantized() {
        String text = """
                network q

                input x: u8[4]
                e = encode(x, mode=analog)
                d = dense(e, units=2, weight="d.weight")
                p = if(d, threshold=64, v0=32, weight_bits=4, weight_exponent=1, accumulator_bits=16, \
                state_bits=16, overflow=saturate, floor=-32768, fire=ge, current="p.current")
                d2 = dense(p, units=2, weight="d2.weight")
                g = if(d2, threshold=9, reset=zero, weight_bits=4, weight_exponent=0, accumulator_bits=16, \
                state_bits=16, overflow=wrap, fire=gt)
                output r = readout(g, mode=spikecount, window=half)
                """;
        return SnnTextFrontEnd.parse(text, "q.snn").graph().toBuilder()
                .weight("d.weight", Tensor.of(Shape.of(2, 4), new double[] {2, -14, 0, 6, 4, 4, -2, 14}))
                .weight("p.current", Tensor.of(Shape.of(2), new double[] {3, -5}))
                .weight("d2.weight", Tensor.of(Shape.of(2, 2), new double[] {1, -7, 7, 0})).build();
    }

    @Test
    void quantizedGraphReadsBackWithItsArithmetic() {
        Graph graph = quantized();
        assertSameIr(graph, roundTrip(graph, NirExporter.Options.STRICT).graph());
    }

    @Test
    void anotherFlavorGivenForAGraphSnncWroteIsTakenWithAWarning() {
        NirGraph nir = NirExporter.export(quantized(), NirExporter.Options.STRICT).graph();
        List<String> notes = NirImporter.importGraph(nir, "net", SPAN, NirImportOptions.of(Flavor.NORSE)).notes()
                .stream().map(NirImporter.Note::toString).toList();
        assertTrue(notes.contains("warning: its metadata says snnc wrote it; read as norse as asked, not by the "
                + "conventions snnc wrote into its metadata"), notes.toString());
        assertTrue(notes.get(0).startsWith("note: read as norse: IF v ← v + r·x each step, a spike at v > θ, then "
                + "v ← v_reset = 0"), notes.toString());
    }

    @Test
    void theSnncFlavorOfAForeignGraphIsRefusedNamingTheMissingRecord() {
        NirGraph norse = NirImporterTest.read("norse_iaf_conv");
        CompilationException error = assertThrows(CompilationException.class,
                () -> NirImporter.importGraph(norse, "net", SPAN, NirImportOptions.of(Flavor.SNNC)));
        assertEquals(DiagnosticCode.NIR_NOT_COMPILABLE, error.diagnostics().get(0).code());
        assertTrue(error.getMessage().contains("snnc.node."), error.getMessage());
    }

    @Test
    void theInterpreterTakesEachPopulationsResetV0AndThetaFromTheMetadata() {
        NirGraph nir = NirExporter.export(NirExporterTest.residual(), NirExporter.Options.STRICT).graph();
        NirConventions conventions = NirConventions.of(Flavor.SNNC, OptionalDouble.empty(), nir);
        assertEquals(NirConventions.Reset.SUBTRACT, conventions.resetOf("a"));
        assertEquals(NirConventions.Reset.ZERO, conventions.resetOf("b"));
        assertEquals(0.5, conventions.initialMembraneOf("a"));
        assertEquals(0.0, conventions.initialMembraneOf("b"));
        assertEquals(OptionalDouble.of(2), conventions.resetThresholdOf("b"));
        assertEquals(NirConventions.of(Flavor.NORSE), NirConventions.of(Flavor.NORSE, OptionalDouble.empty(), nir));
    }
}
