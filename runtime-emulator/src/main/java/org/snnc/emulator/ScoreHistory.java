package org.snnc.emulator;

import java.util.Arrays;
import org.snnc.emulator.config.Configuration.ReadoutWindow;

/**
 * One image's readout scores so far, for a readout over the later half of the steps: with S(t) the scores after step
 * t and S(0) before the first, step t reads S(t) − S(⌊t/2⌋). A readout over all steps reads S(t) itself and keeps
 * nothing, since S(0) = v0 is the same for every class and moves no argmax and no margin.
 */
final class ScoreHistory {

    private final boolean laterHalf;
    private final int classes;
    private long[] rows;
    private int recorded;

    ScoreHistory(ReadoutWindow window, int classes) {
        this.laterHalf = window == ReadoutWindow.HALF;
        this.classes = classes;
        this.rows = new long[laterHalf ? classes * 64 : 0];
    }

    /** Starts an image with S(0). */
    void start(long[] initial) {
        recorded = 0;
        if (laterHalf) {
            append(initial);
        }
    }

    /** Records S(t) of the next step t and turns {@code scores} into what step t reads, in place. */
    void read(long[] scores) {
        if (!laterHalf) {
            return;
        }
        int t = recorded;
        append(scores);
        int from = ReadoutWindow.HALF.start(t) * classes;
        for (int k = 0; k < classes; k++) {
            scores[k] -= rows[from + k];
        }
    }

    private void append(long[] scores) {
        if ((recorded + 1) * classes > rows.length) {
            rows = Arrays.copyOf(rows, rows.length * 2);
        }
        System.arraycopy(scores, 0, rows, recorded * classes, classes);
        recorded++;
    }
}
