package org.snnc.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.data.InputArrays;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.MemoryBudget;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.emulator.Chip;

/**
 * The checks every command makes on a data set before it spends time on it, so that each command refuses the same
 * data with the same code:
 * <ul>
 *   <li>at least one image ({@link DiagnosticCode#EMPTY_DATA_SET}): an accuracy over no images is 0/0;</li>
 *   <li>every label one of the network's classes, 0 ≤ y &lt; the output's size
 *       ({@link DiagnosticCode#DATA_SHAPE_MISMATCH}): a label no prediction can equal would count silently as an
 *       error;</li>
 *   <li>the per-step results of T steps over N images within the heap ({@link #requireStepMemory}).</li>
 * </ul>
 */
final class DataSets {

    /**
     * Heap per step and image that a simulation or an emulation keeps to the end: the default and spike-count
     * predictions (int) and the synaptic operations (long).
     */
    private static final long BYTES_PER_STEP_AND_IMAGE = 16;
    /** Heap per step and worker: its trace of the image it is on (two predictions and the operations). */
    private static final long BYTES_PER_STEP_AND_WORKER = 16;
    /**
     * Heap per step besides images and workers: the per-step rows' array headers and the report's figures at every
     * step (accuracies, operations and their ratio to the MACs).
     */
    private static final long BYTES_PER_STEP = 128;

    private DataSets() {
    }

    /** The first {@code limit} labelled images of {@code file} for {@code graph}, refused if there are none. */
    static Dataset load(Path file, Graph graph, int limit) {
        return requireImages(Dataset.load(file, graph.input(), InputArrays.encodingOf(graph), limit), file,
                "evaluation");
    }

    /**
     * The first {@code limit} labelled inputs of {@code file} as {@code chip} loads them, refused if there are none:
     * for an analog input the images for {@code quantized} (whose input's scale is 1, so they are the raw stored
     * values); for a sequence input the sequences ({@link #loadSequences}).
     */
    static Dataset forChip(Path file, Graph quantized, Chip chip, int limit) {
        if (!chip.sequenceInput()) {
            return load(file, quantized, limit);
        }
        return requireImages(loadSequences(file, chip.configuration().input().shape(),
                chip.configuration().input().maxEvents(), limit), file, "evaluation");
    }

    /**
     * The first {@code limit} labelled sequences of {@code file} for a sequence input of shape S: x holds N sequences
     * of T frames, [N, T, ...S], and y their N labels; each row is the T frames one after another, T·|S| values. Every
     * value must be a count of events, an integer in [0, {@code maxEvents}] ({@link DiagnosticCode#DATA_SHAPE_MISMATCH}
     * otherwise, as for a shape that is not [N, T, ...S]).
     */
    static Dataset loadSequences(Path file, int[] frameShape, int maxEvents, int limit) {
        String source = file.toString();
        Map<String, NpyArray> arrays = NpzReader.open(file);
        NpyArray x = Dataset.require(arrays, "x", source);
        NpyArray y = Dataset.require(arrays, "y", source);
        int[] shape = x.shape();
        if (shape.length != frameShape.length + 2
                || !Arrays.equals(Arrays.copyOfRange(shape, 2, shape.length), frameShape)) {
            throw mismatch(source, "x has shape " + Arrays.toString(shape) + ", but a sequence input of shape "
                    + Arrays.toString(frameShape) + " reads [N, T, " + Arrays.toString(frameShape).substring(1)
                    + ": N sequences of T frames");
        }
        int count = Math.min(shape[0], limit);
        int size = shape[0] == 0 ? 0 : x.size() / shape[0];
        double[] values = x.values();
        double[][] sequences = new double[count][];
        for (int n = 0; n < count; n++) {
            sequences[n] = Arrays.copyOfRange(values, n * size, (n + 1) * size);
            for (int k = 0; k < size; k++) {
                double value = sequences[n][k];
                if (value != Math.rint(value) || value < 0 || value > maxEvents) {
                    throw mismatch(source, "x[" + n + ", " + k / (size / shape[1]) + "] holds " + value
                            + ", which is not a count of events in [0, " + maxEvents + "], the most one element "
                            + "sends in a step (the configuration's input.max_events)");
                }
            }
        }
        return new Dataset(sequences, Dataset.labels(y, shape[0], count, source));
    }

    private static CompilationException mismatch(String source, String why) {
        return CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(source), source, why);
    }

    /** {@code dataset} itself, if it has an image; {@code use} says what it is for, e.g. "calibration". */
    static Dataset requireImages(Dataset dataset, Path file, String use) {
        requireImages(dataset.size(), file, use);
        return dataset;
    }

    /** Refuses 0 images of {@code file}. */
    static void requireImages(int images, Path file, String use) {
        if (images == 0) {
            throw CompilationException.of(DiagnosticCode.EMPTY_DATA_SET, SourceSpan.ofFile(file.toString()), file,
                    use);
        }
    }

    /** Refuses a label that is not one of the classes of {@code graph}'s output. */
    static void requireLabelsWithin(Dataset dataset, Graph graph, Path file) {
        int classes = ShapeInference.infer(graph, new DiagnosticBag()).shape(graph.output()).size();
        int[] labels = dataset.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(file.toString()),
                        file, "label " + labels[i] + " of image " + i + " is not one of the network's " + classes
                                + " classes");
            }
        }
    }

    /**
     * Refuses {@code steps} over {@code images} whose per-step results the heap cannot hold, before the run
     * allocates them: steps · (images · {@value #BYTES_PER_STEP_AND_IMAGE} + min(workers, images) ·
     * {@value #BYTES_PER_STEP_AND_WORKER} + {@value #BYTES_PER_STEP}) bytes, in overflow-checked arithmetic. A
     * worker beyond the images has no image to trace.
     */
    static void requireStepMemory(int steps, int images, int workers, Path file) {
        long perStep = MemoryBudget.sum(MemoryBudget.product(images, BYTES_PER_STEP_AND_IMAGE),
                MemoryBudget.product(Math.min(workers, images), BYTES_PER_STEP_AND_WORKER), BYTES_PER_STEP);
        MemoryBudget.require(MemoryBudget.product(steps, perStep), "running " + images + " image(s) of " + file
                + " for " + steps + " steps", SourceSpan.ofFile(file.toString()), "fewer --steps or a smaller --limit");
    }
}
