package org.snnc.spark;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.snnc.compiler.data.InputArrays;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.compiler.sim.ExitFrontier;
import org.snnc.emulator.Chip;
import org.snnc.emulator.RunSummary;
import org.snnc.emulator.Runner;
import org.snnc.emulator.config.Configuration;

/**
 * What a task does with its partition's images: the run {@code snnc run} makes of them, on the chip and on the ANN,
 * as one {@link RunSummary} whose images are numbered from 0 within the partition (the driver places the partitions
 * one after another). A run with an early exit is made twice, as {@code snnc run} does: a full run gives the
 * frontier of every exit rule, the stopped run the figures.
 *
 * @param directory     the broadcast configuration and networks
 * @param steps         T
 * @param strict        whether a register overflow is an error
 * @param threads       the emulator's threads in one task
 * @param keptSteps     the steps whose class of every image the report keeps
 */
record PartitionRun(Broadcast<CompiledDirectory> directory, int steps, boolean strict, int threads, int[] keptSteps)
        implements FlatMapFunction<Iterator<LabelledImages>, RunSummary> {

    private static final long serialVersionUID = 1L;

    /**
     * What a task builds from the configuration, once per executor.
     *
     * @param chip      the emulated chip
     * @param quantized the quantized network, whose input reads the stored values as they are
     * @param ann       the source network, or null when compile did not leave it
     */
    record Built(Chip chip, Graph quantized, Graph ann) {

        static Built from(Path folder) {
            Path ann = folder.resolve("network.snn");
            return new Built(Chip.load(folder.resolve("config.json")), load(folder.resolve("quantized.snn")),
                    Files.isRegularFile(ann) ? load(ann) : null);
        }

        private static Graph load(Path network) {
            return ModelLoader.load(network, LoadOptions.DEFAULT).graph();
        }
    }

    @Override
    public Iterator<RunSummary> call(Iterator<LabelledImages> partition) {
        Built built = directory.value().built(Built::from);
        List<RunSummary> summaries = new ArrayList<>();
        partition.forEachRemaining(images -> {
            if (images.y().size() > 0) {
                summaries.add(summarize(built, images));
            }
        });
        return summaries.iterator();
    }

    private RunSummary summarize(Built built, LabelledImages data) {
        Chip chip = built.chip();
        String source = data.source() + "[x]";
        int[][] images = java.util.Arrays.stream(InputArrays.toInputs(data.x(), built.quantized().input(),
                InputArrays.encodingOf(built.quantized()), source, Integer.MAX_VALUE))
                .map(image -> java.util.Arrays.stream(image).mapToInt(value -> (int) value).toArray())
                .toArray(int[][]::new);
        int[] labels = labels(data, chip.classes());
        // An ANN reads one image, not a sequence of frames of events.
        int[] annClasses = built.ann() == null || chip.sequenceInput() ? null
                : new AnnInterpreter(built.ann()).evaluateBatch(InputArrays.toInputs(data.x(), built.ann().input(),
                        source, Integer.MAX_VALUE), Set.of(), threads).predictions();
        Optional<Configuration.EarlyExit> earlyExit = chip.configuration().readout().earlyExit();
        Runner.Result full = Runner.run(chip, images, steps, threads, strict, Optional.empty(), null);
        Runner.Result result = earlyExit.isEmpty() ? full
                : Runner.run(chip, images, steps, threads, strict, earlyExit, null);
        RunSummary summary = RunSummary.of(result, 0, labels, annClasses, keptSteps, threads);
        return chip.configuration().readout().mode() == Configuration.ReadoutMode.MEMBRANE
                ? summary.withFrontier(full, frontierRules(chip.readoutThreshold())) : summary;
    }

    /** The exit rules of {@link ExitFrontier#BOUNDS} × {@link ExitFrontier#STREAKS}, bounds in LSBs of θ. */
    static List<Configuration.EarlyExit> frontierRules(long theta) {
        List<Configuration.EarlyExit> rules = new ArrayList<>();
        for (double bound : ExitFrontier.BOUNDS) {
            for (int streak : ExitFrontier.STREAKS) {
                rules.add(new Configuration.EarlyExit(EarlyExit.lsbs(bound, theta), streak));
            }
        }
        return rules;
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
