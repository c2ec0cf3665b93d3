package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Verifier;

/**
 * Runs a pipeline of passes and owns everything around them: it checks the order of the pipeline before running
 * anything, times each pass, verifies the graph after each one, and writes the IR dumps that {@link IrDumps} asks
 * for. A pass that leaves a graph the {@link Verifier} rejects is a bug in snnc, reported as an
 * {@link IllegalStateException} that names the pass.
 *
 * <p>Order rules: a pass may run only when every stage it {@link Pass#requires() requires} holds, either in the input
 * graph or because an earlier pass {@link Pass#establishes() established} it; and not once a stage it
 * {@link Pass#mustPrecede() must precede} holds.
 */
public final class PassManager {

    private final List<Pass> pipeline;
    private final IrDumps dumps;

    public PassManager(List<Pass> pipeline, IrDumps dumps) {
        this.pipeline = List.copyOf(pipeline);
        this.dumps = dumps;
    }

    public List<Pass> pipeline() {
        return pipeline;
    }

    /**
     * Checks the pipeline's order for a graph that starts with {@code initial} stages.
     *
     * @throws CompilationException (E0702) with a sentence that says what is wrong and how to fix it
     */
    public void checkOrder(Set<Stage> initial) {
        EnumSet<Stage> established = initial.isEmpty() ? EnumSet.noneOf(Stage.class) : EnumSet.copyOf(initial);
        for (int i = 0; i < pipeline.size(); i++) {
            Pass pass = pipeline.get(i);
            for (Stage stage : pass.mustPrecede()) {
                if (established.contains(stage)) {
                    throw orderError("pass '" + pass.name() + "' must run before '" + stage.establisher()
                            + "', because " + pass.mustPrecedeReason() + "; the graph is already " + stage.label());
                }
            }
            for (Stage stage : pass.requires()) {
                if (!established.contains(stage)) {
                    throw orderError(missingStage(pass, stage, i));
                }
            }
            established.addAll(pass.establishes());
        }
    }

    private String missingStage(Pass pass, Stage stage, int position) {
        String need = "pass '" + pass.name() + "' needs a " + stage.label() + " graph (" + stage.meaning() + "), ";
        boolean later = pipeline.subList(position + 1, pipeline.size()).stream()
                .anyMatch(p -> p.establishes().contains(stage));
        if (later) {
            return need + "but '" + stage.establisher() + "' runs after it; move '" + stage.establisher()
                    + "' before '" + pass.name() + "'";
        }
        return need + "and no earlier pass makes one; run '" + stage.establisher() + "' before '" + pass.name() + "'";
    }

    private static CompilationException orderError(String sentence) {
        return CompilationException.of(DiagnosticCode.PIPELINE_ORDER, SourceSpan.GENERATED, sentence);
    }

    /** Checks the order for {@code graph}, then runs every pass on it. */
    public PipelineResult run(Graph graph, CompilationInputs inputs) {
        Verifier.verify(graph);
        checkOrder(Stage.of(graph));
        Graph current = graph;
        List<PassRun> runs = new java.util.ArrayList<>();
        for (Pass pass : pipeline) {
            PassContext context = new PassContext(inputs);
            long start = System.nanoTime();
            Graph next = pass.run(current, context);
            long ran = System.nanoTime();
            verifyAfter(pass, next);
            long verified = System.nanoTime();
            boolean changed = !next.equals(current);
            runs.add(new PassRun(pass.name(), pass.summary(), ran - start, verified - ran, changed,
                    context.statistics(), context.records()));
            if (dumps.wanted(pass.name(), changed)) {
                dumps.sink().accept("// ----- IR after " + pass.name() + (changed ? "" : " (unchanged)") + " -----\n"
                        + SnnPrinter.print(next));
            }
            current = next;
        }
        return new PipelineResult(current, runs);
    }

    private static void verifyAfter(Pass pass, Graph graph) {
        Verifier.Report report = Verifier.check(graph);
        if (report.hasErrors()) {
            String errors = report.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n  "));
            throw new IllegalStateException("pass '" + pass.name() + "' left an invalid graph:\n  " + errors);
        }
    }
}
