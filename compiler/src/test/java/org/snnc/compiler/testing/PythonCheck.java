package org.snnc.compiler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a cross-check script with Debian's python ({@code /usr/bin/python3}, where {@code .ci/run} installs numpy and
 * h5py). Under CI ({@code CI} set) a missing python or module fails the test; elsewhere it skips it.
 */
public final class PythonCheck {

    private static final String PYTHON = "/usr/bin/python3";

    private PythonCheck() {
    }

    /** The output of {@code script} run with {@code arguments}, which must succeed; it imports {@code module}. */
    public static String run(String script, String module, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
        command.addAll(List.of(arguments));
        Process python;
        try {
            python = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            requireUnderCi(false, PYTHON + " is not installed");
            throw e;
        }
        requireUnderCi(python.waitFor(60, TimeUnit.SECONDS), PYTHON + " timed out");
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        requireUnderCi(!out.contains("No module named '" + module + "'"), module + " is not installed");
        assertEquals(0, python.exitValue(), out);
        return out;
    }

    private static void requireUnderCi(boolean present, String missing) {
        if (System.getenv("CI") != null) {
            assertTrue(present, missing + ", which CI needs");
        }
        assumeTrue(present, missing);
    }
}
