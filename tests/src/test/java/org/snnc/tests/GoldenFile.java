package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A golden file holds several cases, each with a label, a one-line statement of what it checks, an input and the
 * expected output:
 *
 * <pre>
 * === case LABEL: what this case checks
 * input lines
 * --- expected
 * expected output lines
 * </pre>
 *
 * {@link #check} runs every case. On a mismatch it writes {@code FILE.actual} beside the golden file and fails with the
 * command that accepts the new output; with {@code -Dgolden.update=true} (bless mode) it rewrites the golden file.
 */
public final class GoldenFile {

    private static final String CASE = "=== case ";
    private static final String EXPECTED = "--- expected";

    /** One case of a golden file. */
    public record Case(String label, String statement, String input, String expected) {
    }

    private GoldenFile() {
    }

    public static List<Case> read(Path file) throws IOException {
        List<Case> cases = new ArrayList<>();
        String header = null;
        StringBuilder input = new StringBuilder();
        StringBuilder expected = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith(CASE)) {
                if (header != null) {
                    cases.add(toCase(file, header, input, expected));
                }
                header = line.substring(CASE.length());
                input = new StringBuilder();
                expected = null;
            } else if (line.equals(EXPECTED) && header != null) {
                expected = new StringBuilder();
            } else if (header != null) {
                (expected != null ? expected : input).append(line).append('\n');
            }
        }
        if (header != null) {
            cases.add(toCase(file, header, input, expected));
        }
        return cases;
    }

    private static Case toCase(Path file, String header, StringBuilder input, StringBuilder expected) {
        int colon = header.indexOf(':');
        if (colon < 0 || expected == null) {
            throw new IllegalArgumentException(file + ": case '" + header + "' needs 'LABEL: statement' and an '"
                    + EXPECTED + "' section");
        }
        return new Case(header.substring(0, colon).trim(), header.substring(colon + 1).trim(),
                trimTrailingBlankLines(input.toString()), trimTrailingBlankLines(expected.toString()));
    }

    private static String trimTrailingBlankLines(String text) {
        return text.replaceAll("\\n+$", "\n");
    }

    private static String render(List<Case> cases, List<String> outputs) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            text.append(CASE).append(c.label()).append(": ").append(c.statement()).append('\n')
                    .append(c.input()).append(EXPECTED).append('\n').append(outputs.get(i)).append('\n');
        }
        return text.toString().replaceAll("\\n+$", "\n");
    }

    /**
     * Runs {@code transform} on the input of every case of {@code golden} (a path below the tests' resources) and
     * compares each result with the expected output.
     */
    public static void check(String golden, Function<Case, String> transform) throws IOException {
        Path file = Locations.testResources().resolve(golden);
        List<Case> cases = read(file);
        if (cases.isEmpty()) {
            fail(file + " holds no cases");
        }
        List<String> outputs = cases.stream().map(transform).map(GoldenFile::trimTrailingBlankLines).toList();
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (!outputs.get(i).equals(cases.get(i).expected())) {
                mismatches.add(cases.get(i).label() + " (" + cases.get(i).statement() + ")");
            }
        }
        Path actual = file.resolveSibling(file.getFileName() + ".actual");
        if (mismatches.isEmpty()) {
            Files.deleteIfExists(actual);
            return;
        }
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, render(cases, outputs), StandardCharsets.UTF_8);
            return;
        }
        Files.writeString(actual, render(cases, outputs), StandardCharsets.UTF_8);
        fail(file + ": " + mismatches.size() + " case(s) differ: " + String.join(", ", mismatches)
                + "\n  actual output: " + actual
                + "\n  to accept it:  mvn -B -pl tests -am test -Dtest=" + callerTestClass()
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true");
    }

    private static String callerTestClass() {
        return StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(name -> !name.equals(GoldenFile.class.getName())).findFirst().orElse("?"))
                .replaceAll(".*\\.", "");
    }
}
