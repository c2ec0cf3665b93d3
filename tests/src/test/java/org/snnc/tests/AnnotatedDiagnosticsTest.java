package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.Severity;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;

/**
 * Negative tests as annotated input, after MLIR's {@code -verify-diagnostics}. Each {@code diagnostics/*.snn} file
 * marks the diagnostics it must produce with {@code // expected-error@+N {{text}}} (or {@code expected-warning}, or
 * {@code @-N}, or no offset for the comment's own line). Loading the file must report exactly those: each expected
 * one at its line, its gnu-style text containing the given text, and nothing unexpected.
 */
class AnnotatedDiagnosticsTest {

    private static final Pattern EXPECTATION =
            Pattern.compile("//\\s*expected-(error|warning)(?:@([+-]\\d+))?\\s*\\{\\{(.*?)}}");

    private record Expectation(Severity severity, int line, String text) {
    }

    @TestFactory
    Stream<DynamicTest> everyAnnotatedFileReportsExactlyItsExpectedDiagnostics() throws IOException {
        return annotatedFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
                () -> verify(file)));
    }

    @Test
    void theCorpusCoversAtLeastTwentyDistinctErrors() throws IOException {
        TreeSet<String> codes = new TreeSet<>();
        for (Path file : annotatedFiles()) {
            for (Diagnostic d : diagnosticsOf(file)) {
                codes.add(d.code().id());
            }
        }
        assertTrue(codes.stream().filter(c -> c.startsWith("E")).count() >= 20, "distinct codes: " + codes);
    }

    private static List<Path> annotatedFiles() throws IOException {
        try (Stream<Path> files = Files.list(Locations.testResources().resolve("diagnostics"))) {
            return files.filter(f -> f.toString().endsWith(".snn")).sorted().toList();
        }
    }

    private static List<Diagnostic> diagnosticsOf(Path file) {
        try {
            return ModelLoader.load(file, LoadOptions.DEFAULT).report().diagnostics();
        } catch (CompilationException e) {
            return e.diagnostics();
        }
    }

    private static void verify(Path file) throws IOException {
        List<Expectation> expected = expectations(file);
        if (expected.isEmpty()) {
            fail(file + " has no expected-error or expected-warning annotation");
        }
        List<Diagnostic> unmatched = new ArrayList<>(diagnosticsOf(file));
        List<String> problems = new ArrayList<>();
        for (Expectation e : expected) {
            Diagnostic match = unmatched.stream()
                    .filter(d -> d.severity() == e.severity() && d.span().line() == e.line()
                            && d.format().contains(e.text()))
                    .findFirst().orElse(null);
            if (match == null) {
                problems.add("line " + e.line() + ": expected " + e.severity().label() + " {{" + e.text() + "}}");
            } else {
                unmatched.remove(match);
            }
        }
        unmatched.forEach(d -> problems.add("unexpected: " + d.format()));
        if (!problems.isEmpty()) {
            fail(file.getFileName() + ":\n  " + String.join("\n  ", problems));
        }
    }

    private static List<Expectation> expectations(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Expectation> expected = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPECTATION.matcher(lines.get(i));
            if (m.find()) {
                int offset = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
                Severity severity = m.group(1).equals("error") ? Severity.ERROR : Severity.WARNING;
                expected.add(new Expectation(severity, i + 1 + offset, m.group(3)));
            }
        }
        return expected;
    }
}
