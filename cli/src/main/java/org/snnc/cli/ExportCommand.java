package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.nir.NirExporter;
import org.snnc.compiler.nir.NirWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code snnc export OUT_DIR|FILE.snn --format nir -o net.nir}: writes a converted network, or the quantized network
 * of a compile output folder, as NIR, and prints what NIR does not hold as snnc means it.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a converted network (FILE.snn) or the quantized network of a compile output folder "
                + "(OUT_DIR) in an exchange format: NIR (HDF5).")
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OUT_DIR|FILE.snn",
            description = "A compile output folder (its quantized network is exported) or a converted network.")
    private Path source;

    @Option(names = "--format", paramLabel = "FORMAT", required = true, description = "The format: nir.")
    private String format;

    @Option(names = {"-o", "--output"}, paramLabel = "NET.nir", required = true, description = "Write the file here.")
    private Path output;

    @Option(names = "--lossy", description = "Write what NIR cannot hold (max-pool gates, readouts NIR has no form "
            + "for) in its nearest NIR form and list it, instead of refusing.")
    private boolean lossy;

    @Option(names = "--sumpool", description = "Write pools as SumPool2d, for NIR readers without AvgPool2d: the "
            + "pool's 1/(kH*kW) is folded into the threshold of the population it feeds.")
    private boolean sumPool;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (!format.equals("nir")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format " + format + " is not known; snnc exports nir");
        }
        Path network = Files.isDirectory(source) ? source.resolve(CompileCommand.QUANTIZED_NETWORK) : source;
        Graph graph = ModelLoader.load(network, LoadOptions.DEFAULT).graph();
        NirExporter.Result result = NirExporter.export(graph, new NirExporter.Options(lossy, sumPool));
        NirWriter.write(result.graph(), output);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: %d NIR nodes, %d edges from %s%n", output, result.graph().nodes().size(),
                result.graph().edges().size(), network);
        result.notes().forEach(note -> out.println("  " + note.format()));
        return 0;
    }
}
