package org.snnc.compiler.data;

import java.util.Arrays;
import java.util.Map;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.SpikeEncoder;

/**
 * Turns a raw NumPy array into network inputs. The array holds one image of the declared shape, or N images as
 * {@code [N, ...shape]}; axes of length 1 may be left out (a network declaring {@code [1,28,28]} takes
 * {@code N×28×28}). A network whose input is a {@link InputEncoding#SEQUENCE} takes sequences of T frames instead,
 * {@code [N, T, ...shape]}, or one sequence {@code [T, ...shape]}; each row then holds its frames one after another.
 * Each value becomes {@code raw · scale}. A float input takes data of any float type (float16, float32, float64);
 * an integer input data of any integer type whose values are all of the declared type.
 */
public final class InputArrays {

    private static final Map<DType, NpyElementType> STORAGE = Map.of(
            DType.U8, NpyElementType.U1, DType.I8, NpyElementType.I1, DType.I32, NpyElementType.I4,
            DType.I64, NpyElementType.I8, DType.F32, NpyElementType.F4, DType.F64, NpyElementType.F8);

    private InputArrays() {
    }

    /**
     * How {@code graph}'s data are laid out: as the encoder that reads its input takes them, and as images for an
     * ANN, whose input no encoder reads yet.
     */
    public static InputEncoding encodingOf(Graph graph) {
        String input = graph.input().name();
        return graph.nodes().values().stream()
                .filter(node -> node instanceof SpikeEncoder encoder && encoder.input().equals(input))
                .map(node -> ((SpikeEncoder) node).encoding()).findFirst().orElse(InputEncoding.ANALOG);
    }

    /** The scaled images, one flat C-order row per image. {@code source} names the array in diagnostics. */
    public static double[][] toInputs(NpyArray raw, Input input, String source, int limit) {
        return toInputs(raw, input, InputEncoding.ANALOG, source, limit);
    }

    /**
     * The scaled inputs, one flat C-order row per image or sequence, as {@code encoding} takes them.
     * {@code source} names the array in diagnostics.
     */
    public static double[][] toInputs(NpyArray raw, Input input, InputEncoding encoding, String source, int limit) {
        checkElementType(raw, input, source);
        int[] shape = raw.shape();
        Layout layout = layout(shape, input, encoding, source);
        int images = layout.images();
        int frames = layout.frames();
        int count = Math.min(images, limit);
        long length = (long) input.shape().size() * frames;
        if (length > Integer.MAX_VALUE) {
            throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(source), source,
                    "a sequence of shape " + Arrays.toString(shape) + " holds more than 2^31-1 values");
        }
        int size = (int) length;
        double[] values = raw.values();
        double scale = input.scale().value();
        double[][] rows = new double[count][size];
        for (int image = 0; image < count; image++) {
            for (int i = 0; i < size; i++) {
                rows[image][i] = values[image * size + i] * scale;
            }
        }
        return rows;
    }

    /**
     * How an array of {@code shape} holds data for {@code input}: {@code images} images (or sequences) of
     * {@code frames} frames each (1 unless the encoding is {@link InputEncoding#SEQUENCE}).
     */
    public record Layout(int images, int frames) {
    }

    /**
     * The layout of data of {@code shape} for {@code input} as {@code encoding} takes them: N images [N, ...] or one
     * image of the input shape; for a sequence input N sequences [N, T, ...] or one [T, ...]. Unit axes are ignored.
     *
     * @throws CompilationException {@link DiagnosticCode#DATA_SHAPE_MISMATCH} for any other shape
     */
    public static Layout layout(int[] shape, Input input, InputEncoding encoding, String source) {
        int[] declared = input.shape().toArray();
        int images;
        int frames = 1;
        if (encoding == InputEncoding.SEQUENCE) {
            if (shape.length > 1 && sameIgnoringUnitAxes(Arrays.copyOfRange(shape, 2, shape.length), declared)) {
                images = shape[0];
                frames = shape[1];
            } else if (shape.length > 0
                    && sameIgnoringUnitAxes(Arrays.copyOfRange(shape, 1, shape.length), declared)) {
                images = 1;
                frames = shape[0];
            } else {
                throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(source), source,
                        "shape " + Arrays.toString(shape) + " is neither N sequences [N, T, ...] nor one sequence "
                                + "[T, ...] of frames of the input shape " + input.shape());
            }
            if (frames == 0) {
                throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(source), source,
                        "shape " + Arrays.toString(shape) + " holds sequences of no frames");
            }
        } else if (sameIgnoringUnitAxes(shape, declared)) {
            images = 1;
        } else if (shape.length > 0 && sameIgnoringUnitAxes(Arrays.copyOfRange(shape, 1, shape.length), declared)) {
            images = shape[0];
        } else {
            throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(source), source,
                    "shape " + Arrays.toString(shape) + " is neither the input shape " + input.shape()
                            + " nor N images of it");
        }
        return new Layout(images, frames);
    }

    /**
     * Refuses data that are not values of the input's type: a float input takes any float storage, an integer input
     * any integer storage whose every value is one of its type (int64 pixels 0…255 for a u8 input), so that the
     * storage a user's tools chose does not matter while float pixels in [0, 1] never pass for integers.
     */
    private static void checkElementType(NpyArray raw, Input input, String source) {
        NpyElementType expected = STORAGE.get(input.dtype());
        NpyElementType stored = raw.elementType();
        boolean floatInput = expected.isFloat();
        if (stored == expected || floatInput && stored.isFloat()) {
            return;
        }
        if (!floatInput && !stored.isFloat() && stored != NpyElementType.B1) {
            for (int i = 0; i < raw.size(); i++) {
                if (!expected.holds(raw.get(i))) {
                    throw CompilationException.of(DiagnosticCode.DATA_DTYPE_MISMATCH, SourceSpan.ofFile(source),
                            source, "x", stored.code(), input.name(), input.dtype(), "; its value " + (long) raw.get(i)
                                    + " at flat index " + i + " is not one");
                }
            }
            return;
        }
        String hint = floatInput && !stored.isFloat()
                ? "; if the model takes scaled pixels, import it with --input-dtype u8 --input-scale 1/255" : "";
        throw CompilationException.of(DiagnosticCode.DATA_DTYPE_MISMATCH, SourceSpan.ofFile(source), source,
                "x", stored.code(), input.name(), input.dtype(), hint);
    }

    private static boolean sameIgnoringUnitAxes(int[] actual, int[] declared) {
        return Arrays.equals(withoutUnitAxes(actual), withoutUnitAxes(declared));
    }

    private static int[] withoutUnitAxes(int[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }
}
