package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.ModelWriter;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.PipelineResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code snnc convert FILE}: runs the conversion pipeline (or {@code --passes}) and writes the spiking network. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert an ANN into a spiking network with the standard pass pipeline or --passes.")
final class ConvertCommand implements Callable<Integer> {

    @Mixin
    private ModelOptions model;

    @Mixin
    private ConversionMixin conversion;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.snn",
            description = "Write the result here (and its weights beside it as .npz); without it, print the network.")
    private Path output;

    @Option(names = "--report", paramLabel = "REPORT.json", description = "Write pass timings, statistics and λs.")
    private Path report;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
    private Integer threads;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        JsonReports.requireReplaceable(output, report);
        Graph graph = model.load().graph();
        PassManager manager = conversion.passManager(out, graph);
        int workers = Threads.resolve(threads, spec);
        PipelineResult result = manager.run(graph, conversion.inputs(graph, workers, ConsoleProgress.forTerminal()));
        if (output != null) {
            ModelWriter.write(result.graph(), output);
        } else {
            out.print(SnnPrinter.print(result.graph()));
        }
        PassTable.print(result, spec.commandLine().getErr());
        if (report != null) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("model", model.file.toString());
            figures.put("passes", PassTable.records(result));
            result.records().forEach((key, value) -> figures.put(key.name(), value));
            JsonReports.write(report, figures);
        }
        return 0;
    }
}
