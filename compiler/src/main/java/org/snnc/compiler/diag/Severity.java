package org.snnc.compiler.diag;

/** How bad a diagnostic is; errors stop compilation, warnings and notes do not. */
public enum Severity {
    ERROR("error"),
    WARNING("warning"),
    NOTE("note");

    private final String label;

    Severity(String label) {
        this.label = label;
    }

    /** The word gnu-style output prints after the location. */
    public String label() {
        return label;
    }
}
