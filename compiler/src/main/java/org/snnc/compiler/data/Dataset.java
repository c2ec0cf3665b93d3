package org.snnc.compiler.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;

/**
 * A labelled data set: an {@code .npz} file (or a folder of them, or a stream of one) with {@code x} (images, or
 * sequences of frames, see {@link InputArrays}) and {@code y} (one integer label per image).
 *
 * @param inputs scaled network inputs, one flat row per image
 * @param labels the class of each image
 */
public record Dataset(double[][] inputs, int[] labels) {

    /** The files of a folder of shards that are read. */
    public static final String SHARD_SUFFIX = ".npz";

    /** Reads at most {@code limit} images of {@code file} as inputs for {@code input}. */
    public static Dataset load(Path file, Input input, int limit) {
        return load(file, input, InputEncoding.ANALOG, limit);
    }

    /**
     * Reads at most {@code limit} images of {@code file} as inputs for {@code input}, laid out as {@code encoding}
     * takes them: sequences of frames {@code [N, T, ...]} for {@link InputEncoding#SEQUENCE}, else images. A folder
     * is a data set in shards: its {@code .npz} files in the order of their names (Unicode order, so
     * {@code part-00010.npz} comes after {@code part-00009.npz} but {@code part-10.npz} before {@code part-9.npz}),
     * read one after another until {@code limit} images are read, as one data set.
     */
    public static Dataset load(Path file, Input input, InputEncoding encoding, int limit) {
        if (Files.isDirectory(file)) {
            return loadShards(file, input, encoding, limit);
        }
        return of(NpzReader.open(file), file.toString(), input, encoding, limit);
    }

    /**
     * Reads at most {@code limit} images of the {@code .npz} archive streamed by {@code in} (which is read to its end
     * and not closed), for a data set that is not a file; {@code source} names it in diagnostics.
     */
    public static Dataset load(InputStream in, String source, Input input, InputEncoding encoding, int limit) {
        return of(NpzReader.read(in, source), source, input, encoding, limit);
    }

    /**
     * The number of images (or sequences) {@code file} holds for {@code input}, at most {@code limit}; of a folder,
     * its shards' together. Only the headers of the {@code x} arrays are read, so a large data set costs nothing here.
     */
    public static int count(Path file, Input input, InputEncoding encoding, int limit) {
        long images = 0;
        for (Path shard : Files.isDirectory(file) ? shards(file) : List.of(file)) {
            if (images >= limit) {
                break;
            }
            images += imagesIn(shard, input, encoding);
        }
        return (int) Math.min(images, limit);
    }

    /**
     * The images [first, end) of {@code file}, as {@link #load(Path, Input, InputEncoding, int)} numbers them (end at
     * most {@link #count}): of a folder, only the shards that hold them are read, so that each of many processes
     * sharing a large data set holds its own part only.
     */
    public static Dataset slice(Path file, Input input, InputEncoding encoding, int first, int end) {
        if (!Files.isDirectory(file)) {
            return load(file, input, encoding, end).range(first, end);
        }
        List<double[]> inputs = new ArrayList<>();
        IntStream.Builder labels = IntStream.builder();
        int start = 0;
        for (Path shard : shards(file)) {
            if (start >= end) {
                break;
            }
            int images = imagesIn(shard, input, encoding);
            if (start + images > first) {
                Dataset part = of(NpzReader.open(shard), shard.toString(), input, encoding, end - start)
                        .range(Math.max(first - start, 0), Math.min(images, end - start));
                inputs.addAll(Arrays.asList(part.inputs()));
                Arrays.stream(part.labels()).forEach(labels);
            }
            start += images;
        }
        return new Dataset(inputs.toArray(double[][]::new), labels.build().toArray());
    }

    /** The images [first, end) of this data set. */
    public Dataset range(int first, int end) {
        return first == 0 && end == size() ? this
                : new Dataset(Arrays.copyOfRange(inputs, first, end), Arrays.copyOfRange(labels, first, end));
    }

    /** The images one shard holds, from its {@code x} array's header. */
    private static int imagesIn(Path shard, Input input, InputEncoding encoding) {
        String source = shard.toString();
        int[] shape = NpzReader.shape(shard, "x").orElseThrow(() -> CompilationException.of(
                DiagnosticCode.DATA_MISSING_ARRAY, SourceSpan.ofFile(source), source, "x"));
        return InputArrays.layout(shape, input, encoding, source + "[x]").images();
    }

    /** The {@code .npz} files of {@code folder}, in the order of their names; at least one. */
    private static List<Path> shards(Path folder) {
        List<Path> shards;
        try (Stream<Path> entries = Files.list(folder)) {
            shards = entries.filter(entry -> entry.getFileName().toString().endsWith(SHARD_SUFFIX))
                    .sorted(Comparator.comparing(entry -> entry.getFileName().toString())).toList();
        } catch (IOException e) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, SourceSpan.ofFile(folder.toString()),
                    folder, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (shards.isEmpty()) {
            throw CompilationException.of(DiagnosticCode.EMPTY_DATA_SET, SourceSpan.ofFile(folder.toString()),
                    folder, "a folder of " + SHARD_SUFFIX + " shards");
        }
        return shards;
    }

    /** The shards of {@code folder} as one data set; see {@link #load(Path, Input, InputEncoding, int)}. */
    private static Dataset loadShards(Path folder, Input input, InputEncoding encoding, int limit) {
        List<Path> shards = shards(folder);
        List<double[]> inputs = new ArrayList<>();
        IntStream.Builder labels = IntStream.builder();
        for (Path shard : shards) {
            if (inputs.size() >= limit) {
                break;
            }
            // A shard is a file: a folder inside the folder is not read as more shards.
            Dataset part = of(NpzReader.open(shard), shard.toString(), input, encoding, limit - inputs.size());
            inputs.addAll(Arrays.asList(part.inputs()));
            Arrays.stream(part.labels()).forEach(labels);
        }
        return new Dataset(inputs.toArray(double[][]::new), labels.build().toArray());
    }

    /** At most {@code limit} images of {@code arrays}, the archive {@code source}. */
    private static Dataset of(Map<String, NpyArray> arrays, String source, Input input, InputEncoding encoding,
            int limit) {
        NpyArray x = require(arrays, "x", source);
        NpyArray y = require(arrays, "y", source);
        double[][] inputs = InputArrays.toInputs(x, input, encoding, source + "[x]", limit);
        // One image or sequence may be stored without its sample axis, as [T, ...] for a sequence.
        int images = InputArrays.layout(x.shape(), input, encoding, source + "[x]").images();
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
