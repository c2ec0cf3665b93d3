package org.snnc.compiler.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.snnc.compiler.sim.SpikingNets.blank;
import static org.snnc.compiler.sim.SpikingNets.parse;
import static org.snnc.compiler.sim.SpikingNets.tensor;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.passes.Progress;

/** The early-exit rule on margins worked out by hand, and the float simulator stopped by it. */
class EarlyExitTest {

    private static final double[] MARGINS = {1, 3, 3, 1, 3, 3, 3};

    @Test
    void anImageSettlesAtTheStepThatCompletesItsStreak() {
        assertEquals(3, new EarlyExit(2, 2).exitStep(MARGINS));
        // The dip at t = 4 breaks the streak, which starts again at t = 5.
        assertEquals(7, new EarlyExit(2, 3).exitStep(MARGINS));
        // A margin equal to the bound counts.
        assertEquals(2, new EarlyExit(3, 1).exitStep(MARGINS));
        assertEquals(0, new EarlyExit(4, 1).exitStep(MARGINS));
        assertEquals(0, new EarlyExit(2, 4).exitStep(MARGINS));
    }

    @Test
    void aBoundInThresholdsIsTheLeastIntegerMarginReachingIt() {
        assertEquals(6928, EarlyExit.lsbs(0.5, 13855)); // 6927.5
        assertEquals(200, EarlyExit.lsbs(2, 100));
        assertEquals(0, EarlyExit.lsbs(0, 7));
    }

    @Test
    void aNegativeMarginOrAnEmptyStreakIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyExit(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EarlyExit(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyExit(Double.NaN, 1));
    }

    /**
     * Two classes fed constant currents 3/8 and 1/8 (exact in binary), θ = 1, reset by subtraction: θ·n + v is 3t/8
     * and t/8 after step t, so the margin is t/4 thresholds. A bound of 1 held for 2 steps settles at t = 5.
     */
    @Test
    void theSimulatorStopsAnImageWhenItsReadoutSettles() {
        Graph graph = parse("""
                network two
                input x: f32[2]
                e = encode(x)
                n = if(e, current="n.current")
                output o = readout(n)
                """).weight("n.current", tensor(new int[] {2}, 0.375, 0.125)).build();
        SimulationResult run = new SpikingSimulator(graph, new SimulationOptions(Schedule.PIPELINED, 10, 1,
                Optional.of(new EarlyExit(1, 2)))).run(blank(graph), Progress.NONE);
        assertArrayEquals(new int[] {5}, run.stepsRun());
        double[] margins = run.readoutTrace().margins()[0];
        for (int t = 1; t <= 5; t++) {
            assertEquals(t / 4.0, margins[t - 1]);
        }
        for (int t = 5; t <= 10; t++) {
            assertEquals(0, run.predictions()[t - 1][0]);
            assertEquals(1.25, margins[t - 1], "frozen at the exit");
        }
        // Class 0 spikes at t = 3 and 6 when it runs on; stopped at 5, only the first counts.
        assertEquals(1.0, run.spikesPerLayer().get("n"));
    }
}
