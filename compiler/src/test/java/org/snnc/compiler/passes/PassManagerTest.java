package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.shape;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Relu;

class PassManagerTest {

    private static final RecordKey<String> PROBED_BY = new RecordKey<>("probed_by");

    /**
     * A test-only pass that leaves the graph as it is, with the order constraints it is given. It counts its runs
     * and records its name, so that tests can see the manager collect both.
     */
    private record ProbePass(String name, Set<Stage> requires, Set<Stage> establishes, Set<Stage> mustPrecede,
            String mustPrecedeReason) implements Pass {

        static ProbePass requiring(String name, Stage stage) {
            return new ProbePass(name, EnumSet.of(stage), Set.of(), Set.of(), "");
        }

        static ProbePass preceding(String name, Stage stage, String reason) {
            return new ProbePass(name, Set.of(), Set.of(), EnumSet.of(stage), reason);
        }

        @Override
        public String summary() {
            return "change nothing";
        }

        @Override
        public Graph run(Graph graph, PassContext context) {
            context.count("probes", 1);
            context.record(PROBED_BY, name);
            return graph;
        }
    }

    /** A test-only pass with a bug: it makes the output read a value that does not exist. */
    private static final class DanglingOperandPass implements Pass {
        @Override
        public String name() {
            return "dangle";
        }

        @Override
        public String summary() {
            return "make the output read a value that does not exist";
        }

        @Override
        public Set<Stage> requires() {
            return Set.of();
        }

        @Override
        public Set<Stage> establishes() {
            return Set.of();
        }

        @Override
        public Graph run(Graph graph, PassContext context) {
            return graph.toBuilder().replace(new Relu("r", "ghost", graph.node("r").span())).build();
        }
    }

    /** An ANN with a batchnorm to fold and a dropout to remove. */
    private static Graph annWithBatchNormAndDropout() {
        return network(
                "input x: f64[2]",
                "d = dense(x, units=2, weight=\"d.weight\")",
                "b = batchnorm(d, gamma=\"b.gamma\", beta=\"b.beta\", mean=\"b.mean\", var=\"b.var\")",
                "o = dropout(b)",
                "output r = relu(o)")
                .weight("d.weight", shape(2, 2), 1, 2, 3, 4)
                .weight("b.gamma", shape(2), 1, 1)
                .weight("b.beta", shape(2), 0, 0)
                .weight("b.mean", shape(2), 0, 0)
                .weight("b.var", shape(2), 1, 1).build();
    }

    private static PipelineResult run(Graph graph, IrDumps dumps, Pass... passes) {
        return new PassManager(List.of(passes), dumps).run(graph, CompilationInputs.none());
    }

    /** The single E0702 diagnostic that running {@code passes} on {@code graph} fails with. */
    private static Diagnostic orderError(Graph graph, Pass... passes) {
        CompilationException thrown = assertThrows(CompilationException.class,
                () -> run(graph, IrDumps.NONE, passes));
        assertEquals(1, thrown.diagnostics().size());
        Diagnostic diagnostic = thrown.diagnostics().get(0);
        assertEquals(DiagnosticCode.PIPELINE_ORDER, diagnostic.code());
        assertEquals("E0702", diagnostic.code().id());
        return diagnostic;
    }

    @Test
    void aSpikingPassOnAnAnnAsksForTheStageThatNoEarlierPassMakes() {
        assertEquals("pass 'bias-as-current' needs a spiking graph (every relu and the output layer are IF "
                + "populations), and no earlier pass makes one; run 'to-spiking' before 'bias-as-current'",
                orderError(annWithBatchNormAndDropout(), new BiasAsCurrent()).message());
    }

    @Test
    void aPassWhoseEstablisherRunsLaterIsToldToMoveIt() {
        Pass needsDropoutFree = ProbePass.requiring("needs-dropout-free", Stage.DROPOUT_FREE);
        assertEquals("pass 'needs-dropout-free' needs a dropout-free graph (the network holds no dropout), but "
                + "'remove-dropout' runs after it; move 'remove-dropout' before 'needs-dropout-free'",
                orderError(annWithBatchNormAndDropout(), needsDropoutFree, new RemoveDropout()).message());
        run(annWithBatchNormAndDropout(), IrDumps.NONE, new RemoveDropout(), needsDropoutFree);
    }

    @Test
    void aPassThatMustPrecedeAStageIsRejectedOnceTheStageHolds() {
        Pass readsBatchNorms = ProbePass.preceding("reads-batchnorms", Stage.BATCHNORM_FOLDED,
                "it reads the batchnorm statistics");
        String expected = "pass 'reads-batchnorms' must run before 'fold-batchnorm', because it reads the batchnorm "
                + "statistics; the graph is already batchnorm-folded";
        assertEquals(expected, orderError(annWithBatchNormAndDropout(), new FoldBatchNorm(), readsBatchNorms)
                .message());
        Graph withoutBatchNorm = network("input x: f64[2]", "output r = relu(x)").build();
        assertEquals(expected, orderError(withoutBatchNorm, readsBatchNorms).message());
        run(annWithBatchNormAndDropout(), IrDumps.NONE, readsBatchNorms, new FoldBatchNorm());
    }

    @Test
    void theOrderIsCheckedBeforeAnyPassRuns() {
        List<String> dumps = new ArrayList<>();
        IrDumps everyPass = new IrDumps(true, Set.of(), false, dumps::add);
        assertThrows(CompilationException.class,
                () -> run(annWithBatchNormAndDropout(), everyPass, new RemoveDropout(), new BiasAsCurrent()));
        assertEquals(List.of(), dumps);
    }

    @Test
    void eachRunRecordsItsTimeStatisticsAndRecords() {
        PipelineResult result = run(annWithBatchNormAndDropout(), IrDumps.NONE, new RemoveDropout(),
                new FoldBatchNorm(), ProbePass.requiring("probe", Stage.BATCHNORM_FOLDED));
        List<PassRun> runs = result.runs();
        assertEquals(List.of("remove-dropout", "fold-batchnorm", "probe"), runs.stream().map(PassRun::pass).toList());
        assertEquals(new FoldBatchNorm().summary(), runs.get(1).summary());
        assertEquals(Map.of("dropouts-removed", 1L), runs.get(0).statistics());
        assertEquals(Map.of("batchnorms-folded", 1L), runs.get(1).statistics());
        assertEquals(Map.of("probes", 1L), runs.get(2).statistics());
        assertEquals(Map.of(PROBED_BY, "probe"), result.records());
        for (PassRun run : runs) {
            assertTrue(run.wallNanos() > 0 && run.verifyNanos() > 0, run.toString());
        }
        assertEquals(runs.stream().mapToLong(r -> r.wallNanos() + r.verifyNanos()).sum(), result.totalNanos());
    }

    @Test
    void aRunIsMarkedChangedOnlyWhenTheGraphDiffers() {
        PipelineResult result = run(annWithBatchNormAndDropout(), IrDumps.NONE, new RemoveDropout(),
                new RemoveDropout());
        assertEquals(List.of(true, false), result.runs().stream().map(PassRun::changed).toList());
    }

    @Test
    void aPassThatLeavesAnInvalidGraphIsReportedByName() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> run(annWithBatchNormAndDropout(), IrDumps.NONE, new DanglingOperandPass()));
        assertTrue(thrown.getMessage().startsWith("pass 'dangle' left an invalid graph:"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("unknown value 'ghost' [E0102]"), thrown.getMessage());
    }

    /** The dumps of running remove-dropout twice and then fold-batchnorm, with {@code dumps}' choice. */
    private static List<String> dumpsOf(boolean afterAll, Set<String> afterPasses, boolean afterChange) {
        List<String> dumps = new ArrayList<>();
        run(annWithBatchNormAndDropout(), new IrDumps(afterAll, afterPasses, afterChange, dumps::add),
                new RemoveDropout(), new RemoveDropout(), new FoldBatchNorm());
        return dumps.stream().map(dump -> dump.lines().findFirst().orElseThrow()).toList();
    }

    @Test
    void dumpsFollowTheirSelection() {
        assertEquals(List.of("// ----- IR after remove-dropout -----",
                "// ----- IR after remove-dropout (unchanged) -----",
                "// ----- IR after fold-batchnorm -----"), dumpsOf(true, Set.of(), false));
        assertEquals(List.of("// ----- IR after fold-batchnorm -----"), dumpsOf(false, Set.of("fold-batchnorm"), false));
        assertEquals(List.of("// ----- IR after remove-dropout -----", "// ----- IR after fold-batchnorm -----"),
                dumpsOf(false, Set.of(), true));
        assertEquals(List.of(), dumpsOf(false, Set.of(), false));
    }

    @Test
    void aDumpIsTheNetworkTextOfTheGraphAfterThePassAndParsesBack() {
        List<String> dumps = new ArrayList<>();
        PipelineResult result = run(annWithBatchNormAndDropout(),
                new IrDumps(false, Set.of("fold-batchnorm"), false, dumps::add), new RemoveDropout(),
                new FoldBatchNorm());
        String dump = dumps.get(0);
        String printed = SnnPrinter.print(result.graph());
        assertEquals("// ----- IR after fold-batchnorm -----\n" + printed, dump);
        assertEquals(printed, SnnPrinter.print(SnnTextFrontEnd.parse(dump, "dump.snn").graph()));
    }
}
