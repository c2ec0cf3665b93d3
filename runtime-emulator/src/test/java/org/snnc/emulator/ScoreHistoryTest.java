package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.Configuration.ReadoutWindow;

/** What each step reads over a window, by hand. */
class ScoreHistoryTest {

    /**
     * S(0) = (5, 5) and S(t) = (5 + 3t, 15 − 2t) for t ≥ 1: over the later half step t reads S(t) − S(⌊t/2⌋), which
     * at t = 1 is against S(0); over all steps, S(t) itself. 70 steps outgrow the first 64 rows kept.
     */
    @Test
    void theLaterHalfReadsEachStepLessItsHalfwayScore() {
        ScoreHistory half = new ScoreHistory(ReadoutWindow.HALF, 2);
        ScoreHistory all = new ScoreHistory(ReadoutWindow.ALL, 2);
        half.start(new long[] {5, 5});
        all.start(new long[] {5, 5});
        for (int t = 1; t <= 70; t++) {
            long[] scores = {5 + 3L * t, 15 - 2L * t};
            long[] same = scores.clone();
            half.read(scores);
            all.read(same);
            int s = t / 2;
            assertArrayEquals(new long[] {3L * (t - s), (s == 0 ? 10 : 0) - 2L * (t - s)}, scores, "t = " + t);
            assertArrayEquals(new long[] {5 + 3L * t, 15 - 2L * t}, same, "t = " + t);
        }
    }
}
