package org.snnc.compiler.io.npy;

import org.snnc.compiler.io.AtomicFiles;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Weights;

/**
 * Writes a {@code .npz} archive that {@code np.load} reads: one deflated {@code key.npy} entry per array, written by
 * {@link NpyWriter}. The output is canonical: entries in sorted key order, every entry time 2000-01-01 00:00 as a
 * zone-less DOS date, and no comments or extra fields, so the same arrays give byte-identical files in every time
 * zone. The file is written atomically.
 */
public final class NpzWriter {

    /**
     * Not 1980-01-01 00:00: the JDK treats that DOS date as "before 1980" and adds an extended timestamp that
     * depends on the time zone.
     */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private NpzWriter() {
    }

    /**
     * Writes arrays to an archive, in sorted key order whatever the map's order.
     *
     * @throws CompilationException {@link DiagnosticCode#FILE_UNWRITABLE} if the file cannot be written
     */
    public static void write(Path file, Map<String, NpyArray> arrays) {
        Map<String, NpyArray> sorted = new TreeMap<>(arrays);
        for (String key : sorted.keySet()) {
            if (key.isEmpty()) {
                throw new IllegalArgumentException("an array needs a non-empty name");
            }
        }
        AtomicFiles.write(file, out -> write(out, sorted));
    }

    /** Writes weights, each tensor as {@code <f4} when that is lossless, else {@code <f8} ({@link NpyArray#of}). */
    public static void write(Path file, Weights weights) {
        Map<String, NpyArray> arrays = new TreeMap<>();
        weights.tensors().forEach((key, tensor) -> arrays.put(key, NpyArray.of(tensor)));
        write(file, arrays);
    }

    private static void write(OutputStream out, Map<String, NpyArray> sorted) throws IOException {
        // Closing the zip stream frees its deflater; the caller still owns (and flushes) the file stream.
        try (ZipOutputStream zip = new ZipOutputStream(new KeepOpen(out))) {
            zip.setMethod(ZipOutputStream.DEFLATED);
            for (Map.Entry<String, NpyArray> e : sorted.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTimeLocal(ENTRY_TIME);
                zip.putNextEntry(entry);
                NpyWriter.write(zip, e.getValue());
                zip.closeEntry();
            }
        }
    }

    /** A stream whose {@code close} only flushes. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
