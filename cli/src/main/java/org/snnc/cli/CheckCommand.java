package org.snnc.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code snnc check FILE}: loads and verifies a model, reporting every problem. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Parse and verify a model: syntax, names, shapes and weights.")
final class CheckCommand implements Callable<Integer> {

    @Mixin
    private ModelOptions model;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        ModelLoader.LoadedModel loaded = model.load();
        PrintWriter err = spec.commandLine().getErr();
        for (Diagnostic warning : loaded.report().warnings()) {
            err.println(warning.format());
        }
        err.flush();
        Graph graph = loaded.graph();
        long parameters = graph.weights().tensors().values().stream().mapToLong(t -> t.size()).sum();
        spec.commandLine().getOut().printf("%s: ok: network %s, %d values, %d parameters, input %s, output %s %s%n",
                model.file, graph.name(), graph.nodes().size(), parameters, graph.input().shape(),
                graph.output(), loaded.report().shapes().shape(graph.output()));
        return 0;
    }
}
