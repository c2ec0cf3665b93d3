package org.snnc.compiler.io.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.snnc.compiler.io.npy.Fixtures.assertFails;
import static org.snnc.compiler.io.npy.Fixtures.header;
import static org.snnc.compiler.io.npy.Fixtures.npy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Weights;

class NpzReaderTest {

    @TempDir
    Path dir;

    /** np.savez (stored) and np.savez_compressed (deflated): every array, in archive order. */
    @ParameterizedTest
    @ValueSource(strings = {"stored.npz", "deflated.npz"})
    void readsWhatNumpyWrote(String name) {
        JsonNode expected = Fixtures.expected("read").get(name);
        Map<String, NpyArray> arrays = NpzReader.read(Fixtures.path("read/" + name));
        List<String> order = new ArrayList<>();
        expected.get("order").forEach(key -> order.add(key.asText()));
        assertEquals(order, List.copyOf(arrays.keySet()));
        for (String key : order) {
            assertEquals(Fixtures.array(expected.get("entries").get(key)), arrays.get(key), key);
        }
    }

    /** The same archives streamed, as from HDFS or S3, read as the same arrays in the same order. */
    @ParameterizedTest
    @ValueSource(strings = {"stored.npz", "deflated.npz"})
    void readsAStreamAsTheFile(String name) throws IOException {
        Path file = Fixtures.path("read/" + name);
        Map<String, NpyArray> streamed = NpzReader.read(new ByteArrayInputStream(Files.readAllBytes(file)), name);
        assertEquals(List.copyOf(NpzReader.read(file).entrySet()), List.copyOf(streamed.entrySet()));
    }

    @Test
    void aCorruptOrForeignStreamIsMalformed() throws IOException {
        byte[] zip = Files.readAllBytes(Fixtures.path("read/stored.npz"));
        zip[indexOf(zip, NpyReader.MAGIC) + 130] ^= 0x01;
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, "s.npz[conv1.weight]",
                () -> NpzReader.read(new ByteArrayInputStream(zip), "s.npz"), "CRC");
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, "s.npz",
                () -> NpzReader.read(new ByteArrayInputStream("not a zip".getBytes(StandardCharsets.UTF_8)),
                        "s.npz"), "no entries");
        byte[] text = Files.readAllBytes(zip("t.npz", Map.of("readme.txt", new byte[3]), true));
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, "t.npz",
                () -> NpzReader.read(new ByteArrayInputStream(text), "t.npz"), "'readme.txt'", "not a .npy");
    }

    @Test
    void readsWeightsSortedByName() {
        Weights weights = NpzReader.readWeights(Fixtures.path("read/deflated.npz"));
        assertEquals(List.of("a_scalar", "conv1.bias", "conv1.weight", "fc.weight"),
                List.copyOf(weights.tensors().keySet()));
        assertEquals("[2,1,3,3]", weights.get("conv1.weight").orElseThrow().shape().toString());
        assertEquals(7.0, weights.get("a_scalar").orElseThrow().get(0));
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("weights.npz");
        assertFails(DiagnosticCode.WEIGHTS_FILE_MISSING, file.toString(), () -> NpzReader.read(file), "weights.npz");
    }

    @Test
    void notAZip() throws IOException {
        Path file = Files.write(dir.resolve("weights.npz"), "this is not a zip archive".getBytes(StandardCharsets.UTF_8));
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, file.toString(), () -> NpzReader.read(file), "not a zip");
        Path npy = Files.copy(Fixtures.path("read/f4_le.npy"), dir.resolve("actually.npz"));
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, npy.toString(), () -> NpzReader.read(npy), "not a zip");
        Path empty = Files.write(dir.resolve("empty.npz"), new byte[0]);
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, empty.toString(), () -> NpzReader.read(empty));
    }

    @Test
    void entryClaimingHugeShapeIsTruncatedAndNamed() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ok.npy", npy(header("|u1", "(1,)"), new byte[] {5}));
        entries.put("conv1.weight.npy", npy(header("<f4", "(1099511627776, 1099511627776)"), new byte[64]));
        Path file = zip("weights.npz", entries, true);
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, file + "[conv1.weight]", () -> NpzReader.read(file),
                "weights.npz[conv1.weight] is truncated", "4835703278458516698824704 bytes", "only 64 bytes");
    }

    /**
     * A deflated entry whose header claims 2^40 bytes over 4 MiB of zeros that compress to a few KiB: the reader
     * counts what inflates without keeping it.
     */
    @Test
    void compressedEntryIsReadWithABound() throws IOException {
        byte[] npy = npy(header("|u1", "(1099511627776,)"), new byte[4 << 20]);
        Path file = zip("bomb.npz", Map.of("x.npy", npy), true);
        assertTrue(Files.size(file) < 64 * 1024);
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, file + "[x]", () -> NpzReader.read(file),
                "1099511627776 bytes", "only 4194304 bytes");
    }

    /**
     * open reads only the directory: an entry that claims 2^40 bytes and inflates to megabytes costs nothing until
     * it is asked for, so a data set's unused entries cannot exhaust the heap; read decodes it and refuses it.
     */
    @Test
    void openDecodesOnlyTheEntriesAskedFor() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x.npy", npy(header("|u1", "(2,)"), new byte[] {7, 8}));
        entries.put("unused.npy", npy(header("|u1", "(1099511627776,)"), new byte[4 << 20]));
        Path file = zip("data.npz", entries, true);
        Map<String, NpyArray> archive = NpzReader.open(file);
        assertEquals(List.of("x", "unused"), List.copyOf(archive.keySet()));
        assertEquals(8.0, archive.get("x").get(1));
        assertTrue(archive.containsKey("unused"));
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, file + "[unused]", () -> archive.get("unused"));
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, file + "[unused]", () -> NpzReader.read(file));
    }

    /**
     * An entry whose declared array the heap cannot hold (data read twice and widened to float64 three times) is
     * refused before a byte of it is inflated or allocated.
     */
    @Test
    void anEntryLargerThanTheHeapIsRefusedBeforeAllocating() throws IOException {
        long elements = 268_000_000; // 2.1 GB of f8: within a Java array, beyond what 3 float64 copies leave free
        assumeTrue(elements * 8 * 5 > org.snnc.compiler.io.MemoryBudget.free());
        Path file = zip("big.npz", Map.of("x.npy", npy(header("<f8", "(" + elements + ",)"), new byte[64])), true);
        assertFails(DiagnosticCode.MEMORY_LIMIT, file + "[x]", () -> NpzReader.open(file).get("x"),
                "reading " + file + "[x], shape (268000000,) of '<f8', needs 10,720,000,000 bytes");
    }

    @Test
    void aSpecialFileIsNotAnArchive() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("data.npz"));
        assertFails(DiagnosticCode.FILE_UNREADABLE, folder.toString(), () -> NpzReader.open(folder),
                "it is a directory");
        Path zero = Files.createSymbolicLink(dir.resolve("zero.npz"), Path.of("/dev/zero"));
        assertFails(DiagnosticCode.FILE_UNREADABLE, zero.toString(), () -> NpzReader.open(zero),
                "it is a character device");
    }

    @Test
    void truncatedEntryData() throws IOException {
        Path file = zip("w.npz", Map.of("b.npy", npy(header("<f8", "(4,)"), new byte[20])), false);
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, file + "[b]", () -> NpzReader.read(file),
                "needs 32 bytes", "only 20 bytes");
    }

    @Test
    void brokenEntryHeaderNamesTheEntry() throws IOException {
        Path file = zip("w.npz", Map.of("b.npy", npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }",
                new byte[8])), true);
        assertFails(DiagnosticCode.UNSUPPORTED_DTYPE, file + "[b]", () -> NpzReader.read(file), "'<c8'");
    }

    @Test
    void entryThatIsNoArray() throws IOException {
        Path file = zip("w.npz", Map.of("readme.txt", "hello".getBytes(StandardCharsets.UTF_8)), true);
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, file.toString(), () -> NpzReader.read(file),
                "'readme.txt'", "not a .npy");
    }

    @Test
    void corruptStoredEntryFailsItsCrc() throws IOException {
        byte[] zip = Files.readAllBytes(Fixtures.path("read/stored.npz"));
        // The first entry's data starts with the .npy magic; corrupt a byte of its values (after the 128-byte header).
        int magic = indexOf(zip, NpyReader.MAGIC);
        zip[magic + 130] ^= 0x01;
        Path file = Files.write(dir.resolve("corrupt.npz"), zip);
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, file + "[conv1.weight]", () -> NpzReader.read(file),
                "CRC-32");
    }

    @Test
    void corruptDeflatedEntry() throws IOException {
        byte[] zip = Files.readAllBytes(Fixtures.path("read/deflated.npz"));
        // Zero the compressed bytes of the first entry: local header (30 bytes + name + extra), then data.
        int nameLength = (zip[26] & 0xFF) | (zip[27] & 0xFF) << 8;
        int extraLength = (zip[28] & 0xFF) | (zip[29] & 0xFF) << 8;
        int data = 30 + nameLength + extraLength;
        for (int i = data; i < data + 40; i++) {
            zip[i] = (byte) 0xFF;
        }
        Path file = Files.write(dir.resolve("corrupt.npz"), zip);
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, file + "[conv1.weight]", () -> NpzReader.read(file));
    }

    @Test
    void emptyArrayIsNoWeight() throws IOException {
        Path file = zip("w.npz", Map.of("e.npy", npy(header("<f4", "(0, 3)"), new byte[0])), true);
        assertEquals(1, NpzReader.read(file).size());
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, file + "[e]", () -> NpzReader.readWeights(file),
                "empty dimension");
    }

    private Path zip(String name, Map<String, byte[]> entries, boolean deflate) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
