package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.data.InputArrays;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.NormalizeOptions;
import org.snnc.compiler.passes.NormalizeOptions.OutputScale;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.ChipCompiler;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of the conversion pipeline, shared by {@code convert} and {@code simulate}. */
final class ConversionMixin {

    @Option(names = "--calibration", paramLabel = "DATA.npz",
            description = "Calibration images (x) for data-based normalization; required to convert an ANN.")
    Path calibration;

    @Option(names = "--calibration-limit", paramLabel = "N", defaultValue = "1000",
            description = "Use the first N calibration images (default: ${DEFAULT-VALUE}).")
    int calibrationLimit;

    @Option(names = "--percentile", paramLabel = "P", defaultValue = "99.9",
            description = "λ is the P-th percentile of each layer's non-zero activations; 100 is max-norm "
                    + "(default: ${DEFAULT-VALUE}).")
    double percentile;

    @Option(names = "--per-channel", description = "Normalize each channel by its own λ.")
    boolean perChannel;

    @Option(names = "--output-lambda", paramLabel = "percentile|max|none", defaultValue = "percentile",
            converter = Converters.OutputScaleConverter.class,
            description = "The output layer's λ: the percentile of its positive logits, their max, or 1 "
                    + "(default: ${DEFAULT-VALUE}).")
    OutputScale outputLambda;

    @Option(names = "--reset", paramLabel = "subtract|zero", defaultValue = "subtract",
            converter = Converters.ResetConverter.class,
            description = "Reset by subtraction or to zero (default: ${DEFAULT-VALUE}).")
    ResetMode reset;

    @Option(names = "--gate-ema-decay", paramLabel = "D",
            description = "Max-pool gates estimate rates by a moving average with decay D in [0,1) instead of the "
                    + "running spike count.")
    Double gateEmaDecay;

    @Option(names = "--input-encoding", paramLabel = "analog|poisson", defaultValue = "analog",
            converter = Converters.EncodingConverter.class,
            description = "Analog current or Poisson spikes (default: ${DEFAULT-VALUE}).")
    InputEncoding encoding;

    @Option(names = "--readout", paramLabel = "membrane|spikecount|softmax", defaultValue = "membrane",
            converter = Converters.ReadoutConverter.class,
            description = "How the class is read from the output layer (default: ${DEFAULT-VALUE}).")
    ReadoutMode readout;

    @Option(names = "--readout-window", paramLabel = "all|half", defaultValue = "all",
            converter = Converters.ReadoutWindowConverter.class,
            description = "The steps the readout's scores integrate: all of them, or the later half, which forgets "
                    + "the start-up transient (default: ${DEFAULT-VALUE}).")
    ReadoutWindow readoutWindow;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the Poisson input and the Poisson softmax readout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--maxpool-to-avgpool",
            description = "Replace max pooling by average pooling, for chips without a max-pool gate; this changes "
                    + "the network and costs accuracy.")
    boolean maxPoolToAvgPool;

    @Option(names = "--initial-membrane", paramLabel = "F", defaultValue = "0.5",
            description = "Start every membrane that resets by subtraction at F·θ, F in [0, 1); 0 is the "
                    + "paper's, 0.5 halves the quantization error of rate coding (Bu et al. 2022) "
                    + "(default: ${DEFAULT-VALUE}).")
    double initialMembrane;

    @Option(names = "--calibrate-bias", paramLabel = "T", defaultValue = "0",
            description = "Correct every population's current so that its mean rate over T steps on the calibration "
                    + "images is the rate network's (Li et al. 2021); 0 skips it (default: ${DEFAULT-VALUE}).")
    int calibrateBias;

    @Option(names = "--fold-pool-into-dense",
            description = "Fold an average pooling that a dense layer reads into that layer's weights, so that it "
                    + "costs no layer of IF neurons; the dense layer's synapses grow by the pool's window.")
    boolean foldPoolIntoDense;

    @Option(names = "--passes", paramLabel = "a,b,c",
            description = "Run these passes in this order instead of the standard pipeline.")
    String passes;

    @Option(names = "--print-ir-after-all", description = "Print the network after every pass.")
    boolean printAfterAll;

    @Option(names = "--print-ir-after", paramLabel = "PASS", split = ",",
            description = "Print the network after the named passes.")
    List<String> printAfter = new ArrayList<>();

    @Option(names = "--print-ir-after-change", description = "Print the network after every pass that changed it.")
    boolean printAfterChange;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    ConversionOptions options() {
        if (!(percentile > 0 && percentile <= 100)) {
            throw usage("--percentile must be in (0, 100], got " + percentile);
        }
        if (gateEmaDecay != null && !(gateEmaDecay >= 0 && gateEmaDecay < 1)) {
            throw usage("--gate-ema-decay must be in [0, 1), got " + gateEmaDecay);
        }
        if (!(initialMembrane >= 0 && initialMembrane < 1)) {
            throw usage("--initial-membrane must be in [0, 1), got " + initialMembrane);
        }
        if (calibrateBias < 0) {
            throw usage("--calibrate-bias must be a number of steps, 0 to skip, got " + calibrateBias);
        }
        if (encoding == InputEncoding.SEQUENCE) {
            throw usage("--input-encoding sequence is the input of an imported spiking network (NIR); an ANN's "
                    + "images are encoded as analog or poisson");
        }
        if (seed < 0 || calibrationLimit < 1) {
            throw usage("--seed must be non-negative and --calibration-limit at least 1");
        }
        OptionalDouble decay = gateEmaDecay == null ? OptionalDouble.empty() : OptionalDouble.of(gateEmaDecay);
        return new ConversionOptions(new NormalizeOptions(percentile, perChannel, outputLambda), reset, decay,
                encoding, readout, seed, maxPoolToAvgPool, initialMembrane, calibrateBias, foldPoolIntoDense,
                readoutWindow);
    }

    /** The pass manager for {@code graph}'s conversion pipeline ({@link #pipelineFor}) with these options. */
    PassManager passManager(PrintWriter out, Graph graph) {
        List<Pass> pipeline = pipelineFor(graph).apply(options());
        return new PassManager(pipeline, dumps(out, pipeline.stream().map(Pass::name).toList()));
    }

    /** The conversion passes for some options: {@code --passes}, or the standard pipeline. */
    Function<ConversionOptions, List<Pass>> pipeline() {
        return options -> passes == null ? Passes.standard(options) : Passes.parse(passes, options);
    }

    /**
     * The conversion passes for {@code graph}: {@code --passes}, none for a graph that is already converted (a
     * spiking network from a network file or a NIR graph), or the standard pipeline.
     */
    Function<ConversionOptions, List<Pass>> pipelineFor(Graph graph) {
        return passes == null ? ChipCompiler.Options.defaultsFor(graph).pipeline() : pipeline();
    }

    /** The IR dumps the flags ask for, printed to {@code out}; every {@code --print-ir-after} must name a pass. */
    IrDumps dumps(PrintWriter out, List<String> passNames) {
        for (String name : printAfter) {
            if (!passNames.contains(name)) {
                throw usage("--print-ir-after names '" + name + "', which is not in the pipeline " + passNames);
            }
        }
        return new IrDumps(printAfterAll, java.util.Set.copyOf(printAfter), printAfterChange, text -> {
            out.print(text);
            out.flush();
        });
    }

    /** The calibration images, scaled for {@code graph}'s input, if {@code --calibration} was given. */
    CompilationInputs inputs(Graph graph, int threads, Progress.Factory progress) {
        Optional<double[][]> images = Optional.ofNullable(calibration)
                .map(file -> DataSets.requireImages(Dataset.load(file, graph.input(), InputArrays.encodingOf(graph),
                        calibrationLimit), file, "calibration").inputs());
        return new CompilationInputs(images, threads, progress);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }
}
