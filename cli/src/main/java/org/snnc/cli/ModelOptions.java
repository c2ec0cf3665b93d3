package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.nir.NirConventions;
import org.snnc.compiler.nir.NirImportOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The model file argument and the options for loading it, shared by every command that reads a model. */
final class ModelOptions {

    @Parameters(index = "0", paramLabel = "FILE",
            description = "A network (.snn), an ONNX model (.onnx) or a NIR graph (.nir).")
    Path file;

    @Option(names = "--allow-outside-paths",
            description = "Let a network file name a weights file outside its own folder.")
    boolean allowOutsidePaths;

    @Option(names = "--input-dtype", paramLabel = "TYPE", defaultValue = "f32",
            converter = Converters.DTypeConverter.class,
            description = "ONNX models only: the element type of the raw input data (u8, i8, i32, i64, f32, f64). "
                    + "Default: ${DEFAULT-VALUE}.")
    DType inputDType;

    @Option(names = "--input-scale", paramLabel = "RATIO", defaultValue = "1",
            converter = Converters.ScaleConverter.class,
            description = "ONNX models only: the factor from raw data to network input, e.g. 1/255. "
                    + "Default: ${DEFAULT-VALUE}.")
    Scale inputScale;

    @Option(names = "--nir-flavor", paramLabel = "sinabs|norse|snntorch|lava|nir-text|snnc",
            converter = Converters.NirFlavorConverter.class,
            description = "NIR graphs only: the framework whose reading of the neurons to take (reset by "
                    + "subtraction or to zero, v ≥ θ or v > θ, the dt of leaky neurons; lava also pins a chip "
                    + "compile's scale to lava-dl's fixed point); required unless the graph's metadata names it, as "
                    + "snnc's export does (snnc: the exported IR, restored from the metadata).")
    NirConventions.Flavor nirFlavor;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /**
     * Loads the model and prints the importer's notes to the error stream; the ONNX input options are a usage error
     * for any other file, and the NIR flavor for a file that is not NIR.
     */
    ModelLoader.LoadedModel load() {
        CommandLine.ParseResult parsed = command.commandLine().getParseResult();
        String name = file.getFileName().toString();
        boolean onnxOptionGiven = parsed.hasMatchedOption("--input-dtype") || parsed.hasMatchedOption("--input-scale");
        if (onnxOptionGiven && !name.endsWith(".onnx")) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--input-dtype and --input-scale apply to ONNX models only; " + file
                            + " declares its own input type");
        }
        if (nirFlavor != null && !name.endsWith(".nir")) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--nir-flavor applies to NIR graphs (.nir) only, not to " + file);
        }
        ModelLoader.LoadedModel loaded = ModelLoader.load(file, new LoadOptions(allowOutsidePaths,
                new OnnxImportOptions(inputDType, inputScale), new NirImportOptions(Optional.ofNullable(nirFlavor))));
        PrintWriter err = command.commandLine().getErr();
        loaded.notes().forEach(err::println);
        err.flush();
        return loaded;
    }

    /**
     * Membrane LSBs per unit of the NIR flavor's own fixed point ({@link NirConventions.Flavor#fixedPointScale}), for a NIR graph
     * read with a flavor that has one: a chip compile pins every population's scale to it.
     */
    OptionalDouble fixedPointScale() {
        return nirFlavor == null ? OptionalDouble.empty() : nirFlavor.fixedPointScale();
    }
}
