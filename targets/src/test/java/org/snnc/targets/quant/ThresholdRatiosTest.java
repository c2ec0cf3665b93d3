package org.snnc.targets.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Zero-reset spike counts and the ratio they choose, by hand. */
class ThresholdRatiosTest {

    /**
     * z = 0.3 a step from v0 = 0 resets to zero every ⌈R/0.3⌉ steps: every 4 at R = 1, 7 at R = 2, 14 at R = 4, 27
     * at R = 8; n(t) at t = 32, 64, 128, 256 follows.
     */
    @Test
    void aZeroResetNeuronFiresEveryCeilingOfRatioOverInputSteps() {
        assertArrayEquals(new int[] {8, 16, 32, 64}, ThresholdRatios.spikes(0.3, 1, 0));
        assertArrayEquals(new int[] {4, 9, 18, 36}, ThresholdRatios.spikes(0.3, 2, 0));
        assertArrayEquals(new int[] {2, 4, 9, 18}, ThresholdRatios.spikes(0.3, 4, 0));
        assertArrayEquals(new int[] {1, 2, 4, 9}, ThresholdRatios.spikes(0.3, 8, 0));
        // Half a threshold ahead, R = 8 first fires at step 14, then every 27 steps: 41, 68, 95, 122, …, 230.
        assertArrayEquals(new int[] {1, 2, 5, 9}, ThresholdRatios.spikes(0.3, 8, 0.5));
    }

    /**
     * The rate errors (n·R − 0.3·t)/t at the four horizons: R = 1 loses 0.05 at each (squares 0.01 in all), R = 2
     * 0.05 then 0.01875 three times (0.00355), R = 4 0.05 twice and 0.01875 twice (0.0057), R = 8 0.05 three times and
     * 0.01875 (0.00785): R = 2 wins. An input above 1 a step needs R &gt; 1, since at R = 1 the rate stops at 1.
     */
    @Test
    void theRatioOfLeastRateErrorIsChosen() {
        assertEquals(2, ThresholdRatios.best(new double[] {0.3}, 0));
        assertTrue(ThresholdRatios.best(new double[] {1.5}, 0) > 1);
    }
}
