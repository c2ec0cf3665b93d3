package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.Configuration.EarlyExit;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * The early exit on two hand-computed classes ({@link StepTest#tiny}): x = 1 drives class 0 by 3 and class 1 by 1 a
 * step, both with θ = 5 and reset by subtraction and no bias, so that θ·n + v = 3t and t after step t and the margin
 * is 2t. With {@code exit_margin} 5 and {@code exit_steps} 2 the margin first reaches 5 at t = 3 and holds at t = 4:
 * the image stops after step 4, read as class 0. Class 0 spikes at t = 2 and 4 (v: 3, 6 → 1, 4, 7 → 2) and would
 * again at t = 5 (2 + 3 = 5); class 1 (v = t) never does before t = 5.
 */
class EarlyExitTest {

    private static final String SETTLING = StepTest.tiny("saturate", "", "ge", "subtract", new long[] {3, 1},
            new long[] {0, 0}, new long[] {5, 5})
            .replace("\"split_layers\":true}", "\"split_layers\":true,\"early_exit\":true}")
            .replace("\"mode\":\"membrane\"", "\"mode\":\"membrane\",\"exit_margin\":5,\"exit_steps\":2");
    private static final int EXIT_STEP = 4;

    private static Chip chip() {
        return Chip.build(ConfigurationLoader.parse(SETTLING, "settling.json"), "settling.json");
    }

    @Test
    void theLoaderReadsTheExit() {
        assertEquals(Optional.of(new EarlyExit(5, 2)), chip().configuration().readout().earlyExit());
    }

    @Test
    void aChunkIsCutAtTheExitStep() {
        Emulator emulator = new Emulator(chip(), true);
        emulator.load(new int[] {1});
        emulator.advance(10);
        assertTrue(emulator.exited());
        assertEquals(EXIT_STEP, emulator.advanced());
        assertEquals(EXIT_STEP, emulator.steps());
        for (int k = 0; k < EXIT_STEP; k++) {
            assertEquals(2L * (k + 1), emulator.margin(k));
            assertEquals(0, emulator.prediction(k));
        }
        // The spike class 0 fires at t = 5, inside the chunk, is not counted.
        assertArrayEquals(new long[] {2}, emulator.spikesPerCore());
        assertThrows(IllegalStateException.class, () -> emulator.advance(1));
    }

    @Test
    void thePlainStepperStopsAtTheSameStep() {
        CycleStepper plain = new CycleStepper(chip(), true);
        plain.load(new int[] {1});
        int steps = 0;
        while (!plain.exited()) {
            plain.step();
            steps++;
            assertEquals(2L * steps, plain.margin());
        }
        assertEquals(EXIT_STEP, steps);
        assertEquals(0, plain.prediction());
    }

    @Test
    void theRunnerFreezesTheImageAfterItsExit() {
        Runner.Result run = Runner.run(chip(), new int[][] {{1}}, 10, 1, true, null);
        assertArrayEquals(new int[] {EXIT_STEP}, run.stepsRun());
        long opsAtExit = run.synapticOps()[0][EXIT_STEP - 1];
        for (int t = EXIT_STEP; t < 10; t++) {
            assertEquals(0, run.predictions()[t][0]);
            assertEquals(opsAtExit, run.synapticOps()[0][t]);
        }
        assertEquals(2 * EXIT_STEP, run.neuronUpdates(), "two neurons updated in each step run");
        assertArrayEquals(new long[] {2}, run.spikesPerCore());
    }

    @Test
    void theRunnersExitReplacesTheConfigurations() {
        // Margin 2t reaches 6 from t = 3; a streak of 3 ends at t = 5.
        Runner.Result run = Runner.run(chip(), new int[][] {{1}}, 10, 1, true,
                Optional.of(new EarlyExit(6, 3)), null);
        assertArrayEquals(new int[] {5}, run.stepsRun());
        Runner.Result never = Runner.run(chip(), new int[][] {{1}}, 10, 1, true, Optional.empty(), null);
        assertArrayEquals(new int[] {10}, never.stepsRun());
        assertEquals(0, never.predictions()[9][0]);
    }
}
