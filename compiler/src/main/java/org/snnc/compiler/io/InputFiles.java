package org.snnc.compiler.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The one rule for reading an input file; the twin of {@link AtomicFiles}.
 *
 * <ul>
 *   <li>Only a regular file is read (a symbolic link to one is). A directory, a device, a FIFO or a socket is
 *       {@link DiagnosticCode#FILE_UNREADABLE} saying what it is, never "does not exist", and is never opened: a FIFO would block
 *       and {@code /dev/zero} would never end.</li>
 *   <li>A read is bounded by the file's size, taken before reading, and that size is checked against the heap
 *       ({@link MemoryBudget}) before anything is allocated for it.</li>
 * </ul>
 */
public final class InputFiles {

    // The file-type bits of st_mode (S_IFMT) and the kinds they name, from <sys/stat.h>.
    private static final int TYPE_MASK = 0170000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int FIFO = 0010000;
    private static final int SOCKET = 0140000;

    private InputFiles() {
    }

    /**
     * Checks that {@code file} is a regular file (or a link to one) before anything opens it.
     *
     * @param missing the code for a file that does not exist, so that each kind of input keeps its own wording
     * @throws CompilationException {@code missing}, or {@link DiagnosticCode#FILE_UNREADABLE} naming what it is
     */
    public static void requireRegularFile(Path file, SourceSpan span, DiagnosticCode missing) {
        if (!Files.exists(file)) {
            throw CompilationException.of(missing, span, file);
        }
        if (!Files.isRegularFile(file)) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, file, "it is " + kind(file));
        }
    }

    /**
     * What a file is, in words: "a regular file", "a directory", "a character device", "a FIFO"...; links are
     * followed, as reading them would.
     */
    static String kind(Path file) {
        if (Files.isRegularFile(file)) {
            return "a regular file";
        }
        if (Files.isDirectory(file)) {
            return "a directory";
        }
        try {
            // The "unix" attribute view is the only portable way to tell a device from a FIFO; elsewhere there is
            // nothing finer to say than "a special file".
            int type = (Integer) Files.getAttribute(file, "unix:mode") & TYPE_MASK;
            return switch (type) {
                case CHARACTER_DEVICE -> "a character device";
                case BLOCK_DEVICE -> "a block device";
                case FIFO -> "a FIFO";
                case SOCKET -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return Files.isSymbolicLink(file) && !Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "a broken link"
                    : "a special file";
        }
    }

    /**
     * The bytes of {@code file}: at most its size when opened, which must fit the heap.
     *
     * @throws CompilationException {@link DiagnosticCode#FILE_NOT_FOUND} if it does not exist,
     *                              {@link DiagnosticCode#MEMORY_LIMIT} if it is larger than the heap can hold, and
     *                              {@link DiagnosticCode#FILE_UNREADABLE} if it is not a regular file or cannot be
     *                              read
     */
    public static byte[] readAllBytes(Path file, SourceSpan span) {
        requireRegularFile(file, span, DiagnosticCode.FILE_NOT_FOUND);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            MemoryBudget.require(size, "reading " + file, span, "give a smaller file");
            if (size > MemoryBudget.MAX_ARRAY_BYTES) {
                throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, file, "it holds " + size
                        + " bytes; snnc reads files of at most " + MemoryBudget.MAX_ARRAY_BYTES);
            }
            InputStream in = Channels.newInputStream(channel);
            // A file that grows while it is read is read as it was when opened.
            return in.readNBytes((int) size);
        } catch (NoSuchFileException vanished) {
            throw CompilationException.of(DiagnosticCode.FILE_NOT_FOUND, span, file);
        } catch (AccessDeniedException denied) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, file, "permission denied");
        } catch (IOException e) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, file,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
