package org.snnc.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.ModelWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code snnc import MODEL.onnx -o OUT.snn}: turns a model into editable text plus a weights file. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a model (usually ONNX) as a network file OUT.snn plus its weights OUT.npz.")
final class ImportCommand implements Callable<Integer> {

    @Mixin
    private ModelOptions model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.snn",
            description = "The network file to write; the weights go to the same name with .npz.")
    private Path output;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        AtomicFiles.requireReplaceable(output);
        Graph written = ModelWriter.write(model.load().graph(), output);
        spec.commandLine().getOut().printf("wrote %s and %s (%d values, %d weight tensors)%n", output,
                output.resolveSibling(written.weightsFile().orElseThrow()), written.nodes().size(),
                written.weights().tensors().size());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
