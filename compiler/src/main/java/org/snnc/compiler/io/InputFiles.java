package org.snnc.compiler.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/** Reads a whole input file, reporting a missing or unreadable one as a user error; the twin of {@link AtomicFiles}. */
public final class InputFiles {

    private InputFiles() {
    }

    /**
     * The bytes of {@code file}.
     *
     * @throws CompilationException {@link DiagnosticCode#FILE_NOT_FOUND} if it does not exist, otherwise
     *                              {@link DiagnosticCode#FILE_UNREADABLE} if it is a directory or cannot be read
     */
    public static byte[] readAllBytes(Path file, SourceSpan span) {
        if (!Files.exists(file)) {
            throw CompilationException.of(DiagnosticCode.FILE_NOT_FOUND, span, file);
        }
        if (Files.isDirectory(file)) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, file, "it is a directory");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException vanished) {
            throw CompilationException.of(DiagnosticCode.FILE_NOT_FOUND, span, file);
        } catch (IOException e) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, file, e.getMessage());
        }
    }
}
