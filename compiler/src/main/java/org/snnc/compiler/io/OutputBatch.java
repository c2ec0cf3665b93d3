package org.snnc.compiler.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * All the files one command writes, made to appear together or not at all: a failed command leaves nothing new.
 *
 * <p>While a batch is open on a thread, {@link AtomicFiles#write} on that thread writes each file whole into a
 * temporary file beside its target and stops there. {@link #commit} then moves every one into place, in the order
 * written; {@link #close} deletes the temporary files of a batch that was not committed, and the folders it created
 * if they are still empty. Writing the same target twice keeps the second. Batches nest: an inner batch commits
 * its own files, and the outer one is open again when it closes. A batch belongs to the thread that opened it.
 *
 * <pre>
 * try (OutputBatch batch = OutputBatch.open()) {
 *     AtomicFiles.write(config, bytes);     // written beside config.json, not yet in place
 *     AtomicFiles.write(report, json);
 *     batch.commit();                       // both appear now; an exception before this leaves neither
 * }
 * </pre>
 */
public final class OutputBatch implements AutoCloseable {

    private static final ThreadLocal<OutputBatch> OPEN = new ThreadLocal<>();

    private final OutputBatch enclosing;
    private final Map<Path, AtomicFiles.Staged> staged = new LinkedHashMap<>();
    private final List<Path> createdFolders = new ArrayList<>();
    private boolean closed;

    private OutputBatch(OutputBatch enclosing) {
        this.enclosing = enclosing;
    }

    /** Opens a batch on this thread; every write until it closes waits for its commit. */
    public static OutputBatch open() {
        OutputBatch batch = new OutputBatch(OPEN.get());
        OPEN.set(batch);
        return batch;
    }

    /** The batch open on this thread, or null. */
    static OutputBatch current() {
        return OPEN.get();
    }

    void add(AtomicFiles.Staged file) {
        AtomicFiles.Staged replaced = staged.put(file.target().toAbsolutePath().normalize(), file);
        if (replaced != null) {
            replaced.discard();
        }
    }

    /**
     * Creates {@code folder} and its missing parents now, since every file inside needs its folder before the
     * commit; the open batch, if there is one, remembers them, so that it removes them again if not committed.
     *
     * @throws CompilationException {@link DiagnosticCode#FILE_UNWRITABLE} if a path on the way exists and is not a
     *                              folder, or a folder cannot be created
     */
    public static void createFolders(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
            if (Files.exists(p) || Files.isSymbolicLink(p)) {
                throw CompilationException.of(DiagnosticCode.FILE_UNWRITABLE, SourceSpan.ofFile(folder.toString()),
                        folder, (p.equals(absolute) ? "it" : p.toString()) + " is " + InputFiles.kind(p) + ", not a folder");
            }
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
                OutputBatch batch = OPEN.get();
                if (batch != null) {
                    batch.createdFolders.add(p);
                }
            } catch (IOException e) {
                throw CompilationException.of(DiagnosticCode.FILE_UNWRITABLE, SourceSpan.ofFile(folder.toString()),
                        folder, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
    }

    /** Moves every written file into place; the batch then keeps nothing to undo. */
    public void commit() {
        List<AtomicFiles.Staged> files = new ArrayList<>(staged.values());
        staged.clear();
        createdFolders.clear();
        for (int i = 0; i < files.size(); i++) {
            try {
                files.get(i).moveIntoPlace();
            } catch (RuntimeException e) {
                files.subList(i + 1, files.size()).forEach(AtomicFiles.Staged::discard);
                throw e;
            }
        }
    }

    /** Deletes what an uncommitted batch wrote and reopens the enclosing batch. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        staged.values().forEach(AtomicFiles.Staged::discard);
        staged.clear();
        for (int i = createdFolders.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(createdFolders.get(i));
            } catch (IOException notEmpty) {
                // Something else wrote into it meanwhile; that is not ours to delete.
            }
        }
        if (enclosing == null) {
            OPEN.remove();
        } else {
            OPEN.set(enclosing);
        }
    }
}
