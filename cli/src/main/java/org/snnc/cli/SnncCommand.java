package org.snnc.cli;

import java.io.PrintWriter;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.io.OutputBatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code snnc} command: compiles trained deep networks to spiking networks for neuromorphic chips. */
@Command(
        name = "snnc",
        mixinStandardHelpOptions = true,
        versionProvider = SnncCommand.Version.class,
        description = "Compiles trained deep networks to spiking networks for neuromorphic chips.",
        subcommands = {
            CheckCommand.class,
            PrintCommand.class,
            ImportCommand.class,
            AnnEvalCommand.class,
            InferCommand.class,
            ConvertCommand.class,
            CompileCommand.class,
            RunCommand.class,
            MergeCommand.class,
            BenchCommand.class,
            SimulateCommand.class,
            NirRunCommand.class,
            ExportCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SnncCommand implements Runnable {

    /** Exit code for a user error: bad input, reported as diagnostics. */
    static final int EXIT_USER_ERROR = 1;
    /** Exit code for a bug in snnc itself. */
    static final int EXIT_INTERNAL_ERROR = 70;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code; tests call this directly. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new SnncCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> report(exception, err));
        commandLine.setExecutionStrategy(SnncCommand::executeWholeOrNothing);
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError full) {
            // What was allocated is garbage by now; every output file is written whole or not at all, so nothing is
            // left half-written, and the user can only give the JVM more heap or the command less work.
            err.printf("snnc: error: out of memory (%s) with a largest heap of %,d MiB; give the JVM more with "
                    + "SNNC_JAVA_OPTS=-Xmx<size>, or the command less work%n", full.getMessage(),
                    Runtime.getRuntime().maxMemory() >> 20);
            err.flush();
            return EXIT_USER_ERROR;
        }
    }

    /**
     * Runs the command inside an {@link OutputBatch}, so that the files it writes appear only if it succeeds: a
     * command that fails, at any stage, leaves no new or changed file behind.
     */
    private static int executeWholeOrNothing(CommandLine.ParseResult parseResult) {
        try (OutputBatch batch = OutputBatch.open()) {
            int exitCode = new CommandLine.RunLast().execute(parseResult);
            if (exitCode == 0) {
                try {
                    batch.commit();
                } catch (CompilationException unwritable) {
                    // Outside the command's own call, so picocli would not pass it to the handler by itself.
                    throw new CommandLine.ExecutionException(parseResult.commandSpec().commandLine(),
                            "writing the outputs", unwritable);
                }
            }
            return exitCode;
        }
    }

    private static int report(Exception exception, PrintWriter err) {
        if (UserErrors.print(exception, err)) {
            return EXIT_USER_ERROR;
        }
        err.println("snnc: internal error: " + exception);
        if (Boolean.getBoolean("snnc.debug")) {
            exception.printStackTrace(err);
        } else {
            err.println("snnc: this is a bug in snnc; rerun with JAVA_TOOL_OPTIONS=-Dsnnc.debug=true for details");
        }
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** The version from the jar's manifest, when run from the packaged jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SnncCommand.class.getPackage().getImplementationVersion();
            return new String[] {"snnc " + (version == null ? "(development build)" : version)};
        }
    }
}
