package org.snnc.emulator.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.snnc.emulator.Chip;
import org.snnc.emulator.EmulatorException;

/**
 * Reads one unsigned-byte array of a NumPy {@code .npz} archive (a zip of {@code .npy} files), and cuts an array of
 * inputs into the images a {@link Chip} loads.
 */
public final class Npz {
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 64;

    /** A u8 array: its shape and its values in C order, widened to int. */
    public record U8Array(int[] shape, int[] values) {}

    private Npz() {}

    /** The u8 array {@code name} of the archive at {@code file}. */
    public static U8Array readU8(Path file, String name) {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.getName().equals(name + ".npy")) {
                    return parseNpy(zip, file.getFileName() + ":" + name);
                }
            }
        } catch (IOException e) {
            throw new EmulatorException(file.getFileName() + ": cannot read the archive: " + e.getMessage());
        }
        throw new EmulatorException(file.getFileName() + ": no array named '" + name + "'");
    }

    /**
     * The images of {@code x} for {@code chip}'s input, as {@link org.snnc.emulator.Emulator#load} takes them: x holds
     * N images, [N, ...input shape], or for a sequence input N sequences of T frames, [N, T, ...input shape], each
     * image then its T frames one after another. {@code where} names x in the error.
     *
     * @throws EmulatorException if x has another shape
     */
    public static int[][] images(U8Array x, Chip chip, String where) {
        int[] frame = chip.configuration().input().shape();
        int leading = chip.sequenceInput() ? 2 : 1;
        int[] shape = x.shape();
        if (shape.length != frame.length + leading
                || !Arrays.equals(Arrays.copyOfRange(shape, leading, shape.length), frame)) {
            throw new EmulatorException(where + ": shape " + Arrays.toString(shape) + " is not "
                    + (chip.sequenceInput() ? "[N, T, " : "[N, ") + Arrays.toString(frame).substring(1)
                    + (chip.sequenceInput() ? ", N sequences of T frames of the input" : ", N images of the input"));
        }
        int count = shape[0];
        int size = count == 0 ? 0 : x.values().length / count;
        int[][] images = new int[count][];
        for (int i = 0; i < count; i++) {
            images[i] = Arrays.copyOfRange(x.values(), i * size, (i + 1) * size);
        }
        return images;
    }

    private static U8Array parseNpy(InputStream in, String where) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII)
                .equals("NUMPY")) {
            throw new EmulatorException(where + ": not a .npy array");
        }
        int headerLength;
        if (magic[6] == 1) {
            byte[] length = in.readNBytes(2);
            headerLength = (length[0] & 0xff) | (length[1] & 0xff) << 8;
        } else {
            byte[] length = in.readNBytes(4);
            headerLength = (length[0] & 0xff) | (length[1] & 0xff) << 8 | (length[2] & 0xff) << 16
                    | (length[3] & 0x7f) << 24;
        }
        String header = new String(in.readNBytes(headerLength), StandardCharsets.ISO_8859_1);
        if (!header.contains("'|u1'") || header.contains("'fortran_order': True")) {
            throw new EmulatorException(where + ": expected a C-order uint8 array, header " + header.trim());
        }
        String shapeText = header.substring(header.indexOf('(') + 1, header.indexOf(')')).trim();
        String[] parts = shapeText.isEmpty() ? new String[0] : shapeText.split(",");
        int dims = 0;
        int[] shape = new int[parts.length];
        long size = 1;
        for (String part : parts) {
            if (!part.isBlank()) {
                shape[dims] = Integer.parseInt(part.trim());
                size *= shape[dims++];
            }
        }
        if (size > MAX_ARRAY_BYTES) {
            throw new EmulatorException(where + ": " + size + " elements are too many");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) size);
        in.transferTo(bytes);
        byte[] raw = bytes.toByteArray();
        if (raw.length < size) {
            throw new EmulatorException(where + ": truncated, " + raw.length + " of " + size + " bytes");
        }
        int[] values = new int[(int) size];
        for (int i = 0; i < values.length; i++) {
            values[i] = raw[i] & 0xff;
        }
        return new U8Array(Arrays.copyOf(shape, dims), values);
    }
}
