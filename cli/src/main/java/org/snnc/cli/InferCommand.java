package org.snnc.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.snnc.compiler.data.InputArrays;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.interp.Activations;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpyReader;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.io.npy.NpzWriter;
import org.snnc.compiler.ir.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code snnc infer FILE --input X -o Y.npz}: the network's raw float64 outputs (with {@code --all}, every value's
 * activation), so that users can compare snnc with their own framework.
 */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run the float ANN on raw inputs and write its outputs (or every activation) to an .npz.")
final class InferCommand implements Callable<Integer> {

    @Mixin
    private ModelOptions model;

    @Option(names = "--input", required = true, paramLabel = "X.npy|X.npz",
            description = "One image of the declared input shape, or N of them; an .npz gives its array x "
                    + "(or its only array).")
    private Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "Y.npz",
            description = "Where to write the outputs, keyed by value name, each of shape [N, ...].")
    private Path output;

    @Option(names = "--all", description = "Write every value's activation, not just the output.")
    private boolean all;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        AtomicFiles.requireReplaceable(output);
        Graph graph = model.load().graph();
        AnnInterpreter interpreter = new AnnInterpreter(graph);
        double[][] inputs = InputArrays.toInputs(readArray(input), graph.input(), input.toString(), Integer.MAX_VALUE);
        DataSets.requireImages(inputs.length, input, "infer");
        Activations activations = interpreter.evaluateBatch(inputs, all ? interpreter.nodeNames() : Set.of(),
                Runtime.getRuntime().availableProcessors());
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (String node : activations.nodes()) {
            int[] shape = activations.shape(node).toArray();
            int[] batched = new int[shape.length + 1];
            batched[0] = inputs.length;
            System.arraycopy(shape, 0, batched, 1, shape.length);
            arrays.put(node, new NpyArray(NpyElementType.F8, batched, activations.allValues(node)));
        }
        NpzWriter.write(output, arrays);
        spec.commandLine().getOut().printf("wrote %s: %d image(s), %d array(s)%n", output, inputs.length,
                arrays.size());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The array of an .npy file, or of an .npz archive its array {@code x}, or its only array. */
    static NpyArray readArray(Path input) {
        String name = input.getFileName().toString();
        if (name.endsWith(".npy")) {
            return NpyReader.read(input);
        }
        if (!name.endsWith(".npz")) {
            throw CompilationException.of(DiagnosticCode.UNKNOWN_FILE_KIND, SourceSpan.ofFile(input.toString()),
                    input, "an array (.npy) or an archive (.npz)");
        }
        Map<String, NpyArray> arrays = NpzReader.open(input);
        if (arrays.containsKey("x")) {
            return arrays.get("x");
        }
        if (arrays.size() == 1) {
            return arrays.values().iterator().next();
        }
        throw CompilationException.of(DiagnosticCode.DATA_MISSING_ARRAY, SourceSpan.ofFile(input.toString()),
                input, "x");
    }
}
