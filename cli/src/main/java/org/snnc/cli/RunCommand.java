package org.snnc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.data.InputArrays;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.emulator.Chip;
import org.snnc.emulator.Probes;
import org.snnc.emulator.RunSummary;
import org.snnc.emulator.Runner;
import org.snnc.emulator.config.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code snnc run OUT_DIR --data DATA.npz --steps T}: runs a compiled configuration on the cycle-accurate emulator and
 * reports accuracy over time, operations against the ANN's MACs, energy and speed, in the report contract of
 * {@code simulate}. The emulator reads only {@code config.json}; the ANN beside it ({@code network.snn}) gives the
 * reference accuracy and the quantized network the MACs. For a sequence input ({@code input.encoding} {@code sequence})
 * the data hold sequences of frames of event counts, x of shape [N, T_x, ...input shape], and {@code --steps} may
 * exceed T_x: the input is silent after its last frame; there is no ANN accuracy then.
 *
 * <p>{@code --shard K/N --partial PART.json} runs the K-th of N contiguous slices of the images ({@link Shard}) and
 * writes its counts ({@link PartialRun}) instead of a report; {@code snnc merge} makes the report of the whole run
 * from the N parts. The report is built from the run's {@link org.snnc.emulator.RunSummary} either way
 * ({@link EmulationReport}), so the merged report equals the unsharded one in every figure but wall time and speed.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a compiled configuration on the cycle-accurate emulator: accuracy at every step, synaptic "
                + "operations, energy and speed.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OUT_DIR", description = "The folder snnc compile wrote.")
    private Path directory;

    @CommandLine.Mixin
    private EmulationOptions emulation;

    @Option(names = "--shard", paramLabel = "K/N",
            description = "Run only the K-th of N contiguous slices of the images, K = 1..N; needs --partial.")
    private String shard;

    @Option(names = "--partial", paramLabel = "PART.json",
            description = "Write the run's counts here, for snnc merge, instead of a report.")
    private Path partial;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Shard slice = shard == null ? null : Shard.parse(shard);
        if (slice != null && partial == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shard needs --partial PART.json: a "
                    + "shard's counts are merged with the other shards' by snnc merge");
        }
        return emulation.run(directory, directory.toString(), spec, slice, partial);
    }

    /** The options of an emulation, shared by {@code run} and {@code compile --run}. */
    static final class EmulationOptions {

        @Option(names = "--data", paramLabel = "DATA.npz",
                description = "Images x (for a sequence input, sequences of frames [N, T, ...]) and labels y; or a "
                        + "folder of such .npz shards, read in file-name order.")
        Path data;

        @Option(names = "--steps", paramLabel = "T", defaultValue = "200",
                description = "Emulated time steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE,
                description = "Emulate only the first N images.")
        int limit;

        @Option(names = "--strict", description = "Make any overflow of a register an error naming core, neuron "
                + "and step.")
        boolean strict;

        @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
        Integer threads;

        @Option(names = "--report", paramLabel = "REPORT.json", description = "Write every figure as JSON.")
        Path report;

        @Option(names = "--probe", paramLabel = "CORE:NEURON",
                description = "Record this neuron (its index within the core) on the first image; repeatable.")
        List<String> probes = new ArrayList<>();

        @Option(names = "--probe-file", paramLabel = "PROBES.json",
                description = "Where --probe writes each probe's membrane after every step and its spike steps.")
        Path probeFile;

        @Option(names = "--plot", paramLabel = "DIR",
                description = "Draw accuracy, error-vs-operations and early-exit frontier PNGs here.")
        Path plotDirectory;

        @CommandLine.Mixin
        ExitOptions exit;

        /**
         * Emulates the configuration in {@code directory} and prints and writes the figures; with a {@code shard}
         * (null: all images) only its slice of the images, and with a {@code partial} file (null: none) writes the
         * run's {@link PartialRun} there instead of a report, for {@code snnc merge}.
         */
        int run(Path directory, String modelName, CommandSpec spec, Shard shard, Path partial) throws IOException {
            if (data == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--data is required to run");
            }
            if (steps < 1 || limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--steps and --limit must be at least 1");
            }
            if (partial != null && (report != null || plotDirectory != null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--partial writes a part of a run; "
                        + "snnc merge writes its --report and --plot");
            }
            int workers = Threads.resolve(threads, spec);
            PrintWriter out = spec.commandLine().getOut();
            JsonReports.requireReplaceable(report, probeFile, partial);
            Path configuration = directory.resolve(CompileCommand.CONFIGURATION_FILE);
            Chip chip = loadChip(configuration);
            Graph quantized = load(directory.resolve(CompileCommand.QUANTIZED_NETWORK));
            // Of a folder of npz shards, a shard of the run reads only the files that hold its images.
            int dataSize = DataSets.count(data, quantized, limit);
            Shard.Range range = (shard == null ? Shard.WHOLE : shard).range(dataSize);
            Dataset dataset = DataSets.forChip(data, quantized, chip, range.first(), range.end());
            DataSets.requireLabelsWithin(dataset, quantized, data);
            DataSets.requireStepMemory(steps, dataset.size(), workers, data);
            // An ANN reads one image, not a sequence of frames of events.
            int[] annPredictions = chip.sequenceInput() ? null
                    : annPredictions(directory.resolve(CompileCommand.SOURCE_NETWORK), range, workers);
            int[][] images = Arrays.stream(dataset.inputs())
                    .map(image -> Arrays.stream(image).mapToInt(value -> (int) value).toArray()).toArray(int[][]::new);
            if (!probes.isEmpty()) {
                writeProbes(chip, images[0], spec);
            }
            // The command line's early exit replaces the configuration's; its B thresholds are ⌈B·θ⌉ LSBs.
            long theta = chip.readoutThreshold();
            Optional<Configuration.EarlyExit> earlyExit = exit.earlyExit(spec)
                    .map(chosen -> new Configuration.EarlyExit(EarlyExit.lsbs(chosen.margin(), theta), chosen.steps()))
                    .or(() -> chip.configuration().readout().earlyExit());
            boolean membrane = chip.configuration().readout().mode() == Configuration.ReadoutMode.MEMBRANE;
            if (earlyExit.isPresent() && !membrane) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "an early exit reads the membrane readout's margin; this configuration reads spike counts");
            }
            RunContext context = RunContext.of(modelName, data.toString(), directory, chip, quantized, dataSize,
                    steps, earlyExit);
            // The frontier is computed from a full run; an early exit is then a second run, stopped for real.
            Runner.Result full = emulate(chip, images, workers, Optional.empty());
            Runner.Result result = earlyExit.isEmpty() ? full : emulate(chip, images, workers, earlyExit);
            RunSummary summary = EmulationReport.summarize(context, result, full, range.first(), dataset.labels(),
                    annPredictions, workers);
            if (partial != null) {
                PartialRun.write(partial, new PartialRun(context, summary));
                out.printf(Locale.ROOT, "%s: images %d..%d of %d over %d steps in %.2f s; merge the parts with snnc "
                        + "merge%n", partial, range.first(), range.end() - 1, dataSize, steps,
                        summary.wallNanos() / 1e9);
                out.flush();
            } else {
                EmulationReport.of(context, summary).publish(out, report, plotDirectory);
            }
            return 0;
        }

        private Runner.Result emulate(Chip chip, int[][] images, int workers,
                Optional<Configuration.EarlyExit> earlyExit) {
            String stage = earlyExit.isEmpty() ? "emulating" : "emulating with early exit";
            try (Progress progress = ConsoleProgress.forTerminal().start(stage, images.length)) {
                return Runner.run(chip, images, steps, workers, strict, earlyExit,
                        (done, total) -> progress.advance(1));
            }
        }

        /**
         * Loads a configuration, which must be a regular file: the emulator reads what it is given to the end, and
         * {@code /dev/zero} has none.
         */
        static Chip loadChip(Path configuration) {
            InputFiles.requireRegularFile(configuration, SourceSpan.ofFile(configuration.toString()),
                    DiagnosticCode.FILE_NOT_FOUND);
            return Chip.load(configuration);
        }

        private void writeProbes(Chip chip, int[] image, CommandSpec spec) throws IOException {
            if (probeFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--probe needs --probe-file");
            }
            List<Probes.Probe> chosen = new ArrayList<>();
            for (String probe : probes) {
                String[] parts = probe.split(":", -1);
                if (parts.length != 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--probe takes CORE:NEURON, two non-negative integers, got '" + probe + "'");
                }
                chosen.add(new Probes.Probe(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
            }
            JsonReports.write(probeFile, Probes.record(chip, image, steps, strict, chosen));
        }

        private static Graph load(Path network) {
            return ModelLoader.load(network, LoadOptions.DEFAULT).graph();
        }

        /**
         * The ANN's classes of the images of {@code range}, when compile left the ANN beside the configuration; else
         * null.
         */
        private int[] annPredictions(Path ann, Shard.Range range, int workers) {
            if (!Files.isRegularFile(ann)) {
                return null;
            }
            Graph graph = load(ann);
            Dataset images = Dataset.slice(data, graph.input(), InputArrays.encodingOf(graph), range.first(),
                    range.end());
            return new AnnInterpreter(graph).evaluateBatch(images.inputs(), Set.of(), workers).predictions();
        }
    }
}
