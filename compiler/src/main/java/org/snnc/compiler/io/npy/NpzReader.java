package org.snnc.compiler.io.npy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Weights;

/**
 * Reads a NumPy {@code .npz} archive ({@code np.savez}, {@code np.savez_compressed}): a zip file whose entries,
 * stored or deflated, are {@code .npy} files; entry {@code conv1.weight.npy} holds array {@code conv1.weight}.
 *
 * <p>Each entry is read by {@link NpyReader} as a stream of unknown length: the entry sizes the archive declares are
 * not trusted, no more than an entry's header declares is ever read, and that declared size is checked against the
 * heap before it is allocated. Each entry's CRC-32 is checked. Diagnostics name an entry as
 * {@code weights.npz[conv1.weight]}. Directory entries are skipped; an entry whose name does not end in {@code .npy},
 * or a name that appears twice, is {@link DiagnosticCode#WEIGHTS_FILE_MALFORMED}. Only a regular file is opened
 * ({@link InputFiles#requireRegularFile}).
 *
 * <p>{@link #open} reads only the archive's directory and decodes an entry when it is first asked for, so that a
 * data set's unused entries, however large they inflate, cost nothing; {@link #read} decodes every entry at once.
 */
public final class NpzReader {

    private static final String SUFFIX = ".npy";

    private NpzReader() {
    }

    /** The arrays of an archive, in archive order, every one decoded now; the map is unmodifiable. */
    public static Map<String, NpyArray> read(Path file) {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        open(file).forEach(arrays::put);
        return Collections.unmodifiableMap(arrays);
    }

    /**
     * The arrays of an archive, in archive order, each decoded when first asked for (and then kept); the map is
     * unmodifiable. The directory is checked now; a broken entry is reported when it is asked for.
     */
    public static Map<String, NpyArray> open(Path file) {
        return archive(file);
    }

    /**
     * The shape of array {@code key} of an archive, from the array's header alone: its data are not read, so this
     * costs a few hundred bytes however large the array. Empty when the archive has no such array.
     */
    public static Optional<int[]> shape(Path file, String key) {
        LazyArchive archive = archive(file);
        String entryName = archive.entryNames.get(key);
        if (entryName == null) {
            return Optional.empty();
        }
        String entrySource = file + "[" + key + "]";
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw malformed(file.toString(), "entry '" + entryName + "' disappeared while the archive was read");
            }
            try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
                return Optional.of(NpyReader.shape(in, entrySource));
            }
        } catch (ZipException e) {
            throw malformed(entrySource, NpyReader.reason(e));
        } catch (IOException e) {
            throw NpyReader.failure(e, entrySource);
        }
    }

    private static LazyArchive archive(Path file) {
        String source = file.toString();
        InputFiles.requireRegularFile(file, SourceSpan.ofFile(source), DiagnosticCode.WEIGHTS_FILE_MISSING);
        Map<String, String> entryNames = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                String key = key(name, source);
                if (entryNames.containsKey(key)) {
                    throw malformed(source, "entry '" + name + "' appears twice");
                }
                entryNames.put(key, name);
            }
        } catch (ZipException e) {
            throw malformed(source, "not a zip archive (" + NpyReader.reason(e) + ")");
        } catch (IOException e) {
            throw NpyReader.failure(e, source);
        } catch (IllegalArgumentException e) {
            // ZipFile rejects some malformed entry names this way.
            throw malformed(source, NpyReader.reason(e));
        }
        return new LazyArchive(file, entryNames);
    }

    /**
     * The arrays of an archive read from {@code in} to its end, in archive order, every one decoded now; the map is
     * unmodifiable and {@code in} is not closed. For an archive that is not a file: a stream from HDFS, S3 or a
     * socket. The entries are read as they come (the zip's local headers; the central directory at its end is not
     * consulted), each checked against its CRC-32; {@code source} names the archive in diagnostics.
     */
    public static Map<String, NpyArray> read(InputStream in, String source) {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try {
            ZipInputStream zip = new ZipInputStream(in);
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.isDirectory()) {
                    continue;
                }
                String key = key(entry.getName(), source);
                if (arrays.containsKey(key)) {
                    throw malformed(source, "entry '" + entry.getName() + "' appears twice");
                }
                // ZipInputStream ends each entry's stream at the entry's end and checks its CRC-32 there.
                arrays.put(key, NpyReader.read(zip, source + "[" + key + "]"));
            }
        } catch (ZipException e) {
            throw malformed(source, NpyReader.reason(e));
        } catch (IOException e) {
            throw NpyReader.failure(e, source);
        } catch (IllegalArgumentException e) {
            throw malformed(source, NpyReader.reason(e));
        }
        if (arrays.isEmpty()) {
            throw malformed(source, "not a zip archive of .npy arrays (no entries)");
        }
        return Collections.unmodifiableMap(arrays);
    }

    /** The array name of entry {@code name}, which must end in {@code .npy}. */
    private static String key(String name, String source) {
        if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
            throw malformed(source, "entry '" + name + "' is not a .npy array");
        }
        return name.substring(0, name.length() - SUFFIX.length());
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

    /** Decodes one entry, checking its CRC-32; ZipFile does not, and a corrupt entry could inflate to wrong values. */
    private static NpyArray readEntry(Path file, String key, String entryName) {
        String entrySource = file + "[" + key + "]";
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw malformed(file.toString(), "entry '" + entryName + "' disappeared while the archive was read");
            }
            try (CheckedInputStream checked = new CheckedInputStream(zip.getInputStream(entry), new CRC32());
                    InputStream in = new BufferedInputStream(checked)) {
                NpyArray array = NpyReader.read(in, entrySource);
                if (entry.getCrc() != -1 && checked.getChecksum().getValue() != entry.getCrc()) {
                    throw malformed(entrySource, "the entry's CRC-32 does not match its data");
                }
                return array;
            }
        } catch (ZipException e) {
            throw malformed(entrySource, NpyReader.reason(e));
        } catch (IOException e) {
            throw NpyReader.failure(e, entrySource);
        }
    }

    private static CompilationException malformed(String source, String reason) {
        return CompilationException.of(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SourceSpan.ofFile(source), source, reason);
    }

    /** An archive's arrays by name, each decoded on first access; reopening the file for each keeps no handle open. */
    private static final class LazyArchive extends AbstractMap<String, NpyArray> {
        private final Path file;
        private final Map<String, String> entryNames;
        private final Map<String, NpyArray> decoded = new HashMap<>();

        LazyArchive(Path file, Map<String, String> entryNames) {
            this.file = file;
            this.entryNames = entryNames;
        }

        @Override
        public boolean containsKey(Object key) {
            return entryNames.containsKey(key);
        }

        @Override
        public synchronized NpyArray get(Object key) {
            if (!(key instanceof String name) || !entryNames.containsKey(name)) {
                return null;
            }
            return decoded.computeIfAbsent(name, k -> readEntry(file, k, entryNames.get(k)));
        }

        @Override
        public int size() {
            return entryNames.size();
        }

        @Override
        public Set<String> keySet() {
            return Collections.unmodifiableSet(entryNames.keySet());
        }

        /** Entries decode their array when their value is asked for, so iterating the keys decodes nothing. */
        @Override
        public Set<Entry<String, NpyArray>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, NpyArray>> iterator() {
                    Iterator<String> keys = entryNames.keySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return keys.hasNext();
                        }

                        @Override
                        public Entry<String, NpyArray> next() {
                            String key = keys.next();
                            return new Entry<>() {
                                @Override
                                public String getKey() {
                                    return key;
                                }

                                @Override
                                public NpyArray getValue() {
                                    return get(key);
                                }

                                @Override
                                public NpyArray setValue(NpyArray value) {
                                    throw new UnsupportedOperationException("the archive is read-only");
                                }
                            };
                        }
                    };
                }

                @Override
                public int size() {
                    return entryNames.size();
                }
            };
        }
    }
}
