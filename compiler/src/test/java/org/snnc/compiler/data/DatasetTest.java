package org.snnc.compiler.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.io.npy.NpzWriter;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;

/** A data set read from a file, from a stream of one, and from a folder of shards. */
class DatasetTest {

    private static final Input PIXELS = new Input("x", DType.U8, Shape.of(2), Scale.ONE, SourceSpan.GENERATED);

    @TempDir
    Path dir;

    /** A shard of images {@code [first, first + count)}: image i is [i, 2i], its label i mod 10, stored as int64. */
    private Path shard(Path file, int first, int count) throws IOException {
        double[] x = new double[2 * count];
        double[] y = new double[count];
        for (int i = 0; i < count; i++) {
            x[2 * i] = first + i;
            x[2 * i + 1] = 2 * (first + i);
            y[i] = (first + i) % 10;
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("x", new NpyArray(NpyElementType.I8, new int[] {count, 2}, x));
        arrays.put("y", new NpyArray(NpyElementType.I8, new int[] {count}, y));
        Files.createDirectories(file.getParent());
        NpzWriter.write(file, arrays);
        return file;
    }

    private static void assertImages(int first, int count, Dataset dataset) {
        assertEquals(count, dataset.size());
        for (int i = 0; i < count; i++) {
            assertArrayEquals(new double[] {first + i, 2 * (first + i)}, dataset.inputs()[i], "image " + i);
            assertEquals((first + i) % 10, dataset.labels()[i]);
        }
    }

    /** Shards are read in the order of their names, not of their making; other files are not data. */
    @Test
    void aFolderOfShardsIsOneDataSetInNameOrder() throws IOException {
        Path folder = dir.resolve("shards");
        shard(folder.resolve("part-002.npz"), 7, 5);
        shard(folder.resolve("part-000.npz"), 0, 3);
        shard(folder.resolve("part-001.npz"), 3, 4);
        Files.writeString(folder.resolve("README.txt"), "not data");
        assertImages(0, 12, Dataset.load(folder, PIXELS, InputEncoding.ANALOG, Integer.MAX_VALUE));
        assertImages(0, 5, Dataset.load(folder, PIXELS, InputEncoding.ANALOG, 5));
        assertImages(0, 3, Dataset.load(folder, PIXELS, InputEncoding.ANALOG, 3));
    }

    /**
     * The count comes from the headers and a slice reads the shards that hold it: every slice of 12 images in shards
     * of 3, 4 and 5 holds the images it names; with the middle shard's labels gone, the slices that do not reach it
     * still read.
     */
    @Test
    void aSliceOfAFolderReadsOnlyItsShards() throws IOException {
        Path folder = dir.resolve("sliced");
        shard(folder.resolve("part-000.npz"), 0, 3);
        shard(folder.resolve("part-001.npz"), 3, 4);
        shard(folder.resolve("part-002.npz"), 7, 5);
        assertEquals(12, Dataset.count(folder, PIXELS, InputEncoding.ANALOG, Integer.MAX_VALUE));
        assertEquals(10, Dataset.count(folder, PIXELS, InputEncoding.ANALOG, 10));
        for (int first = 0; first < 12; first++) {
            for (int end = first + 1; end <= 12; end++) {
                assertImages(first, end - first, Dataset.slice(folder, PIXELS, InputEncoding.ANALOG, first, end));
            }
        }
        Path file = shard(dir.resolve("one.npz"), 0, 6);
        assertEquals(6, Dataset.count(file, PIXELS, InputEncoding.ANALOG, Integer.MAX_VALUE));
        assertImages(2, 3, Dataset.slice(file, PIXELS, InputEncoding.ANALOG, 2, 5));
        // Without its labels the middle shard still counts, and slices that do not reach it still read.
        Map<String, NpyArray> unlabelled = new LinkedHashMap<>(NpzReader.read(folder.resolve("part-001.npz")));
        unlabelled.remove("y");
        NpzWriter.write(folder.resolve("part-001.npz"), unlabelled);
        assertEquals(12, Dataset.count(folder, PIXELS, InputEncoding.ANALOG, Integer.MAX_VALUE));
        assertImages(7, 5, Dataset.slice(folder, PIXELS, InputEncoding.ANALOG, 7, 12));
        assertImages(0, 3, Dataset.slice(folder, PIXELS, InputEncoding.ANALOG, 0, 3));
        assertEquals(DiagnosticCode.DATA_MISSING_ARRAY, assertThrows(CompilationException.class,
                () -> Dataset.slice(folder, PIXELS, InputEncoding.ANALOG, 2, 4)).diagnostics().get(0).code());
    }

    /** One sequence may be stored as its frames [T, ...] alone, with one label. */
    @Test
    void oneSequenceWithoutItsSampleAxisHasOneLabel() throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("x", new NpyArray(NpyElementType.I8, new int[] {3, 2}, new double[] {1, 0, 0, 2, 1, 1}));
        arrays.put("y", new NpyArray(NpyElementType.I8, new int[] {1}, new double[] {7}));
        Path file = dir.resolve("one-sequence.npz");
        NpzWriter.write(file, arrays);
        Dataset sequence = Dataset.load(file, PIXELS, InputEncoding.SEQUENCE, Integer.MAX_VALUE);
        assertEquals(1, sequence.size());
        assertArrayEquals(new double[] {1, 0, 0, 2, 1, 1}, sequence.inputs()[0]);
        assertArrayEquals(new int[] {7}, sequence.labels());
        assertEquals(1, Dataset.count(file, PIXELS, InputEncoding.SEQUENCE, Integer.MAX_VALUE));
    }

    @Test
    void aStreamReadsAsTheFile() throws IOException {
        Path file = shard(dir.resolve("d.npz"), 4, 6);
        try (InputStream in = Files.newInputStream(file)) {
            assertImages(4, 6, Dataset.load(in, "d.npz", PIXELS, InputEncoding.ANALOG, Integer.MAX_VALUE));
        }
        assertImages(4, 6, Dataset.load(file, PIXELS, InputEncoding.ANALOG, Integer.MAX_VALUE));
    }

    @Test
    void aFolderWithoutShardsIsEmpty() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("none"));
        Files.writeString(folder.resolve("x.npy"), "");
        CompilationException error = assertThrows(CompilationException.class,
                () -> Dataset.load(folder, PIXELS, InputEncoding.ANALOG, 10));
        assertEquals(DiagnosticCode.EMPTY_DATA_SET, error.diagnostics().get(0).code());
    }
}
