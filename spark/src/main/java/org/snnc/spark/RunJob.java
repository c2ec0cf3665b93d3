package org.snnc.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.snnc.cli.EmulationReport;
import org.snnc.cli.RunContext;
import org.snnc.cli.UserErrors;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.io.OutputBatch;
import org.snnc.compiler.ir.Graph;
import org.snnc.emulator.Chip;
import org.snnc.emulator.RunSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spark-submit --class org.snnc.spark.RunJob snnc-spark.jar OUT_DIR --data DATA --steps T --partitions P
 * --report R.json}: {@code snnc run} over a data set cut into partitions on Apache Spark. The driver reads OUT_DIR
 * and broadcasts it; each executor builds the chip once ({@link PartitionRun.Built#of}); each task runs its
 * partition's images ({@link PartitionRun}) into a {@link RunSummary}; the driver merges the summaries in the data's
 * order and writes the report {@code snnc run} writes on the same images.
 *
 * <p>A task that fails fails the job with the task's error: the session is made with {@code spark.task.maxFailures}
 * 1 and no speculation, so a task is never run again, and the answer is the one of the first and only attempt or
 * none.
 */
@Command(name = "snnc-spark", mixinStandardHelpOptions = true,
        description = "Run a compiled configuration on the cycle-accurate emulator over a data set on Apache Spark, "
                + "with the report of snnc run.")
public final class RunJob implements Callable<Integer> {

    /** Exit code for a user error: bad input, reported as diagnostics; as {@code snnc}'s. */
    static final int EXIT_USER_ERROR = 1;
    /** Exit code for a bug in snnc or a failure of Spark itself. */
    static final int EXIT_INTERNAL_ERROR = 70;

    @Parameters(index = "0", paramLabel = "OUT_DIR", description = "The folder snnc compile wrote, on the driver.")
    private Path directory;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "An .npz (x, y), a folder of .npz shards, or Parquet (x: binary, the image's bytes; y: "
                    + "integer label), on any file system Hadoop reads (hdfs://, s3a://, file:).")
    private String data;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "200",
            description = "Emulated time steps (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "Slices of one .npz; for shards, each cut into ⌈P/shards⌉; for Parquet, partitions of "
                    + "consecutive rows (default: one npz slice, one per shard, Parquet as Spark reads it).")
    private int partitions;

    @Option(names = "--strict", description = "Make any overflow of a register an error naming core, neuron "
            + "and step.")
    private boolean strict;

    @Option(names = "--threads", paramLabel = "N",
            description = "Emulator threads in each task (default: spark.task.cpus).")
    private Integer threads;

    @Option(names = "--report", paramLabel = "REPORT.json", description = "Write every figure as JSON, on the "
            + "driver.")
    private Path report;

    @Option(names = "--plot", paramLabel = "DIR",
            description = "Draw accuracy, error-vs-operations and early-exit frontier PNGs here, on the driver.")
    private Path plotDirectory;

    @Spec
    private CommandSpec spec;

    private final SparkSession spark;
    private final PrintWriter out;

    private RunJob(SparkSession spark, PrintWriter out) {
        this.spark = spark;
        this.out = out;
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("snnc run")
                .config("spark.task.maxFailures", "1")
                .config("spark.speculation", "false")
                .getOrCreate();
        int exitCode;
        try {
            exitCode = execute(spark, args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        } finally {
            spark.stop();
        }
        System.exit(exitCode);
    }

    /** Runs the job on {@code spark} and returns the exit code; tests call this with their session. */
    public static int execute(SparkSession spark, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new RunJob(spark, out));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> report(exception, err));
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (steps < 1 || partitions < 0 || threads != null && threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--steps and --threads must be at least 1, --partitions at least 0");
        }
        if (report != null) {
            AtomicFiles.requireReplaceable(report);
        }
        CompiledDirectory compiled = CompiledDirectory.read(directory);
        Chip chip = Chip.load(directory.resolve("config.json"));
        Graph quantized = PartitionRun.Built.load(directory.resolve("quantized.snn"));
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        DataSource source = DataSource.locate(data, context.hadoopConfiguration(), partitions);
        int taskThreads = threads != null ? threads : context.getConf().getInt("spark.task.cpus", 1);
        Broadcast<CompiledDirectory> broadcast = context.broadcast(compiled);
        RunSummary summary;
        try {
            summary = inOrder(source.partitions(spark, chip.configuration().input().shape(), chip.sequenceInput())
                    .mapPartitions(new PartitionRun(broadcast, directory.toString(), data, steps, strict,
                            taskThreads)).collect(), data);
        } finally {
            broadcast.destroy();
        }
        RunContext run = RunContext.of(directory.toString(), data, directory, chip, quantized, summary.images(), steps,
                chip.configuration().readout().earlyExit());
        // The report and the plots appear together or not at all.
        try (OutputBatch batch = OutputBatch.open()) {
            EmulationReport.of(run, summary).publish(out, report, plotDirectory);
            batch.commit();
        }
        return 0;
    }

    /**
     * The partitions' summaries, each numbering its images from 0, as one summary of their images placed one after
     * another in the order given.
     */
    static RunSummary inOrder(List<RunSummary> parts, String data) {
        if (parts.isEmpty()) {
            throw CompilationException.of(DiagnosticCode.EMPTY_DATA_SET, SourceSpan.ofFile(data), data, "a run");
        }
        RunSummary merged = null;
        int first = 0;
        for (RunSummary part : parts) {
            RunSummary placed = placedAt(part, first);
            merged = merged == null ? placed : merged.merge(placed);
            first += part.images();
        }
        return merged;
    }

    /** {@code part}, whose images are numbered from 0, with its images numbered from {@code first}. */
    private static RunSummary placedAt(RunSummary part, int first) {
        List<RunSummary.Slice> slices = new ArrayList<>();
        for (RunSummary.Slice slice : part.slices()) {
            slices.add(new RunSummary.Slice(Math.addExact(first, slice.first()), slice.labels(),
                    slice.predictions()));
        }
        return new RunSummary(part.steps(), part.keptSteps(), slices, part.correct(), part.ann(), part.synapticOps(),
                part.neuronUpdates(), part.spikesPerCore(), part.stepsRun(), part.frontier(), part.wallNanos(),
                part.threads());
    }

    /**
     * Prints the error of a failed job as {@code snnc} prints it: a user error's diagnostics (found as the cause of
     * Spark's exception when a task failed), else an internal error.
     */
    private static int report(Exception exception, PrintWriter err) {
        if (UserErrors.print(exception, err)) {
            return EXIT_USER_ERROR;
        }
        String what = exception instanceof SparkException ? "the Spark job failed: " : "internal error: ";
        err.println("snnc-spark: " + what + exception.getMessage().lines().findFirst().orElse(""));
        if (Boolean.getBoolean("snnc.debug")) {
            exception.printStackTrace(err);
        } else {
            err.println("snnc-spark: rerun with --driver-java-options -Dsnnc.debug=true for the stack trace");
        }
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }
}
