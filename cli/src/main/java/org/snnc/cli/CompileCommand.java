package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.io.OutputBatch;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.ModelWriter;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.PassRun;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.targets.TargetPipeline;
import org.snnc.targets.emit.Configuration;
import org.snnc.targets.emit.ConfigurationEmitter;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.Mapper;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.net.SynapticNetwork;
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

    @Option(names = "--zero-reset-ratio", paramLabel = "R", defaultValue = "8",
            description = "For reset to zero: the threshold-to-input ratio, a power of two (default: ${DEFAULT-VALUE}).")
    private int zeroResetRatio;

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
        if (zeroResetRatio < 1 || Integer.bitCount(zeroResetRatio) != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--zero-reset-ratio must be a power of two, got " + zeroResetRatio);
        }
        try (OutputBatch compiled = OutputBatch.open()) {
            // The folder is checked and made first, so that a wrong -o fails before the work; the batch removes it
            // again if the compile fails.
            OutputBatch.createFolders(outputDir);
            compile(out, err);
            compiled.commit();
        }
        // compile's files are in place now, for --run to read; --run's own files wait for the command's batch.
        return run ? emulation.run(outputDir, model.file.toString(), spec) : 0;
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
        TargetPipeline.TargetOptions adapted = TargetPipeline.adapt(chip, conversion.options(), graph);
        adapted.notes().forEach(err::println);
        PassManager manager = conversion.passManager(out, adapted.options(),
                List.of(new Quantize(new QuantizeOptions(chip, zeroResetRatio))));
        int workers = Threads.resolve(emulation.threads, spec);
        PipelineResult converted = manager.run(graph, conversion.inputs(graph, workers,
                ConsoleProgress.forTerminal()));
        long quantized = System.nanoTime();
        Mapping mapping = Mapper.map(SynapticNetwork.of(converted.graph()), chip, placement);
        long mapped = System.nanoTime();
        Configuration configuration = ConfigurationEmitter.configuration(mapping);
        byte[] configurationBytes = ConfigurationEmitter.toBytes(configuration);
        ResourceReport resources = ResourceReport.of(mapping);
        long emitted = System.nanoTime();

        AtomicFiles.write(outputDir.resolve(CONFIGURATION_FILE), configurationBytes);
        AtomicFiles.write(outputDir.resolve(RESOURCES_TEXT), resources.toText().getBytes(StandardCharsets.UTF_8));
        ModelWriter.write(converted.graph(), outputDir.resolve(QUANTIZED_NETWORK));
        ModelWriter.write(graph, outputDir.resolve(SOURCE_NETWORK));
        Map<String, Double> stageMillis = new LinkedHashMap<>();
        stageMillis.put("import", (imported - start) / 1e6);
        long quantizeNanos = converted.runs().stream().filter(run -> run.pass().equals("quantize"))
                .mapToLong(PassRun::wallNanos).sum();
        stageMillis.put("conversion", (quantized - imported - quantizeNanos) / 1e6);
        stageMillis.put("quantization", quantizeNanos / 1e6);
        stageMillis.put("mapping", (mapped - quantized) / 1e6);
        stageMillis.put("emission", (emitted - mapped) / 1e6);
        List<LayerQuantization> layers = quantization(converted);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model.file.toString());
        report.put("target", chip.name());
        report.put("configuration_bytes", configurationBytes.length);
        report.put("stage_ms", stageMillis);
        report.put("passes", PassTable.records(converted));
        report.put("resources", resources);
        report.put("quantization", layers);
        JsonReports.write(outputDir.resolve(RESOURCES_JSON), report);

        PassTable.print(converted, err);
        printSummary(out, chip, resources, layers, stageMillis, configurationBytes.length);
    }

    @SuppressWarnings("unchecked")
    private static List<LayerQuantization> quantization(PipelineResult result) {
        return (List<LayerQuantization>) result.records().getOrDefault("quantization", List.of());
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
}
