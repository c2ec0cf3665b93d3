package org.snnc.compiler.diag;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A user error: the input (a network, weights, a model or data) is wrong. It carries the diagnostics that say why,
 * and the command line prints them without a stack trace.
 */
public final class CompilationException extends RuntimeException {

    private final transient List<Diagnostic> diagnostics;

    public CompilationException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("a compilation error needs at least one diagnostic");
        }
        this.diagnostics = List.copyOf(diagnostics);
    }

    public CompilationException(Diagnostic diagnostic) {
        this(List.of(diagnostic));
    }

    /** Shorthand for a single catalogue error. */
    public static CompilationException of(DiagnosticCode code, SourceSpan span, Object... args) {
        return new CompilationException(code.at(span, args));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
