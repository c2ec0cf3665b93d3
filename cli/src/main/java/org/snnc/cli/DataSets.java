package org.snnc.cli;

import java.nio.file.Path;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.data.InputArrays;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.MemoryBudget;
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
     * the images or sequences for {@code quantized}, whose input's scale is 1, so they are the raw stored values. A
     * sequence's every value must be a count of events, an integer in [0, the configuration's
     * {@code input.max_events}] ({@link DiagnosticCode#DATA_SHAPE_MISMATCH} otherwise).
     */
    static Dataset forChip(Path file, Graph quantized, Chip chip, int limit) {
        return checkedForChip(load(file, quantized, limit), 0, file, quantized, chip);
    }

    /**
     * The inputs [first, end) of {@code file} as {@link #forChip(Path, Graph, Chip, int)} loads them, reading of a
     * folder of shards only those that hold them ({@link Dataset#slice}).
     */
    static Dataset forChip(Path file, Graph quantized, Chip chip, int first, int end) {
        Dataset slice = Dataset.slice(file, quantized.input(), InputArrays.encodingOf(quantized), first, end);
        return checkedForChip(slice, first, file, quantized, chip);
    }

    /**
     * How many labelled inputs {@code file} holds for {@code graph}, at most {@code limit}, from the arrays' headers;
     * refused if there are none.
     */
    static int count(Path file, Graph graph, int limit) {
        int images = Dataset.count(file, graph.input(), InputArrays.encodingOf(graph), limit);
        requireImages(images, file, "evaluation");
        return images;
    }

    /** {@code dataset}, the inputs of {@code file} from {@code first} on, once its sequences are counts of events. */
    private static Dataset checkedForChip(Dataset dataset, int first, Path file, Graph quantized, Chip chip) {
        if (chip.sequenceInput()) {
            int maxEvents = chip.configuration().input().maxEvents();
            int frameSize = quantized.input().shape().size();
            double[][] sequences = dataset.inputs();
            for (int n = 0; n < sequences.length; n++) {
                for (int k = 0; k < sequences[n].length; k++) {
                    double value = sequences[n][k];
                    if (value != Math.rint(value) || value < 0 || value > maxEvents) {
                        throw mismatch(file.toString(), "x[" + (first + n) + ", " + k / frameSize + "] holds " + value
                                + ", which is not a count of events in [0, " + maxEvents + "], the most one element "
                                + "sends in a step (the configuration's input.max_events)");
                    }
                }
            }
        }
        return dataset;
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
