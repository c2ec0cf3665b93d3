package org.snnc.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.ChipCompiler;
import org.snnc.targets.ChipCompiler.CompiledChip;
import org.snnc.targets.spec.ChipSpec;

/**
 * Times what a benchmark or compile test does around {@link ChipCompiler}: its own stages (building, exporting or
 * importing a network, emulating) beside the compiler's, which it hears of as each ends, so that a refused network
 * still shows the stages it went through. One instance per compile.
 */
public final class ChipCompilation {

    /** One timed stage. */
    public record Stage(String name, long nanos) {
    }

    private final ChipSpec chip;
    private final List<Stage> stages = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public ChipCompilation(ChipSpec chip) {
        this.chip = chip;
    }

    /**
     * Compiles {@code graph} with {@code calibration} and the default options, as {@code snnc compile} does; a refusal
     * is a CompilationException.
     */
    public CompiledChip compile(Graph graph, double[][] calibration, int threads) {
        ChipCompiler.Options options = ChipCompiler.Options.defaults().withListener(new ChipCompiler.Listener() {
            @Override
            public void note(String note) {
                notes.add(note);
            }

            @Override
            public void stage(ChipCompiler.Stage stage) {
                stages.add(new Stage(stage.name().equals("conversion") ? "conversion (" + calibration.length
                        + " calibration images)" : stage.name(), stage.nanos()));
            }
        });
        return ChipCompiler.compile(graph, chip, options,
                new CompilationInputs(Optional.of(calibration), threads, Progress.NONE));
    }

    /** Records a stage timed outside, such as building or importing the network. */
    public void record(String stage, long nanos) {
        stages.add(new Stage(stage, nanos));
    }

    public ChipSpec chip() {
        return chip;
    }

    /** The stages so far, in order. */
    public List<Stage> stages() {
        return List.copyOf(stages);
    }

    /** What the chip forced on the conversion. */
    public List<String> notes() {
        return List.copyOf(notes);
    }
}
