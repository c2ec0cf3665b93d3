package org.snnc.compiler.sim;

import java.util.Arrays;

/**
 * An avgpool synapse, event-driven: an event of value s at (c, y, x) adds s / n(i, j) to every window (c, i, j) that
 * covers it, where n is kH·kW with {@code countIncludePad} and otherwise the number of the window's positions inside
 * the input (AvgPool's Javadoc). Fan-out: the number of windows covering the position (1 when they do not overlap).
 */
final class PoolScatter implements Operation {

    private final int in;
    private final int out;
    private final int height;
    private final int width;
    private final int outW;
    private final int plane;
    private final AxisCover rows;
    private final AxisCover cols;
    private final double[] divisor;

    PoolScatter(int in, int out, int[] inShape, int[] outShape, AxisCover rows, AxisCover cols, double[] divisor) {
        this.in = in;
        this.out = out;
        this.height = inShape[1];
        this.width = inShape[2];
        this.outW = outShape[2];
        this.plane = outShape[1] * outShape[2];
        this.rows = rows;
        this.cols = cols;
        this.divisor = divisor;
    }

    @Override
    public long run(WorkerState state) {
        EventList events = state.events[in];
        double[] y = state.dense[out];
        Arrays.fill(y, 0.0);
        long ops = 0;
        int spatial = height * width;
        for (int e = 0; e < events.size; e++) {
            int k = events.index[e];
            double s = events.value[e];
            int base = (k / spatial) * plane;
            int[] is = rows.outputs[(k % spatial) / width];
            int[] js = cols.outputs[k % width];
            ops += (long) is.length * js.length;
            for (int i : is) {
                for (int j : js) {
                    int window = i * outW + j;
                    y[base + window] += s / divisor[window];
                }
            }
        }
        return ops;
    }
}
