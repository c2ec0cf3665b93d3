package org.snnc.compiler.io.npy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.io.MemoryBudget;

/**
 * Reads one array in the NumPy {@code .npy} format (NEP 1, {@code numpy.lib.format}), versions 1.0, 2.0 and 3.0.
 *
 * <p>Layout: the magic string {@code \x93NUMPY}; the major and minor version bytes; the header length, a
 * little-endian {@code uint16} in version 1.0 and {@code uint32} in 2.0 and 3.0; the header, a Python dictionary
 * literal ({@link NpyHeader}) in Latin-1, or UTF-8 in 3.0; then {@code product(shape) × itemsize} bytes of data in
 * the header's byte order, in C order or, with {@code fortran_order: True}, column-major. Values always come back in
 * C order. Bytes after the data are an error.
 *
 * <p>Element types: {@code f2 f4 f8 u1 i1 u2 i2 u4 i4 u8 i8 b1}, little-endian ({@code <}) or big-endian
 * ({@code >}), and {@code |} for single bytes; every other descriptor is {@link DiagnosticCode#UNSUPPORTED_DTYPE}.
 * Values are widened to {@code double}, exactly except for {@code i8} and {@code u8} beyond 2<sup>53</sup> in
 * magnitude, which round to the nearest double.
 *
 * <p>Hostile input: the reader compares the data size the header declares (in saturating {@code long} arithmetic)
 * with the bytes that are actually there before it allocates anything for the values, so a header that declares
 * {@code (2**40, 2**40)} is {@link DiagnosticCode#WEIGHTS_FILE_TRUNCATED}, not an out-of-memory error. From a stream
 * of unknown length (a zip entry) it reads at most what the header declares, allocating as bytes arrive. Headers
 * are limited to {@value #MAX_HEADER_BYTES} bytes and data to {@value #MAX_DATA_BYTES} bytes, which also keeps the
 * element count within {@code int}; before the data is read, what reading it takes at its peak is checked against
 * the heap ({@link MemoryBudget}, {@link DiagnosticCode#MEMORY_LIMIT}), so an entry that inflates to gigabytes is
 * refused before it is inflated. Only a regular file is opened ({@link InputFiles#requireRegularFile}).
 *
 * <p>Every failure is a {@link CompilationException} naming the file: {@link DiagnosticCode#WEIGHTS_FILE_MISSING},
 * {@link DiagnosticCode#WEIGHTS_FILE_TRUNCATED}, {@link DiagnosticCode#WEIGHTS_FILE_MALFORMED},
 * {@link DiagnosticCode#UNSUPPORTED_DTYPE}, {@link DiagnosticCode#MEMORY_LIMIT} or, for an I/O error or a file that
 * is not a regular file, {@link DiagnosticCode#FILE_UNREADABLE}.
 */
public final class NpyReader {

    /** The largest header snnc reads; NumPy writes under 200 bytes for any array it supports. */
    public static final int MAX_HEADER_BYTES = 65_536;
    /** The largest data block snnc reads: the largest Java array. */
    public static final int MAX_DATA_BYTES = MemoryBudget.MAX_ARRAY_BYTES;

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int SCRATCH_BYTES = 64 * 1024;

    private NpyReader() {
    }

    /** Reads a {@code .npy} file; diagnostics name it as {@code file.toString()}. */
    public static NpyArray read(Path file) {
        String source = file.toString();
        InputFiles.requireRegularFile(file, SourceSpan.ofFile(source), DiagnosticCode.WEIGHTS_FILE_MISSING);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, Files.size(file), source);
        } catch (IOException e) {
            throw failure(e, source);
        }
    }

    /** Reads an array from the whole of {@code data}. */
    public static NpyArray read(byte[] data, String source) {
        try {
            return read(new ByteArrayInputStream(data), data.length, source);
        } catch (IOException e) {
            throw failure(e, source);
        }
    }

    /**
     * Reads an array from a stream of unknown length, up to its end (the stream must end after the data); it does
     * not close the stream.
     */
    public static NpyArray read(InputStream in, String source) {
        try {
            return read(in, -1, source);
        } catch (IOException e) {
            throw failure(e, source);
        }
    }

    /** Converts an I/O failure while reading {@code source} into a diagnostic. */
    static CompilationException failure(IOException e, String source) {
        SourceSpan span = SourceSpan.ofFile(source);
        if (e instanceof NoSuchFileException) {
            return CompilationException.of(DiagnosticCode.WEIGHTS_FILE_MISSING, span, source);
        }
        if (e instanceof EOFException) {
            return CompilationException.of(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, span, source,
                    "the data ends early (" + reason(e) + ")");
        }
        if (e instanceof ZipException) {
            return CompilationException.of(DiagnosticCode.WEIGHTS_FILE_MALFORMED, span, source, reason(e));
        }
        if (e instanceof AccessDeniedException) {
            return CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, source, "permission denied");
        }
        return CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, source, reason(e));
    }

    static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Reads one array.
     *
     * @param length the bytes the stream holds, or -1 if unknown
     */
    private static NpyArray read(InputStream in, long length, String source) throws IOException {
        Input input = new Input(in, length, source);
        NpyHeader header = header(input);
        byte[] data = readData(input, header);
        if (input.hasMore()) {
            throw input.malformed("bytes follow the " + data.length + " bytes of array data");
        }
        int[] shape = shape(header, input);
        double[] values = decode(data, header.elementType(), header.byteOrder());
        return new NpyArray(header.elementType(), shape,
                header.fortranOrder() ? fortranToC(values, shape) : values);
    }

    /**
     * The shape of the array whose {@code .npy} bytes {@code in} streams, from its header alone: the data are not
     * read, so this costs the header's bytes however large the array. The stream is not closed.
     */
    public static int[] shape(InputStream in, String source) {
        try {
            Input input = new Input(in, -1, source);
            return shape(header(input), input);
        } catch (IOException e) {
            throw failure(e, source);
        }
    }

    /** The array's dimensions, each at most 2^31 − 1. */
    private static int[] shape(NpyHeader header, Input input) {
        int[] shape = new int[header.dims().length];
        for (int i = 0; i < shape.length; i++) {
            if (header.dims()[i] > Integer.MAX_VALUE) {
                throw input.malformed("dimension " + header.dims()[i] + " of shape " + header.shapeText()
                        + " exceeds 2^31-1");
            }
            shape[i] = (int) header.dims()[i];
        }
        return shape;
    }

    /** The magic string, version, header length and header, read and checked. */
    private static NpyHeader header(Input input) throws IOException {
        String source = input.source;
        byte[] preamble = input.readUpTo(MAGIC.length + 2);
        if (!startsWithMagic(preamble)) {
            throw input.malformed("it does not start with the .npy magic string \\x93NUMPY");
        }
        if (preamble.length < MAGIC.length + 2) {
            throw input.truncated("the file ends inside the magic string and version (" + preamble.length + " bytes)");
        }
        int major = preamble[6] & 0xFF;
        int minor = preamble[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw input.malformed("unsupported .npy format version " + major + "." + minor
                    + "; snnc reads 1.0, 2.0 and 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lengthField = input.readUpTo(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw input.truncated("the file ends inside the header length field");
        }
        ByteBuffer field = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? field.getShort() & 0xFFFFL : field.getInt() & 0xFFFF_FFFFL;
        if (headerLength > MAX_HEADER_BYTES) {
            throw input.malformed("the header length field says " + headerLength + " bytes; snnc reads headers of at most "
                    + MAX_HEADER_BYTES);
        }
        if (input.known() && headerLength > input.remaining()) {
            throw input.truncated("the header length field says " + headerLength + " bytes but only "
                    + input.remaining() + " follow");
        }
        byte[] headerBytes = input.readUpTo((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw input.truncated("the header length field says " + headerLength + " bytes but only "
                    + headerBytes.length + " follow");
        }
        return NpyHeader.parse(decodeHeader(headerBytes, major, input), source);
    }

    private static boolean startsWithMagic(byte[] preamble) {
        for (int i = 0; i < Math.min(preamble.length, MAGIC.length); i++) {
            if (preamble[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String decodeHeader(byte[] bytes, int major, Input input) {
        if (major < 3) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw input.malformed("the version 3.0 header is not valid UTF-8");
        }
    }

    /** Reads the data block, checking its declared size against what is there before trusting it. */
    private static byte[] readData(Input input, NpyHeader header) throws IOException {
        long expected = header.dataBytes();
        if (input.known() && expected > input.remaining()) {
            throw input.truncated(shortData(header, input.remaining()));
        }
        if (expected > MAX_DATA_BYTES) {
            if (!input.known()) {
                // Count what is there without keeping it, to tell a lie from an array that is merely too large.
                long available = input.skipUpTo(MAX_DATA_BYTES + 1L);
                if (available <= MAX_DATA_BYTES) {
                    throw input.truncated(shortData(header, available));
                }
            }
            throw input.malformed("the array needs " + header.dataBytesText() + " bytes of data; snnc reads at most "
                    + MAX_DATA_BYTES);
        }
        MemoryBudget.require(readingBytes(header), "reading " + input.source + ", shape " + header.shapeText()
                + " of '" + header.descr() + "',", SourceSpan.ofFile(input.source), "a smaller array");
        byte[] data = input.readUpTo((int) expected);
        if (data.length < expected) {
            throw input.truncated(shortData(header, data.length));
        }
        return data;
    }

    /**
     * The heap that reading an array takes at its peak: the data twice (a stream of unknown length is read in
     * pieces and then joined) and the values as float64 three times (decoded, reordered from Fortran order, and
     * copied by {@link NpyArray}'s constructor).
     */
    private static long readingBytes(NpyHeader header) {
        long elements = header.dataBytes() / header.elementType().itemSize();
        return MemoryBudget.sum(MemoryBudget.product(2, header.dataBytes()),
                MemoryBudget.product(3, Double.BYTES, elements));
    }

    private static String shortData(NpyHeader header, long available) {
        return "the header declares shape " + header.shapeText() + " of '" + header.descr() + "', which needs "
                + header.dataBytesText() + " bytes of data, but only " + available + " bytes follow the header";
    }

    private static double[] decode(byte[] data, NpyElementType type, ByteOrder order) {
        ByteBuffer buffer = ByteBuffer.wrap(data).order(order);
        double[] values = new double[data.length / type.itemSize()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (type) {
                case F2 -> Float16.toDouble(buffer.getShort());
                case F4 -> buffer.getFloat();
                case F8 -> buffer.getDouble();
                case U1 -> buffer.get() & 0xFF;
                case I1 -> buffer.get();
                case U2 -> buffer.getShort() & 0xFFFF;
                case I2 -> buffer.getShort();
                case U4 -> buffer.getInt() & 0xFFFF_FFFFL;
                case I4 -> buffer.getInt();
                case U8 -> unsignedToDouble(buffer.getLong());
                case I8 -> buffer.getLong();
                case B1 -> buffer.get() != 0 ? 1.0 : 0.0;
            };
        }
        return values;
    }

    /**
     * The uint64 whose bits are {@code bits}, rounded to the nearest double: halved with its lowest bit kept as a
     * sticky bit, so that the halving does not round twice, converted, and doubled.
     */
    private static double unsignedToDouble(long bits) {
        return bits >= 0 ? bits : ((bits >>> 1) | (bits & 1)) * 2.0;
    }

    /**
     * Reorders column-major values into row-major: Fortran position f holds index (i₀, …, iₙ₋₁) with i₀ varying
     * fastest; its C position is Σ iₖ·strideₖ with strideₖ = Π_{j>k} dⱼ.
     */
    static double[] fortranToC(double[] fortran, int[] shape) {
        int rank = shape.length;
        if (rank < 2 || fortran.length == 0) {
            return fortran;
        }
        int[] stride = new int[rank];
        stride[rank - 1] = 1;
        for (int k = rank - 2; k >= 0; k--) {
            stride[k] = stride[k + 1] * shape[k + 1];
        }
        double[] c = new double[fortran.length];
        int[] index = new int[rank];
        int at = 0;
        for (double value : fortran) {
            c[at] = value;
            for (int k = 0; k < rank; k++) { // odometer, axis 0 fastest
                at += stride[k];
                if (++index[k] < shape[k]) {
                    break;
                }
                at -= stride[k] * shape[k];
                index[k] = 0;
            }
        }
        return c;
    }

    /** The stream being read, with the count of bytes left when the length is known. */
    private static final class Input {
        private final InputStream in;
        private final long length;
        final String source;
        private long consumed;

        Input(InputStream in, long length, String source) {
            this.in = in;
            this.length = length;
            this.source = source;
        }

        boolean known() {
            return length >= 0;
        }

        long remaining() {
            return length - consumed;
        }

        /** Reads up to {@code n} bytes, fewer only at the end of the stream; allocates as bytes arrive. */
        byte[] readUpTo(int n) throws IOException {
            byte[] bytes = in.readNBytes(n);
            consumed += bytes.length;
            return bytes;
        }

        /** Reads and drops up to {@code n} bytes, returning how many there were. */
        long skipUpTo(long n) throws IOException {
            byte[] scratch = new byte[SCRATCH_BYTES];
            long skipped = 0;
            while (skipped < n) {
                int got = in.read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
                if (got < 0) {
                    break;
                }
                skipped += got;
            }
            consumed += skipped;
            return skipped;
        }

        boolean hasMore() throws IOException {
            return known() ? remaining() > 0 : in.read() >= 0;
        }

        CompilationException malformed(String reason) {
            return CompilationException.of(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SourceSpan.ofFile(source), source,
                    reason);
        }

        CompilationException truncated(String reason) {
            return CompilationException.of(DiagnosticCode.WEIGHTS_FILE_TRUNCATED, SourceSpan.ofFile(source), source,
                    reason);
        }
    }
}
