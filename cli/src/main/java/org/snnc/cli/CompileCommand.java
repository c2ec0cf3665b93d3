package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.io.OutputBatch;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.model.ModelWriter;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.targets.ChipCompiler.CompiledChip;
import org.snnc.targets.ChipCompiler;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.quant.LayerQuantization;
import org.snnc.targets.quant.Quantize;
import org.snnc.targets.quant.QuantizeOptions;
import org.snnc.targets.report.ResourceReport;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code snnc compile FILE --target T --calibration DATA.npz -o OUT_DIR}: import → conversion → quantization → mapping
 * → emission. It writes the configuration, the resource report (text and JSON) and the quantized network into
 * OUT_DIR, each file whole or not at all, and only once every stage has succeeded.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile a network for a neuromorphic chip: convert, quantize, map onto cores and emit the "
                + "chip configuration.")
final class CompileCommand implements Callable<Integer> {

    static final String CONFIGURATION_FILE = "config.json";
    static final String RESOURCES_TEXT = "resources.txt";
    static final String RESOURCES_JSON = "resources.json";
    static final String QUANTIZED_NETWORK = "quantized.snn";
    static final String SOURCE_NETWORK = "network.snn";

    @Mixin
    private ModelOptions model;

    @Mixin
    private ConversionMixin conversion;

    @Option(names = "--target", paramLabel = "NAME|CHIP.json", required = true,
            description = "A built-in chip (generic, loihi, speck) or the path of a chip spec JSON file.")
    private String target;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT_DIR", required = true,
            description = "The folder to write the configuration and reports into (created if missing).")
    private Path outputDir;

    @Option(names = "--allocator", paramLabel = "greedy|packed|maxflow",
            description = "How pieces are placed on cores (default: maxflow for one-layer-per-core chips, else "
                    + "greedy).")
    private String allocator;

    @Option(names = "--zero-reset-ratio", paramLabel = "R|auto", defaultValue = "auto",
            description = "For reset to zero: the threshold-to-input ratio, a power of two, or auto for each "
                    + "population's own from the calibration images (default: ${DEFAULT-VALUE}; 1 for a network "
                    + "that is already spiking, such as a NIR graph, whose spikes it keeps).")
    private String zeroResetRatio;

    @Option(names = "--run", description = "Then run the configuration on the emulator with --data.")
    private boolean run;

    @Mixin
    private RunCommand.EmulationOptions emulation;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (emulation.data != null && !run) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--data is for --run");
        }
        try (OutputBatch compiled = OutputBatch.open()) {
            // The folder is checked and made first, so that a wrong -o fails before the work; the batch removes it
            // again if the compile fails.
            OutputBatch.createFolders(outputDir);
            compile(out, err);
            compiled.commit();
        }
        // compile's files are in place now, for --run to read; --run's own files wait for the command's batch.
        return run ? emulation.run(outputDir, model.file.toString(), spec, null, null) : 0;
    }

    /** Everything but the run; the files it writes wait in the open batch. */
    private void compile(PrintWriter out, PrintWriter err) throws Exception {
        long start = System.nanoTime();
        ChipSpec chip = ChipSpecs.load(target);
        CoreAllocator placement = allocator == null ? CoreAllocator.defaultFor(chip)
                : CoreAllocator.byName(allocator).orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(), "--allocator must be one of " + CoreAllocator.names() + ", got '"
                                + allocator + "'"));
        Graph graph = model.load().graph();
        long imported = System.nanoTime();
        Function<ConversionOptions, List<Pass>> pipeline = conversion.pipelineFor(graph);
        List<String> passNames = new ArrayList<>(pipeline.apply(conversion.options()).stream()
                .map(Pass::name).toList());
        passNames.add(Quantize.NAME);
        Optional<EarlyExit> earlyExit = emulation.exit.earlyExit(spec);
        if (earlyExit.isPresent() && conversion.options().readout() != ReadoutMode.MEMBRANE) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "an early exit reads the membrane readout's margin; compile with --readout membrane");
        }
        ChipCompiler.Options options = ChipCompiler.Options.defaults().withConversion(conversion.options())
                .withPipeline(pipeline, conversion.dumps(out, passNames)).withAllocator(placement)
                .withZeroResetRatio(zeroResetRatio(graph)).withEarlyExit(earlyExit)
                .withPinnedScale(model.fixedPointScale())
                .withListener(new ChipCompiler.Listener() {
                    @Override
                    public void note(String note) {
                        err.println(note);
                    }
                });
        int workers = Threads.resolve(emulation.threads, spec);
        CompiledChip compiled = ChipCompiler.compile(graph, chip, options,
                conversion.inputs(graph, workers, ConsoleProgress.forTerminal()));
        byte[] configurationBytes = compiled.configurationBytes();
        ResourceReport resources = ResourceReport.of(compiled.mapping());

        AtomicFiles.write(outputDir.resolve(CONFIGURATION_FILE), configurationBytes);
        AtomicFiles.write(outputDir.resolve(RESOURCES_TEXT), resources.toText().getBytes(StandardCharsets.UTF_8));
        ModelWriter.write(compiled.quantized(), outputDir.resolve(QUANTIZED_NETWORK));
        ModelWriter.write(graph, outputDir.resolve(SOURCE_NETWORK));
        Map<String, Double> stageMillis = new LinkedHashMap<>();
        stageMillis.put("import", (imported - start) / 1e6);
        compiled.stages().forEach(stage -> stageMillis.put(stage.name(), stage.nanos() / 1e6));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model.file.toString());
        report.put("target", chip.name());
        report.put("configuration_bytes", configurationBytes.length);
        report.put("stage_ms", stageMillis);
        report.put("passes", PassTable.records(compiled.conversion()));
        report.put("resources", resources);
        report.put("quantization", compiled.quantization());
        JsonReports.write(outputDir.resolve(RESOURCES_JSON), report);

        PassTable.print(compiled.conversion(), err);
        printSummary(out, chip, resources, compiled.quantization(), stageMillis, configurationBytes.length);
    }

    private static void printSummary(PrintWriter out, ChipSpec chip, ResourceReport resources,
            List<LayerQuantization> layers, Map<String, Double> stageMillis, long configurationBytes) {
        out.printf(Locale.ROOT, "compiled for %s: %d of %d cores (%.1f%%), lower bound %d (%s); used cores hold %.1f%% "
                        + "of their neuron and %.1f%% of their synapse memory%n", chip.name(), resources.coresUsed(),
                chip.cores(), 100.0 * resources.coresUsed() / chip.cores(), resources.lowerBound(),
                resources.boundBy(), 100 * resources.utilization().neurons(),
                100 * resources.utilization().synapseMemory());
        stageMillis.forEach((stage, millis) -> out.printf(Locale.ROOT, "  %-28s %9.1f ms%n", stage, millis));
        out.printf(Locale.ROOT, "configuration: %s, %,d bytes%n", CONFIGURATION_FILE, configurationBytes);
        out.println(QuantizationTable.format(layers));
        out.flush();
    }

    /**
     * --zero-reset-ratio as {@link QuantizeOptions}'s R, or its {@link QuantizeOptions#AUTO_RATIO}. R scales a
     * rate-coded population's threshold and the weights leaving it, which keeps its rate but not its spikes; a graph
     * that is already spiking (an imported NIR graph) is compiled spike for spike, so R = 1 unless the option is given.
     */
    private int zeroResetRatio(Graph graph) {
        if (!spec.commandLine().getParseResult().hasMatchedOption("--zero-reset-ratio")) {
            return ChipCompiler.Options.defaultsFor(graph).zeroResetRatio();
        }
        if (zeroResetRatio.equals("auto")) {
            return QuantizeOptions.AUTO_RATIO;
        }
        try {
            int ratio = Integer.parseInt(zeroResetRatio);
            if (ratio >= 1 && Integer.bitCount(ratio) == 1) {
                return ratio;
            }
        } catch (NumberFormatException notANumber) {
            // reported below with the other wrong values
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "--zero-reset-ratio must be a power of two or auto, got " + zeroResetRatio);
    }
}
