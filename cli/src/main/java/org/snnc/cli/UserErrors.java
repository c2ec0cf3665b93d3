package org.snnc.cli;

import java.io.PrintWriter;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.emulator.EmulatorException;

/**
 * How {@code snnc} and the Spark job print a user error: the diagnostics of a {@link CompilationException} (one
 * line each, with code and source span) or the problems of an {@link EmulatorException}, found as the exception itself
 * or as one of its causes, since a framework may wrap it (Spark wraps a failed task's).
 */
public final class UserErrors {

    private UserErrors() {
    }

    /** Prints the user error {@code thrown} is or was caused by, and says whether there was one. */
    public static boolean print(Throwable thrown, PrintWriter err) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof CompilationException compilation) {
                // Diagnostics are transient, so one thrown in another JVM arrives without them; its message holds
                // their formatted text.
                if (compilation.diagnostics() != null) {
                    compilation.diagnostics().stream().map(Diagnostic::format).forEach(err::println);
                } else {
                    err.println(compilation.getMessage());
                }
                err.flush();
                return true;
            }
            if (cause instanceof EmulatorException emulator) {
                emulator.problems().forEach(problem -> err.println("error: " + problem));
                err.flush();
                return true;
            }
        }
        return false;
    }
}
