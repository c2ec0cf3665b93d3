package org.snnc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.AnnMacs;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.compiler.sim.ExitFrontier;
import org.snnc.emulator.Chip;
import org.snnc.emulator.Probes;
import org.snnc.emulator.Runner;
import org.snnc.emulator.config.Configuration;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;
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
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a compiled configuration on the cycle-accurate emulator: accuracy at every step, synaptic "
                + "operations, energy and speed.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OUT_DIR", description = "The folder snnc compile wrote.")
    private Path directory;

    @CommandLine.Mixin
    private EmulationOptions emulation;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        return emulation.run(directory, directory.toString(), spec);
    }

    /** The options of an emulation, shared by {@code run} and {@code compile --run}. */
    static final class EmulationOptions {

        @Option(names = "--data", paramLabel = "DATA.npz",
                description = "Images x (for a sequence input, sequences of frames [N, T, ...]) and labels y.")
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

        /** Emulates the configuration in {@code directory} and prints and writes the figures. */
        int run(Path directory, String modelName, CommandSpec spec) throws IOException {
            if (data == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--data is required to run");
            }
            if (steps < 1 || limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--steps and --limit must be at least 1");
            }
            int workers = Threads.resolve(threads, spec);
            PrintWriter out = spec.commandLine().getOut();
            JsonReports.requireReplaceable(report, probeFile);
            Path configuration = directory.resolve(CompileCommand.CONFIGURATION_FILE);
            Chip chip = loadChip(configuration);
            Graph quantized = load(directory.resolve(CompileCommand.QUANTIZED_NETWORK));
            Dataset dataset = DataSets.forChip(data, quantized, chip, limit);
            DataSets.requireLabelsWithin(dataset, quantized, data);
            DataSets.requireStepMemory(steps, dataset.size(), workers, data);
            // An ANN reads one image, not a sequence of frames of events.
            int[] annPredictions = chip.sequenceInput() ? null
                    : annPredictions(directory.resolve(CompileCommand.SOURCE_NETWORK), workers);
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
            // The frontier is computed from a full run; an early exit is then a second run, stopped for real.
            Runner.Result full = emulate(chip, images, workers, Optional.empty());
            Runner.Result result = earlyExit.isEmpty() ? full : emulate(chip, images, workers, earlyExit);
            ExitFrontier.Point operatingPoint = earlyExit.map(chosen -> EmulatedExits.point(result,
                    (double) chosen.margin() / theta, chosen.steps(), dataset.labels())).orElse(null);
            ChipSpec target = ChipSpecs.parse(new ObjectMapper().readTree(configuration.toFile()).get("chip")
                    .toString(), configuration.toString());
            SimulationReport figures = SimulationReport.of(modelName, data.toString(), dataset, steps, "pipelined",
                    chip.configuration().readout().mode().name().toLowerCase(Locale.ROOT), annPredictions,
                    measurements(result, dataset.size()), AnnMacs.perLayer(quantized), null, workers,
                    operatingPoint, membrane ? EmulatedExits.frontier(full, dataset.labels(), theta) : null,
                    chipFigures(target, chip, result, dataset.size()));
            figures.publish(out, report, plotDirectory);
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

        /** The ANN's classes of the same images, when compile left the ANN beside the configuration; else null. */
        private int[] annPredictions(Path ann, int workers) {
            if (!Files.isRegularFile(ann)) {
                return null;
            }
            Graph graph = load(ann);
            Dataset images = DataSets.load(data, graph, limit);
            return new AnnInterpreter(graph).evaluateBatch(images.inputs(), Set.of(), workers).predictions();
        }

        private static SimulationReport.Measurements measurements(Runner.Result result, int n) {
            int steps = result.predictions().length;
            double[] opsPerImage = new double[steps];
            for (long[] perImage : result.synapticOps()) {
                for (int t = 0; t < steps; t++) {
                    opsPerImage[t] += (double) perImage[t] / n;
                }
            }
            return new SimulationReport.Measurements(result.predictions(), null, opsPerImage,
                    (double) result.neuronUpdates() / n, null, (long) (result.seconds() * 1e9),
                    result.totalSynapticOps(), result.stepsRun());
        }

        /** Cores used, spikes per core, and E = ops·pJ/op + updates·pJ/update per image, when the spec has figures. */
        private static SimulationReport.ChipFigures chipFigures(ChipSpec target, Chip chip, Runner.Result result,
                int n) {
            Map<String, Double> spikesPerCore = new LinkedHashMap<>();
            int[] ids = chip.coreIds();
            for (int i = 0; i < ids.length; i++) {
                spikesPerCore.put(Integer.toString(ids[i]), (double) result.spikesPerCore()[i] / n);
            }
            double opsPerImage = (double) result.totalSynapticOps() / n;
            double updatesPerImage = (double) result.neuronUpdates() / n;
            Double energy = target.energy().map(e -> (opsPerImage * e.synapticOpPj()
                    + updatesPerImage * e.neuronUpdatePj()) / 1000).orElse(null);
            return new SimulationReport.ChipFigures(target.name(), ids.length, energy, spikesPerCore);
        }
    }
}
