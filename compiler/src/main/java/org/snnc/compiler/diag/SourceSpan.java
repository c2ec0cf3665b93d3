package org.snnc.compiler.diag;

/**
 * Where a piece of IR came from: a file and, for text sources, a 1-based line and column.
 *
 * <p>A span with line 0 names a whole file (an ONNX model or a weights file), and prints as the file alone.
 */
public record SourceSpan(String file, int line, int column) {

    /** A span for IR built by code rather than read from a file. */
    public static final SourceSpan GENERATED = new SourceSpan("<generated>", 0, 0);

    public SourceSpan {
        if (file == null || file.isEmpty()) {
            throw new IllegalArgumentException("a span needs a file name");
        }
    }

    /** A span that names a whole file. */
    public static SourceSpan ofFile(String file) {
        return new SourceSpan(file, 0, 0);
    }

    public boolean hasPosition() {
        return line > 0;
    }

    /**
     * This span as seen from a diagnostic at {@code from}: {@code line 3:1} within the same file, where repeating the
     * file name would be noise, and the full location otherwise.
     */
    public String relativeTo(SourceSpan from) {
        return hasPosition() && file.equals(from.file()) ? "line " + line + ":" + column : toString();
    }

    /** The gnu-style location: {@code file:line:col}, or {@code file} when there is no position. */
    @Override
    public String toString() {
        return hasPosition() ? file + ":" + line + ":" + column : file;
    }
}
