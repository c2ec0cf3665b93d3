package org.snnc.compiler.io.npy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Weights;

/**
 * Reads a NumPy {@code .npz} archive ({@code np.savez}, {@code np.savez_compressed}): a zip file whose entries,
 * stored or deflated, are {@code .npy} files; entry {@code conv1.weight.npy} holds array {@code conv1.weight}.
 *
 * <p>Each entry is read by {@link NpyReader} as a stream of unknown length: the entry sizes the archive declares are
 * not trusted, and no more than an entry's header declares is ever read. Each entry's CRC-32 is checked.
 * Diagnostics name an entry as {@code weights.npz[conv1.weight]}. Directory entries are skipped; an entry whose name
 * does not end in {@code .npy}, or a name that appears twice, is {@link DiagnosticCode#WEIGHTS_FILE_MALFORMED}.
 */
public final class NpzReader {

    private static final String SUFFIX = ".npy";

    private NpzReader() {
    }

    /** The arrays of an archive, in archive order; the map is unmodifiable. */
    public static Map<String, NpyArray> read(Path file) {
        String source = file.toString();
        if (!Files.exists(file)) {
            throw CompilationException.of(DiagnosticCode.WEIGHTS_FILE_MISSING, SourceSpan.ofFile(source), source);
        }
        if (Files.isDirectory(file)) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, SourceSpan.ofFile(source), source,
                    "it is a directory");
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
                    throw malformed(source, "entry '" + name + "' is not a .npy array");
                }
                String key = name.substring(0, name.length() - SUFFIX.length());
                if (arrays.containsKey(key)) {
                    throw malformed(source, "entry '" + name + "' appears twice");
                }
                String entrySource = source + "[" + key + "]";
                // ZipFile does not check an entry's CRC; a corrupt entry could otherwise inflate to wrong values.
                try (CheckedInputStream checked = new CheckedInputStream(zip.getInputStream(entry), new CRC32());
                        InputStream in = new BufferedInputStream(checked)) {
                    arrays.put(key, NpyReader.read(in, entrySource));
                    if (entry.getCrc() != -1 && checked.getChecksum().getValue() != entry.getCrc()) {
                        throw malformed(entrySource, "the entry's CRC-32 does not match its data");
                    }
                } catch (IOException e) {
                    throw NpyReader.failure(e, entrySource);
                }
            }
        } catch (ZipException e) {
            throw malformed(source, "not a zip archive (" + NpyReader.reason(e) + ")");
        } catch (IOException e) {
            throw NpyReader.failure(e, source);
        } catch (IllegalArgumentException e) {
            // ZipFile rejects some malformed entry names this way.
            throw malformed(source, NpyReader.reason(e));
        }
        return Collections.unmodifiableMap(arrays);
    }

    /**
     * The arrays of an archive as weights. Every array becomes a tensor ({@link NpyArray#toTensor(String)}), so an
     * array with a zero dimension is {@link DiagnosticCode#WEIGHTS_FILE_MALFORMED}.
     */
    public static Weights readWeights(Path file) {
        Map<String, Tensor> tensors = new TreeMap<>();
        read(file).forEach((key, array) -> tensors.put(key, array.toTensor(file + "[" + key + "]")));
        return Weights.of(tensors);
    }

    private static CompilationException malformed(String source, String reason) {
        return CompilationException.of(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SourceSpan.ofFile(source), source, reason);
    }
}
