package org.snnc.compiler.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.snnc.compiler.io.npy.Fixtures.assertFails;
import static org.snnc.compiler.io.npy.Fixtures.header;
import static org.snnc.compiler.io.npy.Fixtures.npy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

class NpyReaderTest {

    private static final String SRC = "w.npy";

    static Stream<String> npyFixtures() {
        List<String> names = new ArrayList<>();
        Fixtures.expected("read").fieldNames().forEachRemaining(names::add);
        return names.stream().filter(name -> name.endsWith(".npy"));
    }

    /** Every dtype, byte order, memory order and format version NumPy wrote reads as the values it wrote. */
    @ParameterizedTest
    @MethodSource("npyFixtures")
    void readsWhatNumpyWrote(String name) throws IOException {
        JsonNode expected = Fixtures.expected("read").get(name);
        Path file = Fixtures.path("read/" + name);
        NpyArray array = NpyReader.read(file);
        assertEquals(expected.get("dtype").asText(), array.elementType().code());
        assertArrayEquals(ints(expected.get("shape")), array.shape());
        assertArrayEquals(doubles(expected.get("values")), array.values());
        // The byte-array and stream entry points agree with the file one.
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(array, NpyReader.read(bytes, name));
        assertEquals(array, NpyReader.read(new ByteArrayInputStream(bytes), name));
    }

    @Test
    void fortranOrderComesBackInCOrder() {
        // np.asfortranarray(a) for a with values 0..11 in C order stores them column-major.
        double[] fortranData = {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11};
        ByteBuffer data = ByteBuffer.allocate(12 * 8);
        Arrays.stream(fortranData).forEach(data::putDouble);
        byte[] file = npy("{'descr': '>f8', 'fortran_order': True, 'shape': (3, 4), }", data.array());
        NpyArray a = NpyReader.read(file, SRC);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, a.values());
    }

    @Test
    void scalarIsRankZero() {
        NpyArray scalar = NpyReader.read(Fixtures.path("read/scalar.npy"));
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.size());
        assertEquals(Tensor.of(Shape.of(), new double[] {3.5}), scalar.toTensor());
        assertEquals("()", scalar.shapeText());
    }

    @Test
    void emptyArrayReadsButIsNoTensor() {
        NpyArray empty = NpyReader.read(Fixtures.path("read/empty.npy"));
        assertArrayEquals(new int[] {0, 3}, empty.shape());
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, "e.npy", () -> empty.toTensor("e.npy"),
                "empty dimension", "(0, 3)");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.path("read/f4_le.npy"));
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SRC, () -> NpyReader.read(cut, SRC),
                "needs 40 bytes", "only 37 bytes", "(2, 5)", "<f4");
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SRC,
                () -> NpyReader.read(new ByteArrayInputStream(cut), SRC), "needs 40 bytes", "only 37 bytes");
    }

    /** 2^80 elements: the size must neither overflow nor be allocated. */
    @Test
    void headerClaimingHugeShapeIsTruncatedNotAllocated() {
        byte[] file = npy(header("<f4", "(1099511627776, 1099511627776)"), new byte[16]);
        for (Executable read : List.<Executable>of(
                () -> NpyReader.read(file, SRC), () -> NpyReader.read(new ByteArrayInputStream(file), SRC))) {
            assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SRC, read,
                    "(1099511627776, 1099511627776)", "4835703278458516698824704 bytes", "only 16 bytes");
        }
    }

    /** More than 2^31 elements claimed, from a stream of unknown length. */
    @Test
    void moreThanIntElementsFromStreamIsTruncated() {
        byte[] file = npy(header("|u1", "(3000000000,)"), new byte[100]);
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SRC,
                () -> NpyReader.read(new ByteArrayInputStream(file), SRC), "3000000000 bytes", "only 100 bytes");
        byte[] many = npy(header("<i8", "(2147483647, 2)"), new byte[8]);
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SRC, () -> NpyReader.read(many, SRC),
                "34359738352 bytes", "only 8 bytes");
    }

    @Test
    void dimensionBeyondIntWithoutDataIsMalformed() {
        byte[] file = npy(header("<f4", "(0, 4294967296)"), new byte[0]);
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC, () -> NpyReader.read(file, SRC),
                "4294967296", "exceeds");
    }

    @Test
    void headerLengthBeyondFileIsTruncated() {
        byte[] file = npy(header("<f4", "(1,)"), new byte[4]);
        file[8] = (byte) 0xE8; // header length 1000
        file[9] = 0x03;
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SRC, () -> NpyReader.read(file, SRC),
                "header length", "1000 bytes", "only");
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SRC,
                () -> NpyReader.read(new ByteArrayInputStream(file), SRC), "1000 bytes");
    }

    @Test
    void hugeHeaderLengthIsRejectedBeforeReading() {
        byte[] file = npy(2, header("<f4", "(1,)"), new byte[4]);
        file[8] = file[9] = file[10] = file[11] = (byte) 0xFF; // 4294967295
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC,
                () -> NpyReader.read(new ByteArrayInputStream(file), SRC), "4294967295", "at most 65536");
    }

    @Test
    void badMagic() {
        byte[] file = npy(header("<f4", "(1,)"), new byte[4]);
        file[1] = 'X';
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC, () -> NpyReader.read(file, SRC), "magic");
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC, () -> NpyReader.read(new byte[] {'P', 'K'}, SRC),
                "magic");
    }

    @Test
    void unknownVersion() {
        byte[] file = npy(header("<f4", "(1,)"), new byte[4]);
        file[6] = 4;
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC, () -> NpyReader.read(file, SRC), "version 4.0");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 7, 9})
    void fileEndingInsideThePreambleIsTruncated(int length) {
        byte[] file = Arrays.copyOf(npy(header("<f4", "(1,)"), new byte[4]), length);
        assertFails(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SRC, () -> NpyReader.read(file, SRC));
    }

    @Test
    void bytesAfterTheDataAreAnError() {
        byte[] file = npy(header("|u1", "(2,)"), new byte[3]);
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC, () -> NpyReader.read(file, SRC), "follow");
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC,
                () -> NpyReader.read(new ByteArrayInputStream(file), SRC), "follow");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'descr': '<f4', 'fortran_order': False}                              | no 'shape'",
        "{'descr': '<f4', 'shape': (1,)}                                       | no 'fortran_order'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }          | negative dimension -3",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (1,), }              | expected '}'",
        "['descr', '<f4']                                                      | not a dictionary",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }                 | 'fortran_order' must be",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1), }              | 'shape' must be a tuple",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [1], }              | 'shape' must be a tuple",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 'a'), }         | 'shape' must be a tuple",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}       | unexpected key 'x'",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)} | appears twice",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }              | expected '}'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), } | too large",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (01,), }            | leading zero",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,), }           | expected ','",
        "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,), }            | unexpected character 'F'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x           | after the header",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,),               | expected a string key",
        "{'descr': '<\\q4', 'fortran_order': False, 'shape': (1,), }           | unsupported escape",
        "{'descr': '<f4', 'fortran_order': False, 'shape': ((((((((((((((((((1,),),),),),),),),),),),),),),),),),), } | deeper",
        "''                                                                    | not a dictionary",
    })
    void malformedHeaders(String header, String reason) {
        byte[] file = npy(header.strip(), new byte[4]);
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC, () -> NpyReader.read(file, SRC), reason);
    }

    @Test
    void tooManyDimensions() {
        String shape = "(" + "1, ".repeat(65) + ")";
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC,
                () -> NpyReader.read(npy(header("<f4", shape), new byte[4]), SRC), "rank 65");
    }

    @Test
    void headerLiteralVariantsPythonAccepts() {
        String header = " {\"shape\":(2,3,),\t\"fortran_order\":False,\"descr\":'|u1'}  \n";
        NpyArray a = NpyReader.read(npy(header, new byte[] {1, 2, 3, 4, 5, 6}), SRC);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals(NpyElementType.U1, a.elementType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"<c8", "<U5", "|O", "<c16", ">m8[s]", "|f4", "f4", "", "<M8[ns]", "|V4", "<b1x"})
    void unsupportedDtypes(String descr) {
        byte[] file = npy(header(descr, "(1,)"), new byte[16]);
        assertFails(DiagnosticCode.UNSUPPORTED_DTYPE, SRC, () -> NpyReader.read(file, SRC), "'" + descr + "'");
    }

    @Test
    void structuredDtypeIsUnsupported() {
        String header = "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }";
        assertFails(DiagnosticCode.UNSUPPORTED_DTYPE, SRC, () -> NpyReader.read(npy(header, new byte[8]), SRC),
                "[('a', '<f4'), ('b', '<i4')]");
    }

    @Test
    void version3HeaderMustBeUtf8() {
        byte[] file = npy(3, header("<f4", "(1,)"), new byte[4]);
        file[12 + 3] = (byte) 0xC3; // a lone lead byte inside 'descr'
        assertFails(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SRC, () -> NpyReader.read(file, SRC), "UTF-8");
    }

    @Test
    void boolsAreZeroOrOne() {
        NpyArray a = NpyReader.read(npy(header("|b1", "(3,)"), new byte[] {0, 1, 7}), SRC);
        assertArrayEquals(new double[] {0, 1, 1}, a.values());
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path file = dir.resolve("absent.npy");
        assertFails(DiagnosticCode.WEIGHTS_FILE_MISSING, file.toString(), () -> NpyReader.read(file), "absent.npy");
    }

    @Test
    void directoryIsUnreadable(@TempDir Path dir) {
        assertFails(DiagnosticCode.FILE_UNREADABLE, dir.toString(), () -> NpyReader.read(dir), "directory");
    }

    @Test
    void ioErrorsBecomeDiagnostics() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("device on fire");
            }
        };
        assertFails(DiagnosticCode.FILE_UNREADABLE, SRC, () -> NpyReader.read(failing, SRC), "device on fire");
    }

    private static int[] ints(JsonNode node) {
        return StreamSupport.stream(node.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    private static double[] doubles(JsonNode node) {
        return StreamSupport.stream(node.spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
    }
}
