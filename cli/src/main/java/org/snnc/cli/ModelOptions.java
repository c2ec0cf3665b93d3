package org.snnc.cli;

import java.nio.file.Path;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The model file argument and the options for loading it, shared by every command that reads a model. */
final class ModelOptions {

    @Parameters(index = "0", paramLabel = "FILE", description = "A network (.snn) or an ONNX model (.onnx).")
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

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /** Loads the model; the ONNX input options are a usage error for a network file, which declares its input. */
    ModelLoader.LoadedModel load() {
        CommandLine.ParseResult parsed = command.commandLine().getParseResult();
        boolean onnxOptionGiven = parsed.hasMatchedOption("--input-dtype") || parsed.hasMatchedOption("--input-scale");
        if (onnxOptionGiven && !file.getFileName().toString().endsWith(".onnx")) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--input-dtype and --input-scale apply to ONNX models only; " + file
                            + " declares its own input type");
        }
        return ModelLoader.load(file, new LoadOptions(allowOutsidePaths, new OnnxImportOptions(inputDType,
                inputScale)));
    }
}
