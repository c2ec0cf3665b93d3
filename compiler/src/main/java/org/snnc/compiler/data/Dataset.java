package org.snnc.compiler.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;

/**
 * A labelled data set: an {@code .npz} file with {@code x} (images, or sequences of frames, see {@link InputArrays})
 * and {@code y} (one integer label per image).
 *
 * @param inputs scaled network inputs, one flat row per image
 * @param labels the class of each image
 */
public record Dataset(double[][] inputs, int[] labels) {

    /** Reads at most {@code limit} images of {@code file} as inputs for {@code input}. */
    public static Dataset load(Path file, Input input, int limit) {
        return load(file, input, InputEncoding.ANALOG, limit);
    }

    /**
     * Reads at most {@code limit} images of {@code file} as inputs for {@code input}, laid out as {@code encoding}
     * takes them: sequences of frames {@code [N, T, ...]} for {@link InputEncoding#SEQUENCE}, else images.
     */
    public static Dataset load(Path file, Input input, InputEncoding encoding, int limit) {
        String source = file.toString();
        Map<String, NpyArray> arrays = NpzReader.open(file);
        NpyArray x = require(arrays, "x", source);
        NpyArray y = require(arrays, "y", source);
        double[][] inputs = InputArrays.toInputs(x, input, encoding, source + "[x]", limit);
        int images = x.shape().length > 0 ? x.shape()[0] : 1;
        return new Dataset(inputs, labels(y, images, inputs.length, source));
    }

    /**
     * The first {@code count} labels of {@code y}, which must hold one class index for each of {@code images};
     * {@code source} names the file in diagnostics.
     */
    private static int[] labels(NpyArray y, int images, int count, String source) {
        int[] yShape = y.shape();
        if (yShape.length != 1 || yShape[0] != images) {
            throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(source), source,
                    "labels y have shape " + Arrays.toString(yShape) + ", expected [" + images + "]");
        }
        double[] raw = y.values();
        int[] labels = new int[count];
        for (int i = 0; i < labels.length; i++) {
            if (raw[i] != Math.rint(raw[i]) || raw[i] < 0 || raw[i] > Integer.MAX_VALUE) {
                throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(source), source,
                        "label " + raw[i] + " of image " + i + " is not a class index");
            }
            labels[i] = (int) raw[i];
        }
        return labels;
    }

    /** Array {@code key} of an archive's {@code arrays}, which must hold it. */
    private static NpyArray require(Map<String, NpyArray> arrays, String key, String source) {
        NpyArray array = arrays.get(key);
        if (array == null) {
            throw CompilationException.of(DiagnosticCode.DATA_MISSING_ARRAY, SourceSpan.ofFile(source), source, key);
        }
        return array;
    }

    /**
     * How many of {@code predictions} (one class per image, in order) equal the labels.
     *
     * @throws IllegalArgumentException if there is not one prediction per image
     */
    public int correct(int[] predictions) {
        if (predictions.length != labels.length) {
            throw new IllegalArgumentException(predictions.length + " predictions for " + labels.length + " labels");
        }
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predictions[i] == labels[i] ? 1 : 0;
        }
        return correct;
    }

    public int size() {
        return labels.length;
    }
}
