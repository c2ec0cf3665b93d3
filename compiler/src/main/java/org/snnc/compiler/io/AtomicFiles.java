package org.snnc.compiler.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The one rule for writing an output file: into a temporary file in the same folder, flushed to disk, then moved
 * over the target ({@code ATOMIC_MOVE}, or {@code REPLACE_EXISTING} where the file system cannot move atomically).
 * Readers see the old file or the complete new one, never a partial one; on failure the temporary file is deleted.
 *
 * <ul>
 *   <li>Only a regular file is replaced: a target that is a directory, a device (such as {@code /dev/null}), a FIFO
 *       or a link to one is {@link DiagnosticCode#FILE_UNWRITABLE}, since moving a file over it would replace
 *       the special file itself.</li>
 *   <li>While an {@link OutputBatch} is open on the thread, the move waits for the batch's commit, so that all the
 *       files of a command appear together or none does.</li>
 *   <li>Messages name the target, never the temporary file.</li>
 * </ul>
 */
public final class AtomicFiles {

    /** Writes the content to a stream; the stream is closed by the caller. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} now, or at the commit of the open {@link OutputBatch}.
     *
     * @throws CompilationException {@link DiagnosticCode#FILE_UNWRITABLE} if the target exists and is not a regular
     *                              file, or if any step fails
     */
    public static void write(Path target, Content content) {
        Staged staged = stage(target, content);
        OutputBatch batch = OutputBatch.current();
        if (batch == null) {
            staged.moveIntoPlace();
        } else {
            batch.add(staged);
        }
    }

    /** Writes {@code bytes} atomically, as {@link #write(Path, Content)}. */
    public static void write(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /**
     * Refuses a target that exists and is not a regular file.
     *
     * @throws CompilationException {@link DiagnosticCode#FILE_UNWRITABLE}
     */
    public static void requireReplaceable(Path target) {
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw unwritable(target, "it is " + InputFiles.kind(target) + "; snnc replaces only regular files");
        }
    }

    /** Writes the content into a temporary file beside {@code target}. */
    private static Staged stage(Path target, Content content) {
        requireReplaceable(target);
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw unwritable(target, "its folder does not exist");
        }
        Path temp = null;
        try {
            // createTempFile would make the file private (0600); the written file should get the umask's permissions.
            temp = Files.createFile(folder.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp"));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Staged staged = new Staged(temp, target);
            temp = null;
            return staged;
        } catch (IOException e) {
            throw unwritable(target, describe(e, temp, target));
        } finally {
            deleteQuietly(temp);
        }
    }

    /** A written temporary file and the target it is to replace. */
    record Staged(Path temp, Path target) {

        /** Moves the temporary file over the target, or deletes it and reports why it could not. */
        void moveIntoPlace() {
            try {
                requireReplaceable(target);
                Path absolute = target.toAbsolutePath();
                try {
                    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw unwritable(target, describe(e, temp, target));
            } finally {
                deleteQuietly(temp);
            }
        }

        void discard() {
            deleteQuietly(temp);
        }
    }

    /** The reason for a failure, naming the target wherever the exception names the temporary file. */
    private static String describe(IOException e, Path temp, Path target) {
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            reason = "no such file or folder";
        } else {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return temp == null ? reason : reason.replace(temp.toString(), target.toString());
    }

    /** Deletes a temporary file, if there is one. */
    static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // Reporting the original failure matters more than this leftover.
        }
    }

    private static SourceSpan span(Path target) {
        return SourceSpan.ofFile(target.toString());
    }

    private static CompilationException unwritable(Path target, String reason) {
        return CompilationException.of(DiagnosticCode.FILE_UNWRITABLE, span(target), target, reason);
    }
}
