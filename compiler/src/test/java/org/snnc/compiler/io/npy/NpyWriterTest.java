package org.snnc.compiler.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.snnc.compiler.io.npy.Fixtures.assertFails;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

class NpyWriterTest {

    @TempDir
    Path dir;

    static Stream<String> writtenFixtures() {
        List<String> names = new ArrayList<>();
        Fixtures.expected("written").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    static Stream<JsonNode> numpyHeaders() {
        return StreamSupport.stream(Fixtures.expected("headers").spliterator(), false);
    }

    /** The whole file, header and data, is byte for byte what np.save writes for the same array. */
    @ParameterizedTest
    @MethodSource("writtenFixtures")
    void writesWhatNumpyWrites(String name) throws IOException {
        NpyArray array = Fixtures.array(Fixtures.expected("written").get(name));
        assertArrayEquals(Files.readAllBytes(Fixtures.path("written/" + name)), Fixtures.bytes(array));
    }

    /** Headers for shapes too large to hold data match numpy.lib.format.write_array_header_1_0. */
    @ParameterizedTest
    @MethodSource("numpyHeaders")
    void headerMatchesNumpy(JsonNode expected) {
        NpyElementType type = NpyElementType.ofCode(expected.get("descr").asText().substring(1)).orElseThrow();
        int[] shape = StreamSupport.stream(expected.get("shape").spliterator(), false)
                .mapToInt(JsonNode::asInt).toArray();
        byte[] header = NpyWriter.header(type, shape);
        assertArrayEquals(expected.get("header").asText().getBytes(StandardCharsets.ISO_8859_1), header);
        assertEquals(0, header.length % NpyWriter.ALIGN);
        assertEquals('\n', header[header.length - 1]);
    }

    @Test
    void tensorIsFloat32WhenLossless() {
        Tensor exact = Tensor.of(Shape.of(2, 2), new double[] {0.5, -1.25, 3.4028234663852886e38, (float) 0.1});
        Tensor inexact = Tensor.of(Shape.of(2), new double[] {0.5, 0.1});
        assertEquals(NpyElementType.F4, NpyArray.of(exact).elementType());
        assertEquals(NpyElementType.F8, NpyArray.of(inexact).elementType());
        for (Tensor t : List.of(exact, inexact)) {
            Path file = dir.resolve("t.npy");
            NpyWriter.write(file, t);
            assertEquals(t, NpyReader.read(file).toTensor());
        }
    }

    @Test
    void overwritesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("a.npy");
        Files.writeString(file, "old");
        NpyArray array = new NpyArray(NpyElementType.I4, new int[] {3}, new double[] {1, -2, 3});
        NpyWriter.write(file, array);
        assertEquals(array, NpyReader.read(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void unwritableTargets() throws IOException {
        NpyArray array = new NpyArray(NpyElementType.U1, new int[] {1}, new double[] {1});
        Path noFolder = dir.resolve("missing/a.npy");
        assertFails(DiagnosticCode.FILE_UNWRITABLE, noFolder.toString(), () -> NpyWriter.write(noFolder, array),
                "does not exist");
        Path folder = Files.createDirectory(dir.resolve("sub"));
        assertFails(DiagnosticCode.FILE_UNWRITABLE, folder.toString(), () -> NpyWriter.write(folder, array),
                "directory");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(folder), files.toList());
        }
    }

    @Test
    void arrayValuesMustFitTheirType() {
        assertThrows(IllegalArgumentException.class,
                () -> new NpyArray(NpyElementType.U1, new int[] {1}, new double[] {256}));
        assertThrows(IllegalArgumentException.class,
                () -> new NpyArray(NpyElementType.I4, new int[] {1}, new double[] {0.5}));
        assertThrows(IllegalArgumentException.class,
                () -> new NpyArray(NpyElementType.F4, new int[] {1}, new double[] {0.1}));
        assertThrows(IllegalArgumentException.class,
                () -> new NpyArray(NpyElementType.F8, new int[] {2}, new double[] {1}));
        NpyArray zero = new NpyArray(NpyElementType.I8, new int[] {1}, new double[] {-0.0});
        assertEquals(0.0, zero.get(0));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(zero.get(0)));
    }

    @Test
    void arrayIsImmutable() {
        double[] values = {1, 2};
        int[] shape = {2};
        NpyArray a = new NpyArray(NpyElementType.F8, shape, values);
        values[0] = 9;
        shape[0] = 1;
        a.values()[1] = 9;
        a.shape()[0] = 7;
        assertEquals(new NpyArray(NpyElementType.F8, new int[] {2}, new double[] {1, 2}), a);
        assertEquals("NpyArray[f8 (2,): 1.0, 2.0]", a.toString());
    }
}
