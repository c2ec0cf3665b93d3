package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpzWriter;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.nir.NirConventions;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.nir.NirDtInference;
import org.snnc.compiler.nir.NirGraph;
import org.snnc.compiler.nir.NirInterpreter;
import org.snnc.compiler.nir.NirReader;
import org.snnc.compiler.nir.NirRecording;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code snnc nir-run MODEL.nir --input X.npz --flavor NAME [--dt S] [--reset R] [--fire F] [--spikes S]
 * [--integration I] [--layer-delay D] [--record NODE...] -o OUT.npz}: runs a NIR graph step by step with one
 * writer's discrete-time conventions, each of which the command line may override, to compare with what that
 * framework computed.
 */
@Command(name = "nir-run", mixinStandardHelpOptions = true,
        description = "Run a NIR graph step by step with a framework's discrete-time conventions and write the "
                + "Output node's values (and recorded nodes') per step to an .npz.")
final class NirRunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL.nir", description = "The NIR graph (HDF5).")
    private Path model;

    @Option(names = "--input", required = true, paramLabel = "X.npz|X.npy",
            description = "The input at every step, shape (T, *input shape); an .npz gives its array x "
                    + "(or its only array).")
    private Path input;

    @Option(names = "--flavor", required = true, paramLabel = "NAME", converter = Converters.NirFlavorConverter.class,
            description = "Whose conventions step the graph: snntorch, norse, sinabs, lava, nir-text or snnc.")
    private Flavor flavor;

    @Option(names = "--dt", paramLabel = "SECONDS",
            description = "Seconds per step; default: the flavor's own, or for nir-text the dt the file's "
                    + "parameters prove.")
    private Double dt;

    @Option(names = "--reset", paramLabel = "RULE",
            description = "Override the flavor's reset: ${COMPLETION-CANDIDATES} (the file cannot say which its "
                    + "writer used).")
    private NirConventions.Reset reset;

    @Option(names = "--fire", paramLabel = "RULE",
            description = "Override the flavor's spike condition: ${COMPLETION-CANDIDATES} (v > θ or v ≥ θ).")
    private NirConventions.Fire fire;

    @Option(names = "--spikes", paramLabel = "RULE",
            description = "Override how many spikes a step may emit: ${COMPLETION-CANDIDATES}.")
    private NirConventions.Spikes spikes;

    @Option(names = "--integration", paramLabel = "RULE",
            description = "Override how a leak is stepped: ${COMPLETION-CANDIDATES}.")
    private NirConventions.Integration integration;

    @Option(names = "--layer-delay", paramLabel = "RULE",
            description = "Override the delay of each neuron layer's output: ${COMPLETION-CANDIDATES}.")
    private NirConventions.LayerDelay layerDelay;

    @Option(names = "--record", paramLabel = "NODE", arity = "1..*",
            description = "Also write these nodes' outputs, and for neurons their membrane NODE:v (and synaptic "
                    + "current NODE:i).")
    private List<String> record = List.of();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.npz",
            description = "Where to write the values, keyed by node name, each of shape (T, ...).")
    private Path output;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        AtomicFiles.requireReplaceable(output);
        PrintWriter out = spec.commandLine().getOut();
        NirGraph graph = NirReader.read(model);
        Optional<NirDtInference> inferred = NirDtInference.infer(graph);
        NirConventions conventions = overridden(NirConventions.of(flavor, stepOf(inferred), graph));
        NirInterpreter interpreter = new NirInterpreter(graph, conventions, SourceSpan.ofFile(model.toString()));
        if (interpreter.inputNodes().size() != 1) {
            throw CompilationException.of(DiagnosticCode.UNSUPPORTED_CONSTRUCT, SourceSpan.ofFile(model.toString()),
                    "a NIR graph with " + interpreter.inputNodes().size() + " Input nodes " + interpreter.inputNodes()
                            + "; nir-run feeds one, from " + input);
        }
        out.printf("conventions (%s): %s%n", flavor, conventions.describe());
        out.printf("dt inference: %s%n", inferred.map(found -> found.dt() + " s: " + found.reason())
                .orElse("none; the file's parameters prove no dt"));
        inferred.filter(found -> Math.abs(found.dt() / conventions.dt() - 1) > 1e-6).ifPresent(found -> out.printf(
                "note: the file's parameters prove dt = %s s, but the graph is stepped with dt = %s s%n",
                found.dt(), conventions.dt()));
        Tensor steps = steps();
        NirRecording recording = interpreter.run(steps, new LinkedHashSet<>(record));
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        recording.outputs().forEach((node, values) -> arrays.put(node, array(values)));
        recording.states().forEach((node, variables) -> variables.forEach(
                (variable, values) -> arrays.put(node + ":" + variable, array(values))));
        NpzWriter.write(output, arrays);
        out.printf("wrote %s: %d steps, arrays %s%n", output, steps.shape().dim(0),
                String.join(", ", arrays.keySet()));
        out.flush();
        return 0;
    }

    /** {@code flavored} with each convention the command line gives in its place. */
    private NirConventions overridden(NirConventions flavored) {
        NirConventions conventions = flavored;
        if (reset != null) {
            conventions = conventions.withReset(reset);
        }
        if (fire != null) {
            conventions = conventions.withFire(fire);
        }
        if (spikes != null) {
            conventions = conventions.withSpikes(spikes);
        }
        if (integration != null) {
            conventions = conventions.withIntegration(integration);
        }
        if (layerDelay != null) {
            conventions = conventions.withLayerDelay(layerDelay);
        }
        return conventions;
    }

    /** --dt, else the flavor's own dt (empty), else for a flavor without one the dt the file proves. */
    private OptionalDouble stepOf(Optional<NirDtInference> inferred) {
        if (dt != null) {
            if (!(dt > 0) || dt.isInfinite()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--dt must be a positive number of "
                        + "seconds, got " + dt);
            }
            return OptionalDouble.of(dt);
        }
        if (flavor.dt().isPresent()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(inferred.map(NirDtInference::dt).orElseThrow(() -> new CommandLine
                .ParameterException(spec.commandLine(), "--flavor " + flavor + " has no dt of its own and the "
                        + "parameters of " + model + " prove none: give --dt")));
    }

    private Tensor steps() {
        NpyArray array = InferCommand.readArray(input);
        if (array.rank() == 0 || Arrays.stream(array.shape()).anyMatch(d -> d < 1)) {
            throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(input.toString()),
                    input, "the input has shape " + Arrays.toString(array.shape())
                            + "; nir-run needs (steps, *input shape) with no empty axis");
        }
        return Tensor.wrap(Shape.of(array.shape()), array.values());
    }

    private static NpyArray array(Tensor values) {
        return new NpyArray(NpyElementType.F8, values.shape().toArray(), values.toArray());
    }
}
