package org.snnc.compiler.io.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.function.Executable;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;

/**
 * The fixtures of {@code src/test/resources/npy}, made by NumPy with {@code make_fixtures.py}, and helpers to build
 * hostile inputs and check diagnostics.
 */
final class Fixtures {

    private static final JsonNode EXPECTED = load();

    private Fixtures() {
    }

    private static JsonNode load() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/npy/expected.json")) {
            return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code read} (reader fixtures), {@code written} (np.save output) or {@code headers}. */
    static JsonNode expected(String section) {
        return EXPECTED.get(section);
    }

    static Path path(String resource) {
        URL url = Fixtures.class.getResource("/npy/" + resource);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + resource);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The array a fixture description ({@code dtype}, {@code shape}, {@code values}) stands for. */
    static NpyArray array(JsonNode description) {
        NpyElementType type = NpyElementType.ofCode(description.get("dtype").asText()).orElseThrow();
        int[] shape = StreamSupport.stream(description.get("shape").spliterator(), false)
                .mapToInt(JsonNode::asInt).toArray();
        double[] values = StreamSupport.stream(description.get("values").spliterator(), false)
                .mapToDouble(JsonNode::asDouble).toArray();
        return new NpyArray(type, shape, values);
    }

    /** A .npy file with the given version and header text (no padding) followed by {@code data}. */
    static byte[] npy(int major, String header, byte[] data) {
        byte[] text = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyReader.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        return b.put(text).put(data).array();
    }

    static byte[] npy(String header, byte[] data) {
        return npy(1, header, data);
    }

    static String header(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
    }

    static byte[] bytes(NpyArray array) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            NpyWriter.write(out, array);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Asserts that {@code action} fails with one diagnostic of {@code code} at {@code source}, whose message contains
     * every one of {@code words} (ignoring case); returns it.
     */
    static Diagnostic assertFails(DiagnosticCode code, String source, Executable action, String... words) {
        CompilationException e = assertThrows(CompilationException.class, action);
        assertEquals(1, e.diagnostics().size(), e::getMessage);
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(code, d.code(), e::getMessage);
        assertEquals(source, d.span().file(), e::getMessage);
        for (String word : words) {
            assertTrue(d.message().toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT)),
                    () -> "'" + word + "' not in: " + d.message());
        }
        return d;
    }
}
