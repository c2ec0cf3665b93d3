package org.snnc.compiler.io.npy;

import org.snnc.compiler.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Tensor;

/**
 * Writes one array as a {@code .npy} file, byte for byte as {@code np.save} writes it: format version 1.0,
 * little-endian, C order, and the header {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}
 * followed by {@code 21 - len(str(shape[0]))} spaces (NumPy's room to grow the first axis in place, none for a
 * scalar), then padded with spaces and a final {@code '\n'} so that the data starts at a multiple of
 * {@value #ALIGN} bytes.
 */
public final class NpyWriter {

    /** The data starts at a multiple of this many bytes, as NumPy aligns it. */
    static final int ALIGN = 64;
    /** NumPy leaves room for the first axis to grow to this many digits. */
    private static final int GROWTH_DIGITS = 21;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int PREAMBLE_BYTES = NpyReader.MAGIC.length + 2 + 2;

    private NpyWriter() {
    }

    /** Writes an array to a stream, which it does not close. */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array.elementType(), array.shape()));
        ByteBuffer data = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < array.size(); i++) {
            if (data.remaining() < Long.BYTES) {
                out.write(data.array(), 0, data.position());
                data.clear();
            }
            double v = array.get(i);
            switch (array.elementType()) {
                case F2 -> data.putShort(Float16.fromDouble(v));
                case F4 -> data.putFloat((float) v);
                case F8 -> data.putDouble(v);
                case U1, I1, B1 -> data.put((byte) (int) v);
                case U2, I2 -> data.putShort((short) (int) v);
                case U4 -> data.putInt((int) (long) v);
                case I4 -> data.putInt((int) v);
                // Beyond 2^63 the value is 2^63 + r, written as r with the top bit set; 2^64 is uint64 max.
                case U8 -> data.putLong(v >= 0x1p64 ? -1L : v >= 0x1p63 ? (long) (v - 0x1p63) | Long.MIN_VALUE
                        : (long) v);
                case I8 -> data.putLong((long) v);
            }
        }
        out.write(data.array(), 0, data.position());
    }

    /**
     * Writes an array to a file atomically.
     *
     * @throws CompilationException {@link DiagnosticCode#FILE_UNWRITABLE} if the file cannot be written
     */
    public static void write(Path file, NpyArray array) {
        AtomicFiles.write(file, out -> write(out, array));
    }

    /** Writes a tensor to a file atomically, as {@code <f4} when that is lossless, else {@code <f8}. */
    public static void write(Path file, Tensor tensor) {
        write(file, NpyArray.of(tensor));
    }

    /** The magic string, version 1.0, header length and padded header, for a C-order little-endian array. */
    static byte[] header(NpyElementType type, int[] shape) {
        String dict = "{'descr': '" + type.descr() + "', 'fortran_order': False, 'shape': "
                + NpyArray.shapeText(Arrays.stream(shape).mapToObj(Integer::toString).toArray(String[]::new)) + ", }";
        if (shape.length > 0) {
            dict += " ".repeat(GROWTH_DIGITS - Integer.toString(shape[0]).length());
        }
        // The padding is 1 to ALIGN spaces (never 0), then the newline.
        int padding = ALIGN - (PREAMBLE_BYTES + dict.length() + 1) % ALIGN;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer header = ByteBuffer.allocate(PREAMBLE_BYTES + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        header.put(NpyReader.MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        header.put(text.getBytes(StandardCharsets.US_ASCII));
        return header.array();
    }
}
