package org.snnc.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.InputFiles;

/**
 * The files of an {@code snnc compile -o OUT_DIR} that a run reads, as bytes: the configuration the emulator loads and
 * the quantized and source networks (with their weights) that give the MACs and the ANN's accuracy. The driver reads
 * them once and broadcasts them; an executor writes them into a folder of its own once per {@link #digest()}
 * ({@link #writtenOut}) and loads them from there with the same loaders as {@code snnc run}.
 *
 * @param files each file's name in OUT_DIR and its bytes, in the order of {@link #READ}
 * @param digest SHA-256 of the names and bytes, hex: equal digests mean equal directories
 */
public record CompiledDirectory(Map<String, byte[]> files, String digest) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What {@code snnc run} reads of OUT_DIR; the source network and its weights are absent after some compiles. */
    static final List<String> READ = List.of("config.json", "quantized.snn", "quantized.npz", "network.snn",
            "network.npz");
    private static final List<String> REQUIRED = List.of("config.json", "quantized.snn", "quantized.npz");

    /** Where this JVM wrote each directory out, by digest. */
    private static final Map<String, Path> WRITTEN = new ConcurrentHashMap<>();

    /**
     * Reads the files of {@link #READ} in {@code directory}.
     *
     * @throws org.snnc.compiler.diag.CompilationException {@link DiagnosticCode#FILE_NOT_FOUND} if a required one is
     *                                                     missing or not a regular file
     */
    public static CompiledDirectory read(Path directory) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : READ) {
            Path file = directory.resolve(name);
            if (REQUIRED.contains(name)) {
                InputFiles.requireRegularFile(file, SourceSpan.ofFile(file.toString()), DiagnosticCode.FILE_NOT_FOUND);
            } else if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                files.put(name, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return new CompiledDirectory(Collections.unmodifiableMap(files), digestOf(files));
    }

    /**
     * A folder holding the files, written once per digest in this JVM (a temporary folder, deleted when the JVM
     * exits): the tasks after the first in an executor find it written.
     */
    Path writtenOut() {
        return WRITTEN.computeIfAbsent(digest, unused -> writeOut());
    }

    private Path writeOut() {
        try {
            Path folder = Files.createTempDirectory("snnc-" + digest.substring(0, 12));
            folder.toFile().deleteOnExit();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path written = Files.write(folder.resolve(file.getKey()), file.getValue());
                written.toFile().deleteOnExit();
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration into a temporary folder", e);
        }
    }

    private static String digestOf(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                sha.update(file.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Long.toString(file.getValue().length).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(file.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
