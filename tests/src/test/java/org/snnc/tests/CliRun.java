package org.snnc.tests;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.snnc.cli.SnncCommand;

/** One run of the {@code snnc} command line, in process, with its exit code and both streams. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SnncCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Whether stderr looks like a Java stack trace, which a user error must never print. */
    public boolean printedStackTrace() {
        return err.contains("\tat ") || err.contains("Exception in thread") || err.matches("(?s).*\\w+Exception:.*");
    }
}
