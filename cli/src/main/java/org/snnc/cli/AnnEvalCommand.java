package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.interp.Activations;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code snnc ann-eval FILE --data DATA.npz}: the float64 ANN's accuracy and throughput on a labelled data set. */
@Command(name = "ann-eval", mixinStandardHelpOptions = true,
        description = "Evaluate the float ANN on a labelled data set (.npz with x and y): accuracy and images/s.")
final class AnnEvalCommand implements Callable<Integer> {

    @Mixin
    private ModelOptions model;

    @Option(names = "--data", required = true, paramLabel = "DATA.npz", description = "Images x and labels y.")
    private Path data;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE,
            description = "Evaluate only the first N images.")
    private int limit;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
    private Integer threads;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Evaluate N times and also report the fastest pass, a warmed-up throughput "
                    + "(default: ${DEFAULT-VALUE}).")
    private int repeat;

    @Option(names = "--report", paramLabel = "REPORT.json", description = "Also write the figures as JSON.")
    private Path report;

    @Spec
    private CommandSpec spec;

    /**
     * What {@code --report} writes, with snake_case keys that scripts may rely on: {@code model}, {@code data},
     * {@code images}, {@code correct}, {@code accuracy} (a fraction), {@code wall_seconds} and
     * {@code images_per_second} (the first pass), {@code passes}, {@code best_wall_seconds} and
     * {@code best_images_per_second} (the fastest pass), {@code threads}, {@code labels} and {@code predictions}
     * (one class per image).
     */
    record EvalReport(String model, String data, int images, int correct, double accuracy, double wallSeconds,
            double imagesPerSecond, int passes, double bestWallSeconds, double bestImagesPerSecond, int threads,
            int[] labels, int[] predictions) {
    }

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || repeat < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--limit and --repeat must be at least 1");
        }
        JsonReports.requireReplaceable(report);
        Graph graph = model.load().graph();
        AnnInterpreter interpreter = new AnnInterpreter(graph);
        Dataset dataset = DataSets.load(data, graph, limit);
        DataSets.requireLabelsWithin(dataset, graph, data);
        int workers = Threads.resolve(threads, spec);
        Activations activations = null;
        double seconds = 0;
        double bestSeconds = Double.POSITIVE_INFINITY;
        for (int pass = 0; pass < repeat; pass++) {
            long start = System.nanoTime();
            activations = interpreter.evaluateBatch(dataset.inputs(), Set.of(), workers);
            double elapsed = (System.nanoTime() - start) / 1e9;
            seconds = pass == 0 ? elapsed : seconds;
            bestSeconds = Math.min(bestSeconds, elapsed);
        }
        int[] predictions = activations.predictions();
        int correct = dataset.correct(predictions);
        EvalReport figures = new EvalReport(model.file.toString(), data.toString(), dataset.size(), correct,
                (double) correct / dataset.size(), seconds, dataset.size() / seconds, repeat, bestSeconds,
                dataset.size() / bestSeconds, workers, dataset.labels(), predictions);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s on %s: accuracy %.2f%% (%d/%d), %.0f images/s on %d thread%s (%.3f s)", graph.name(), data,
                100.0 * figures.accuracy(), correct, dataset.size(), figures.imagesPerSecond(), workers,
                workers == 1 ? "" : "s", seconds);
        if (repeat > 1) {
            out.printf("; best of %d passes %.0f images/s (%.3f s)", repeat, figures.bestImagesPerSecond(),
                    bestSeconds);
        }
        out.println();
        out.flush();
        if (report != null) {
            JsonReports.write(report, figures);
        }
        return 0;
    }
}
