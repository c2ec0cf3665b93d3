package org.snnc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.passes.Normalize;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.passes.Stage;
import org.snnc.compiler.sim.AnnMacs;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.compiler.sim.ExitFrontier;
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

    @Option(names = "--plot", paramLabel = "DIR",
            description = "Draw accuracy, error-vs-operations and early-exit frontier PNGs here.")
    private Path plotDirectory;

    @Mixin
    private ExitOptions exit;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps and --limit must be at least 1");
        }
        int workers = Threads.resolve(threads, spec);
        JsonReports.requireReplaceable(report);
        Progress.Factory progress = ConsoleProgress.forTerminal();
        Graph graph = model.load().graph();
        Dataset dataset = DataSets.load(data, graph, limit);
        DataSets.requireLabelsWithin(dataset, graph, data);
        DataSets.requireStepMemory(steps, dataset.size(), workers, data);
        boolean converted = Stage.isConverted(graph);
        int[] annPredictions = null;
        Map<String, Object> lambdas = null;
        Graph spiking = graph;
        PrintWriter out = spec.commandLine().getOut();
        if (!converted) {
            annPredictions = new AnnInterpreter(graph).evaluateBatch(dataset.inputs(), Set.of(), workers)
                    .predictions();
            PipelineResult pipeline = conversion.passManager(out, graph)
                    .run(graph, conversion.inputs(graph, workers, progress));
            spiking = pipeline.graph();
            lambdas = pipeline.record(Normalize.LAMBDAS).orElse(null);
        }
        Optional<EarlyExit> earlyExit = exit.earlyExit(spec);
        boolean membrane = ((Readout) spiking.node(spiking.output())).mode() == ReadoutMode.MEMBRANE;
        if (earlyExit.isPresent() && !membrane) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "an early exit reads the membrane readout's margin; simulate with --readout membrane");
        }
        // The frontier is computed from a full run; an early exit is then a second run, stopped for real.
        SimulationResult full = new SpikingSimulator(spiking, new SimulationOptions(schedule, steps, workers))
                .run(dataset.inputs(), progress);
        SimulationResult result = earlyExit.isEmpty() ? full
                : new SpikingSimulator(spiking, new SimulationOptions(schedule, steps, workers, earlyExit))
                        .run(dataset.inputs(), progress);
        ExitFrontier.Point operatingPoint = earlyExit.map(chosen -> ExitFrontier.ofRun(result.readoutTrace(),
                result.stepsRun(), chosen.margin(), chosen.steps(), dataset.labels())).orElse(null);
        List<ExitFrontier.Point> frontier = membrane
                ? ExitFrontier.of(full.readoutTrace(), dataset.labels(), bound -> bound) : null;
        SimulationReport figures = figures(spiking, dataset, annPredictions, lambdas, result, workers, operatingPoint,
                frontier);
        figures.publish(out, report, plotDirectory);
        return 0;
    }

    private SimulationReport figures(Graph spiking, Dataset dataset, int[] annPredictions, Map<String, Object> lambdas,
            SimulationResult result, int workers, ExitFrontier.Point operatingPoint,
            List<ExitFrontier.Point> frontier) {
        String readout = ((Readout) spiking.node(spiking.output())).mode().spelling();
        SimulationReport.Measurements measured = new SimulationReport.Measurements(result.predictions(),
                result.spikeCountPredictions(), result.synapticOpsPerImage(), result.neuronUpdatesPerImage(),
                result.spikesPerLayer(), result.wallNanos(), result.synapticEvents(), result.stepsRun());
        return SimulationReport.of(model.file.toString(), data.toString(), dataset, steps, schedule.spelling(),
                readout, annPredictions, measured, AnnMacs.perLayer(spiking), lambdas, workers, operatingPoint, frontier,
                null);
    }
}
