package org.snnc.targets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.function.Function;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.Normalize;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.PassRun;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.targets.emit.Configuration;
import org.snnc.targets.emit.ConfigurationEmitter;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.Mapper;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.quant.LayerQuantization;
import org.snnc.targets.quant.Quantize;
import org.snnc.targets.quant.QuantizeOptions;
import org.snnc.targets.spec.ChipSpec;

/**
 * Compiles a network for a chip, as {@code snnc compile} does, in four timed stages: the conversion the chip needs
 * ({@link TargetPipeline#adapt}, then the conversion passes), {@link Quantize}, mapping ({@link SynapticNetwork#of}
 * and {@link Mapper#map}) and emission ({@link ConfigurationEmitter}). The library entry point: the CLI, the tests and
 * the benchmarks all compile through it.
 *
 * <pre>{@code
 * Graph ann = ModelLoader.load(Path.of("lenet.onnx"), onnxOptions).graph();
 * double[][] calibration = Dataset.load(Path.of("calib.npz"), ann.input(), 1000).inputs();
 * CompiledChip chip = ChipCompiler.compile(ann, ChipSpecs.load("generic"), ChipCompiler.Options.defaults(),
 *         new CompilationInputs(Optional.of(calibration), 2, Progress.NONE));
 * Files.write(Path.of("config.json"), chip.configurationBytes());
 * }</pre>
 * A network the chip cannot hold, or a conversion it cannot make, is a {@link
 * org.snnc.compiler.diag.CompilationException} with the diagnostics.
 */
public final class ChipCompiler {

    private ChipCompiler() {
    }

    /**
     * How to compile.
     *
     * @param conversion     the conversion options asked for; the chip may force some ({@link TargetPipeline#adapt})
     * @param pipeline       the conversion passes for the adapted options ({@link Passes#standard} by default)
     * @param dumps          which IR dumps to print between passes
     * @param allocator      the core allocator, else the chip's default ({@link CoreAllocator#defaultFor})
     * @param zeroResetRatio the threshold ratio of a zero-reset chip ({@link QuantizeOptions})
     * @param listener       told of each note and stage as it comes, so that a caller sees them before a refusal
     * @param earlyExit      the early exit the readout asks of the host
     * @param pinnedScale    membrane LSBs per float unit for every population, when pinned ({@link QuantizeOptions})
     */
    public record Options(ConversionOptions conversion, Function<ConversionOptions, List<Pass>> pipeline,
            IrDumps dumps, Optional<CoreAllocator> allocator, int zeroResetRatio, Listener listener,
            Optional<EarlyExit> earlyExit, OptionalDouble pinnedScale) {

        /** The standard pipeline with default options, no dumps, the chip's allocator, no early exit. */
        public static Options defaults() {
            return new Options(ConversionOptions.defaults(), Passes::standard, IrDumps.NONE, Optional.empty(),
                    QuantizeOptions.AUTO_RATIO, new Listener() { }, Optional.empty(), OptionalDouble.empty());
        }

        /**
         * The defaults for {@code graph}: {@link #defaults()}, or for a graph that is already converted
         * ({@link org.snnc.compiler.passes.Stage#isConverted}: an imported NIR graph, a converted network file) no
         * conversion passes and a zero-reset ratio R = 1, since such a graph is compiled spike for spike and R keeps
         * only a population's rate.
         */
        public static Options defaultsFor(Graph graph) {
            Options defaults = defaults();
            return org.snnc.compiler.passes.Stage.isConverted(graph)
                    ? defaults.withPipeline(options -> List.of(), IrDumps.NONE).withZeroResetRatio(1) : defaults;
        }

        public Options withConversion(ConversionOptions options) {
            return new Options(options, pipeline, dumps, allocator, zeroResetRatio, listener, earlyExit, pinnedScale);
        }

        public Options withPipeline(Function<ConversionOptions, List<Pass>> passes, IrDumps irDumps) {
            return new Options(conversion, passes, irDumps, allocator, zeroResetRatio, listener, earlyExit,
                    pinnedScale);
        }

        public Options withAllocator(CoreAllocator chosen) {
            return new Options(conversion, pipeline, dumps, Optional.of(chosen), zeroResetRatio, listener,
                    earlyExit, pinnedScale);
        }

        public Options withZeroResetRatio(int ratio) {
            return new Options(conversion, pipeline, dumps, allocator, ratio, listener, earlyExit, pinnedScale);
        }

        public Options withListener(Listener told) {
            return new Options(conversion, pipeline, dumps, allocator, zeroResetRatio, told, earlyExit, pinnedScale);
        }

        /** Every population's scale pinned ({@link QuantizeOptions#pinnedScale}), or empty: θ per population. */
        public Options withPinnedScale(OptionalDouble scale) {
            return new Options(conversion, pipeline, dumps, allocator, zeroResetRatio, listener, earlyExit, scale);
        }

        /** The early exit the configuration's readout asks of the host, its margin in output thresholds θ. */
        public Options withEarlyExit(Optional<EarlyExit> exit) {
            return new Options(conversion, pipeline, dumps, allocator, zeroResetRatio, listener, exit, pinnedScale);
        }
    }

    /** Hears of a compilation as it goes. */
    public interface Listener {

        /** What the chip forced on the conversion, one line each ({@link TargetPipeline.TargetOptions#notes}). */
        default void note(String note) {
        }

        /** A stage that has ended. */
        default void stage(Stage stage) {
        }
    }

    /** One timed stage: {@code conversion}, {@code quantization}, {@code mapping} or {@code emission}. */
    public record Stage(String name, long nanos) {
    }

    /**
     * A compiled network.
     *
     * @param quantized     the quantized network, which {@code quantized.snn} holds
     * @param conversion    every pass run of the conversion and quantization, with its statistics and timing
     * @param notes         what the chip forced on the conversion ({@link TargetPipeline.TargetOptions#notes})
     * @param quantization  each layer's quantization
     * @param lambdas       each normalized layer's λ: a number, or one per channel ({@link Normalize#LAMBDAS})
     * @param mapping       the placement on cores and the routes
     * @param configuration the chip configuration
     * @param stages        the four stages, in order
     */
    public record CompiledChip(Graph quantized, PipelineResult conversion, List<String> notes,
            List<LayerQuantization> quantization, Map<String, Object> lambdas, Mapping mapping,
            Configuration configuration, List<Stage> stages) {

        /** {@code config.json}'s bytes. */
        public byte[] configurationBytes() {
            return ConfigurationEmitter.toBytes(configuration);
        }

        /** {@code config.json}'s text. */
        public String configurationText() {
            return new String(configurationBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Compiles {@code graph} for {@code chip}; {@code inputs} gives the calibration images, threads and progress.
     *
     * @throws CompilationException {@link DiagnosticCode#FEATURE_UNSUPPORTED} when the options ask for an early exit
     *         that the chip lacks, before any work
     * @throws IllegalArgumentException when they ask for an early exit with a readout other than membrane, whose
     *         margin it reads
     */
    public static CompiledChip compile(Graph graph, ChipSpec chip, Options options, CompilationInputs inputs) {
        if (options.earlyExit().isPresent()) {
            requireEarlyExit(graph, chip, options.conversion().readout());
        }
        List<Stage> stages = new ArrayList<>();
        Consumer<Stage> record = stage -> {
            stages.add(stage);
            options.listener().stage(stage);
        };
        long start = System.nanoTime();
        TargetPipeline.TargetOptions adapted = TargetPipeline.adapt(chip, options.conversion(), graph);
        adapted.notes().forEach(options.listener()::note);
        List<Pass> passes = new ArrayList<>(options.pipeline().apply(adapted.options()));
        passes.add(new Quantize(new QuantizeOptions(chip, options.zeroResetRatio(), options.pinnedScale())));
        PipelineResult converted = new PassManager(passes, options.dumps()).run(graph, inputs);
        long quantized = System.nanoTime();
        long quantizeNanos = converted.runs().stream().filter(run -> run.pass().equals(Quantize.NAME))
                .mapToLong(PassRun::wallNanos).sum();
        record.accept(new Stage("conversion", quantized - start - quantizeNanos));
        record.accept(new Stage("quantization", quantizeNanos));
        Mapping mapping = Mapper.map(SynapticNetwork.of(converted.graph()), chip,
                options.allocator().orElseGet(() -> CoreAllocator.defaultFor(chip)));
        long mapped = System.nanoTime();
        record.accept(new Stage("mapping", mapped - quantized));
        Configuration configuration = ConfigurationEmitter.configuration(mapping, options.earlyExit());
        record.accept(new Stage("emission", System.nanoTime() - mapped));
        return new CompiledChip(converted.graph(), converted, adapted.notes(),
                converted.record(Quantize.QUANTIZATION).orElse(List.of()),
                converted.record(Normalize.LAMBDAS).orElse(Map.of()), mapping, configuration, List.copyOf(stages));
    }

    /** An early exit reads the membrane readout's margin, and needs a chip declaring {@code features.early_exit}. */
    private static void requireEarlyExit(Graph graph, ChipSpec chip, ReadoutMode readout) {
        if (readout != ReadoutMode.MEMBRANE) {
            throw new IllegalArgumentException("an early exit reads the membrane readout's margin, not the "
                    + readout.spelling() + " readout's");
        }
        if (!chip.features().earlyExit()) {
            SourceSpan span = graph.node(graph.output()).span();
            throw CompilationException.of(DiagnosticCode.FEATURE_UNSUPPORTED, span, "the output", graph.output(),
                    "an early exit (features.early_exit)", chip.name(),
                    "compile without --exit-margin and --exit-steps");
        }
    }
}
