package org.snnc.spark;

import java.util.Arrays;
import java.util.List;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;

/**
 * One partition's images and labels, as an npz holds them: x of shape [n, ...] in its stored element type, y of shape
 * [n].
 *
 * @param source the file or table they come from, for diagnostics
 * @param first the index in the source of the first image, for diagnostics
 * @param x the images (or sequences of frames), raw
 * @param y one label per image
 */
record LabelledImages(String source, int first, NpyArray x, NpyArray y) {

    /** Rows [from, to) of {@code array} along its first axis. */
    static NpyArray rows(NpyArray array, int from, int to) {
        int[] shape = array.shape();
        int count = shape.length == 0 ? 1 : shape[0];
        int row = count == 0 ? 0 : array.size() / count;
        int[] sliced = shape.length == 0 ? new int[] {to - from} : shape.clone();
        sliced[0] = to - from;
        return new NpyArray(array.elementType(), sliced,
                Arrays.copyOfRange(array.values(), from * row, to * row));
    }

    /**
     * Images given as unsigned bytes, one array per image in C order of {@code frame} (or, for a {@code sequence}
     * input, T frames one after another, the same T for every image), and their labels.
     *
     * @throws CompilationException {@link DiagnosticCode#DATA_SHAPE_MISMATCH} if an image's byte count does not fit
     */
    static LabelledImages ofBytes(String source, List<byte[]> images, List<Long> labels, int[] frame,
            boolean sequence) {
        int frameSize = Arrays.stream(frame).reduce(1, Math::multiplyExact);
        int length = images.isEmpty() ? frameSize : images.get(0).length;
        int frames = length / frameSize;
        for (byte[] image : images) {
            if (image.length != length || length % frameSize != 0 || (!sequence && frames != 1)) {
                throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(source), source,
                        "an image x of " + image.length + " bytes is not " + (sequence ? "T frames" : "one image")
                                + " of the input shape " + Arrays.toString(frame) + ", " + frameSize
                                + " bytes each" + (sequence ? ", with the same T in every row" : ""));
            }
        }
        int[] shape = new int[frame.length + (sequence ? 2 : 1)];
        shape[0] = images.size();
        if (sequence) {
            shape[1] = frames;
        }
        System.arraycopy(frame, 0, shape, shape.length - frame.length, frame.length);
        double[] values = new double[images.size() * length];
        for (int i = 0; i < images.size(); i++) {
            byte[] image = images.get(i);
            for (int k = 0; k < length; k++) {
                values[i * length + k] = Byte.toUnsignedInt(image[k]);
            }
        }
        double[] classes = labels.stream().mapToDouble(Long::doubleValue).toArray();
        return new LabelledImages(source, 0, new NpyArray(NpyElementType.U1, shape, values),
                new NpyArray(NpyElementType.I8, new int[] {classes.length}, classes));
    }
}
