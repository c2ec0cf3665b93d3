package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.passes.Stage;
import org.snnc.compiler.sim.AnnMacs;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SimulationResult;
import org.snnc.compiler.sim.SpikingSimulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code snnc simulate FILE --data DATA.npz --steps T}: converts an ANN (unless FILE is already spiking), runs the
 * float spiking simulator on the labelled images and reports accuracy over time, operations and speed.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Convert the network (unless it is already spiking) and simulate it in float64: accuracy at "
                + "every step, synaptic operations against ANN MACs, spikes and speed.")
final class SimulateCommand implements Callable<Integer> {

    @Mixin
    private ModelOptions model;

    @Mixin
    private ConversionMixin conversion;

    @Option(names = "--data", required = true, paramLabel = "DATA.npz", description = "Images x and labels y.")
    private Path data;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "200",
            description = "Simulated time steps (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE,
            description = "Simulate only the first N images.")
    private int limit;

    @Option(names = "--schedule", paramLabel = "pipelined|sync", defaultValue = "pipelined",
            converter = Converters.ScheduleConverter.class,
            description = "pipelined: one step per hop, as on a chip; sync: every layer within a step, as in SNN "
                    + "Toolbox (default: ${DEFAULT-VALUE}).")
    private Schedule schedule;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
    private Integer threads;

    @Option(names = "--report", paramLabel = "REPORT.json", description = "Write every figure as JSON.")
    private Path report;

    @Option(names = "--plot", paramLabel = "DIR", description = "Draw accuracy and error-vs-operations PNGs here.")
    private Path plotDirectory;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps and --limit must be at least 1");
        }
        int workers = Threads.resolve(threads, spec);
        Progress.Factory progress = ConsoleProgress.forTerminal();
        Graph graph = model.load().graph();
        Dataset dataset = Dataset.load(data, graph.input(), limit);
        boolean converted = Stage.of(graph).containsAll(Set.of(Stage.SPIKING, Stage.READOUT));
        Double annAccuracy = null;
        Object lambdas = null;
        Graph spiking = graph;
        PrintWriter out = spec.commandLine().getOut();
        if (!converted) {
            int[] annPredictions = new AnnInterpreter(graph)
                    .evaluateBatch(dataset.inputs(), Set.of(), workers).predictions();
            annAccuracy = (double) dataset.correct(annPredictions) / dataset.size();
            PipelineResult pipeline = conversion.passManager(out)
                    .run(graph, conversion.inputs(graph, workers, progress));
            spiking = pipeline.graph();
            lambdas = pipeline.records().get("lambdas");
        }
        SpikingSimulator simulator = new SpikingSimulator(spiking, new SimulationOptions(schedule, steps, workers));
        SimulationResult result = simulator.run(dataset.inputs(), progress);
        SimulationReport figures = figures(spiking, dataset, annAccuracy, lambdas, result, workers);
        printSummary(figures, out);
        if (report != null) {
            JsonReports.write(report, figures);
        }
        if (plotDirectory != null) {
            Plots.write(figures, plotDirectory);
            out.println("plots: " + plotDirectory.resolve(Plots.ACCURACY_FILE) + ", "
                    + plotDirectory.resolve(Plots.ERROR_FILE));
        }
        out.flush();
        return 0;
    }

    private SimulationReport figures(Graph spiking, Dataset dataset, Double annAccuracy, Object lambdas,
            SimulationResult result, int workers) {
        int n = dataset.size();
        int[] correct = new int[steps];
        int[] correctSpikeCount = new int[steps];
        for (int t = 0; t < steps; t++) {
            correct[t] = dataset.correct(result.predictions()[t]);
            correctSpikeCount[t] = dataset.correct(result.spikeCountPredictions()[t]);
        }
        Integer within1pp = null;
        Integer within01pp = null;
        if (annAccuracy != null) {
            int annCorrect = (int) Math.round(annAccuracy * n);
            within1pp = SimulationReport.convergence(correct, annCorrect, 0.01 * n);
            within01pp = SimulationReport.convergence(correct, annCorrect, 0.001 * n);
        }
        Map<String, Long> macs = AnnMacs.perLayer(spiking);
        long macsPerImage = macs.values().stream().mapToLong(Long::longValue).sum();
        double[] ops = result.synapticOpsPerImage();
        double[] ratio = java.util.Arrays.stream(ops).map(o -> o / macsPerImage).toArray();
        double seconds = result.wallNanos() / 1e9;
        String readout = ((Readout) spiking.node(spiking.output())).mode().spelling();
        return new SimulationReport(model.file.toString(), data.toString(), n, steps, schedule.spelling(), readout,
                annAccuracy, fractions(correct, n), fractions(correctSpikeCount, n), within1pp, within01pp, ops,
                ratio, macsPerImage, macs, result.neuronUpdatesPerImage(), result.spikesPerLayer(), lambdas,
                seconds, (double) n * steps / seconds, result.synapticEvents() / seconds, workers,
                SimulationReport.keyPredictions(result.predictions()), dataset.labels());
    }

    private static double[] fractions(int[] counts, int n) {
        return java.util.Arrays.stream(counts).mapToDouble(c -> (double) c / n).toArray();
    }

    private static void printSummary(SimulationReport figures, PrintWriter out) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s on %d images, %s schedule, %s readout:",
                figures.model(), figures.images(), figures.schedule(), figures.readout()));
        if (figures.annAccuracy() != null) {
            line.append(String.format(Locale.ROOT, " ANN %.2f%%;", 100 * figures.annAccuracy()));
        }
        line.append(" SNN");
        for (int t : SimulationReport.KEY_STEPS) {
            if (t <= figures.steps()) {
                line.append(String.format(Locale.ROOT, " t=%d %.2f%%", t, 100 * figures.accuracy()[t - 1]));
            }
        }
        if (!SimulationReport.KEY_STEPS.contains(figures.steps())) {
            line.append(String.format(Locale.ROOT, " t=%d %.2f%%", figures.steps(),
                    100 * figures.accuracy()[figures.steps() - 1]));
        }
        out.println(line);
        if (figures.annAccuracy() != null) {
            out.printf("converges to the ANN within 1 pp at t=%s, within 0.1 pp at t=%s%n",
                    orNever(figures.convergeWithin1pp()), orNever(figures.convergeWithin01pp()));
        }
        int last = figures.steps() - 1;
        out.printf(Locale.ROOT, "synaptic ops per image at t=%d: %.4g = %.2f x the ANN's %d MACs%n", figures.steps(),
                figures.synapticOpsPerImage()[last], figures.synapticOpsOverAnnMacs()[last],
                figures.annMacsPerImage());
        out.printf(Locale.ROOT, "%.2f s on %d threads: %.0f images·steps/s, %.3g synaptic events/s%n",
                figures.wallSeconds(), figures.threads(), figures.imagesStepsPerSecond(),
                figures.synapticEventsPerSecond());
    }

    private static String orNever(Integer step) {
        return step == null ? "never" : step.toString();
    }
}
