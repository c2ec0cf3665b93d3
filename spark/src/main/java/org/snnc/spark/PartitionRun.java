package org.snnc.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.snnc.cli.EmulationReport;
import org.snnc.cli.RunContext;
import org.snnc.compiler.data.InputArrays;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.emulator.Chip;
import org.snnc.emulator.RunSummary;
import org.snnc.emulator.Runner;
import org.snnc.emulator.config.Configuration;

/**
 * What a task does with its partition's images: the run {@code snnc run} makes of them, on the chip and on the ANN,
 * summarized by {@link EmulationReport#summarize} with the images numbered from 0 within the partition (the driver
 * places the partitions one after another). With an early exit the images run twice, as in {@code snnc run}: a full
 * run gives the frontier, the stopped run the figures.
 *
 * @param directory the broadcast configuration and networks
 * @param model     OUT_DIR as the user named it
 * @param data      the data set as the user named it
 * @param steps     T
 * @param strict    whether a register overflow is an error
 * @param threads   the emulator's threads in one task
 */
record PartitionRun(Broadcast<CompiledDirectory> directory, String model, String data, int steps, boolean strict,
        int threads) implements FlatMapFunction<Iterator<LabelledImages>, RunSummary> {

    private static final long serialVersionUID = 1L;

    /**
     * What a task builds from the configuration, once per configuration and executor: the tasks after the first
     * find it built ({@link #of}).
     *
     * @param folder    where the configuration was written out
     * @param chip      the emulated chip
     * @param quantized the quantized network, whose input reads the stored values as they are
     * @param ann       the source network, or null when compile did not leave it
     */
    record Built(Path folder, Chip chip, Graph quantized, Graph ann) {

        /** What this JVM built, by the configuration's digest. */
        private static final Map<String, Built> BUILT = new ConcurrentHashMap<>();

        static Built of(CompiledDirectory directory) {
            return BUILT.computeIfAbsent(directory.digest(), unused -> from(directory.writtenOut()));
        }

        private static Built from(Path folder) {
            Path ann = folder.resolve("network.snn");
            return new Built(folder, Chip.load(folder.resolve("config.json")), load(folder.resolve("quantized.snn")),
                    Files.isRegularFile(ann) ? load(ann) : null);
        }

        static Graph load(Path network) {
            return ModelLoader.load(network, LoadOptions.DEFAULT).graph();
        }
    }

    @Override
    public Iterator<RunSummary> call(Iterator<LabelledImages> partition) throws IOException {
        Built built = Built.of(directory.value());
        List<RunSummary> summaries = new ArrayList<>();
        while (partition.hasNext()) {
            LabelledImages images = partition.next();
            if (images.y().size() > 0) {
                summaries.add(summarize(built, images));
            }
        }
        return summaries.iterator();
    }

    private RunSummary summarize(Built built, LabelledImages data) throws IOException {
        Chip chip = built.chip();
        String source = data.source() + "[x]";
        int[][] images = Arrays.stream(InputArrays.toInputs(data.x(), built.quantized().input(),
                InputArrays.encodingOf(built.quantized()), source, Integer.MAX_VALUE))
                .map(image -> Arrays.stream(image).mapToInt(value -> (int) value).toArray())
                .toArray(int[][]::new);
        int[] labels = labels(data, chip.classes());
        // An ANN reads one image, not a sequence of frames of events.
        Graph ann = built.ann();
        int[] annClasses = ann == null || chip.sequenceInput() ? null
                : new AnnInterpreter(ann).evaluateBatch(InputArrays.toInputs(data.x(), ann.input(),
                        InputArrays.encodingOf(ann), source, Integer.MAX_VALUE), Set.of(), threads).predictions();
        Optional<Configuration.EarlyExit> earlyExit = chip.configuration().readout().earlyExit();
        RunContext context = RunContext.of(model, this.data, built.folder(), chip, built.quantized(), labels.length,
                steps, earlyExit);
        Runner.Result full = Runner.run(chip, images, steps, threads, strict, Optional.empty(), null);
        Runner.Result result = earlyExit.isEmpty() ? full
                : Runner.run(chip, images, steps, threads, strict, earlyExit, null);
        return EmulationReport.summarize(context, result, full, 0, labels, annClasses, threads);
    }
    /** The labels y, each a class index below {@code classes}. */
    private static int[] labels(LabelledImages data, int classes) {
        double[] raw = data.y().values();
        int[] labels = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != Math.rint(raw[i]) || raw[i] < 0 || raw[i] >= classes) {
                throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(data.source()),
                        data.source(), "label " + raw[i] + " of image " + (data.first() + i) + " is not one of the "
                                + "network's " + classes + " classes");
            }
            labels[i] = (int) raw[i];
        }
        return labels;
    }
}
