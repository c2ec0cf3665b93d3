package org.snnc.cli;

import java.util.Arrays;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.compiler.sim.ExitFrontier;
import org.snnc.emulator.Runner;

/**
 * The early-exit figures of emulator runs, whose margins are in membrane LSBs: a bound of B thresholds is
 * {@link EarlyExit#lsbs}(B, θ) LSBs, θ the readout population's threshold.
 */
public final class EmulatedExits {

    private EmulatedExits() {
    }

    /** Per image and step, the class, the margin in LSBs and the operations through the step. */
    public static ExitFrontier.ReadoutTrace trace(Runner.Result run) {
        double[][] margins = Arrays.stream(run.margins())
                .map(image -> Arrays.stream(image).asDoubleStream().toArray()).toArray(double[][]::new);
        double[][] ops = Arrays.stream(run.synapticOps())
                .map(image -> Arrays.stream(image).asDoubleStream().toArray()).toArray(double[][]::new);
        return new ExitFrontier.ReadoutTrace(run.predictions(), margins, ops);
    }

    /** What a run stopped by an early exit of {@code bound} thresholds and streak {@code streak} gave. */
    public static ExitFrontier.Point point(Runner.Result run, double bound, int streak, int[] labels) {
        return ExitFrontier.ofRun(trace(run), run.stepsRun(), bound, streak, labels);
    }
}
