package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.emulator.Chip;
import org.snnc.emulator.Runner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code snnc bench OUT_DIR --data DATA.npz}: the emulator's speed on a compiled configuration, measured the way a
 * benchmark should be: warm-up runs first, then timed repeats, reporting each and the best. It prints figures; no
 * test times anything.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the emulator's speed on a compiled configuration: images·steps/s and synaptic "
                + "events/s, overall and per worker thread.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OUT_DIR", description = "The folder snnc compile wrote.")
    private Path directory;

    @Option(names = "--data", required = true, paramLabel = "DATA.npz", description = "Images x (labels unused).")
    private Path data;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "200", description = "Steps (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE,
            description = "Use only the first N images.")
    private int limit;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "Untimed runs before measuring, so the JIT has compiled the hot loop (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
            description = "Timed runs (default: ${DEFAULT-VALUE}).")
    private int repeat;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
    private Integer threads;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (steps < 1 || limit < 1 || warmup < 0 || repeat < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--steps, --limit and --repeat must be at least 1, --warmup at least 0");
        }
        int workers = Threads.resolve(threads, spec);
        Chip chip = RunCommand.EmulationOptions.loadChip(directory.resolve(CompileCommand.CONFIGURATION_FILE));
        Graph quantized = ModelLoader.load(directory.resolve(CompileCommand.QUANTIZED_NETWORK), LoadOptions.DEFAULT)
                .graph();
        Dataset dataset = DataSets.forChip(data, quantized, chip, limit);
        DataSets.requireStepMemory(steps, dataset.size(), workers, data);
        int[][] images = Arrays.stream(dataset.inputs())
                .map(image -> Arrays.stream(image).mapToInt(value -> (int) value).toArray()).toArray(int[][]::new);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "chip tables: %d bytes (%.1f MiB) for %d synapses%n", chip.tableBytes(),
                chip.tableBytes() / 1048576.0, chip.synapses());
        for (int i = 0; i < warmup; i++) {
            Runner.run(chip, images, steps, workers, false, null);
        }
        double bestSteps = 0;
        double bestEvents = 0;
        for (int i = 1; i <= repeat; i++) {
            Runner.Result result = Runner.run(chip, images, steps, workers, false, null);
            bestSteps = Math.max(bestSteps, result.imageStepsPerSecond());
            bestEvents = Math.max(bestEvents, result.synapticEventsPerSecond());
            out.printf(Locale.ROOT, "run %d: %d images × %d steps in %.3f s: %.0f images·steps/s, %.3g synaptic "
                            + "events/s (%.3g per thread)%n", i, images.length, steps, result.seconds(),
                    result.imageStepsPerSecond(), result.synapticEventsPerSecond(),
                    result.synapticEventsPerSecond() / workers);
        }
        out.printf(Locale.ROOT, "best of %d on %d threads: %.0f images·steps/s, %.3g synaptic events/s (%.3g per "
                + "thread)%n", repeat, workers, bestSteps, bestEvents, bestEvents / workers);
        out.flush();
        return 0;
    }
}
