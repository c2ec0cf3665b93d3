package org.snnc.compiler.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.snnc.compiler.io.npy.Fixtures.assertFails;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Weights;
import org.snnc.compiler.testing.PythonCheck;

class NpzWriterTest {

    @TempDir
    Path dir;

    private static Map<String, NpyArray> arrays() {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("z.last", new NpyArray(NpyElementType.F8, new int[] {2}, new double[] {0.1, Double.NaN}));
        arrays.put("conv1.weight", new NpyArray(NpyElementType.F4, new int[] {1, 2, 2}, new double[] {1, 2, -3, 4.5}));
        arrays.put("labels", new NpyArray(NpyElementType.U1, new int[] {3}, new double[] {0, 9, 255}));
        arrays.put("scalar", new NpyArray(NpyElementType.I8, new int[] {}, new double[] {-7}));
        arrays.put("empty", new NpyArray(NpyElementType.I1, new int[] {0}, new double[] {}));
        return arrays;
    }

    @Test
    void roundTripsInSortedOrder() {
        Path file = dir.resolve("a.npz");
        NpzWriter.write(file, arrays());
        Map<String, NpyArray> read = NpzReader.read(file);
        assertEquals(List.of("conv1.weight", "empty", "labels", "scalar", "z.last"), List.copyOf(read.keySet()));
        assertEquals(arrays(), read);
    }

    @Test
    void sameArraysGiveIdenticalBytes() throws IOException {
        Map<String, NpyArray> reversed = new LinkedHashMap<>();
        List<String> keys = List.copyOf(arrays().keySet());
        for (int i = keys.size() - 1; i >= 0; i--) {
            reversed.put(keys.get(i), arrays().get(keys.get(i)));
        }
        Path a = dir.resolve("a.npz");
        Path b = dir.resolve("b.npz");
        NpzWriter.write(a, arrays());
        NpzWriter.write(b, reversed);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        NpzWriter.write(a, new TreeMap<>(arrays())); // overwrite in place
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    }

    /** Entry times are zone-less DOS dates with no extended-timestamp extra field, so the zone cannot leak in. */
    @Test
    void bytesDoNotDependOnTheTimeZone() throws IOException {
        TimeZone saved = TimeZone.getDefault();
        Path a = dir.resolve("a.npz");
        Path b = dir.resolve("b.npz");
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
            NpzWriter.write(a, arrays());
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
            NpzWriter.write(b, arrays());
        } finally {
            TimeZone.setDefault(saved);
        }
        byte[] bytes = Files.readAllBytes(a);
        assertArrayEquals(bytes, Files.readAllBytes(b));
        assertEquals(0, bytes[28] | bytes[29], "the first local header has an extra field");
    }

    @Test
    void weightsRoundTrip() {
        Weights weights = Weights.of(Map.of(
                "fc.weight", Tensor.of(Shape.of(2, 3), new double[] {1, 2, 3, 4, 5, 6}),
                "fc.bias", Tensor.of(Shape.of(2), new double[] {0.1, -0.2})));
        Path file = dir.resolve("w.npz");
        NpzWriter.write(file, weights);
        assertEquals(weights, NpzReader.readWeights(file));
        Map<String, NpyArray> raw = NpzReader.read(file);
        assertEquals(NpyElementType.F4, raw.get("fc.weight").elementType());
        assertEquals(NpyElementType.F8, raw.get("fc.bias").elementType());
    }

    @Test
    void unwritableTargetLeavesNothingBehind() throws IOException {
        Path file = dir.resolve("no/such/folder/w.npz");
        assertFails(DiagnosticCode.FILE_UNWRITABLE, file.toString(), () -> NpzWriter.write(file, arrays()),
                "cannot write", "does not exist");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    /**
     * NumPy itself loads what we write, with Debian's python3 and numpy ({@code .ci/run} installs them): under CI their
     * absence fails the test, elsewhere it skips it.
     */
    @Test
    void numpyLoadsWhatWeWrite() throws Exception {
        Path file = dir.resolve("w.npz");
        NpzWriter.write(file, arrays());
        String script = "import sys, numpy as np\n"
                + "z = np.load(sys.argv[1])\n"
                + "for k in z.files:\n"
                + "    a = z[k]\n"
                + "    print(k, a.dtype.str, a.shape, a.ravel().tolist())\n";
        String out = PythonCheck.run(script, "numpy", file.toString());
        assertEquals("""
                conv1.weight <f4 (1, 2, 2) [1.0, 2.0, -3.0, 4.5]
                empty |i1 (0,) []
                labels |u1 (3,) [0, 9, 255]
                scalar <i8 () [-7]
                z.last <f8 (2,) [0.1, nan]
                """, out);
    }
}
