package org.snnc.compiler.diag;

/** One reported problem: a catalogue code, where it is, and the filled-in message. */
public record Diagnostic(DiagnosticCode code, SourceSpan span, String message) {

    public Severity severity() {
        return code.severity();
    }

    /** Gnu-style: {@code lenet.snn:12:7: error: kernel 5x5 does not fit input 4x4 [E0204]}. */
    public String format() {
        return span + ": " + code.severity().label() + ": " + message + " [" + code.id() + "]";
    }

    @Override
    public String toString() {
        return format();
    }
}
