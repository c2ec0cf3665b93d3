package org.snnc.compiler.diag;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects diagnostics so that a front end or the verifier can report every problem it finds, not just the first.
 * It is the one mutable helper of a compilation step; it never escapes that step.
 */
public final class DiagnosticBag {

    private final List<Diagnostic> diagnostics = new ArrayList<>();

    public void report(DiagnosticCode code, SourceSpan span, Object... args) {
        diagnostics.add(code.at(span, args));
    }

    public void add(Diagnostic diagnostic) {
        diagnostics.add(diagnostic);
    }

    public void addAll(List<Diagnostic> more) {
        diagnostics.addAll(more);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }

    public List<Diagnostic> diagnostics() {
        return List.copyOf(diagnostics);
    }

    /** Throws every collected diagnostic at once if any of them is an error. */
    public void throwIfErrors() {
        if (hasErrors()) {
            throw new CompilationException(diagnostics());
        }
    }
}
