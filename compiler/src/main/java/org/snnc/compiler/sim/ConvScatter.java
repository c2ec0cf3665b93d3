package org.snnc.compiler.sim;

import java.util.Arrays;

/**
 * A conv2d synapse, event-driven: an event of value s at input (c, y, x) adds s·W[f, c − g·C/G, u, v] to output
 * (f, i, j) for every filter f of its group g and every pair (u, i), (v, j) of {@link AxisCover} with
 * i·sH + u − top = y and j·sW + v − left = x. Summed over the events this is the conv2d of Conv2d's Javadoc without
 * bias, and padding is never reached. Its synaptic operations are the fan-out F/G · |rows(y)| · |cols(x)| per event.
 */
final class ConvScatter implements Operation {

    private final int in;
    private final int out;
    private final int height;
    private final int width;
    private final int channelsPerGroup;
    private final int filtersPerGroup;
    private final int kernelH;
    private final int kernelW;
    private final int outW;
    private final int plane;
    private final double[] weight;
    private final AxisCover rows;
    private final AxisCover cols;
    private final int[] fanOut;

    ConvScatter(int in, int out, int[] inShape, int[] outShape, int groups, int kernelH, int kernelW, double[] weight,
            AxisCover rows, AxisCover cols) {
        this.in = in;
        this.out = out;
        this.height = inShape[1];
        this.width = inShape[2];
        this.channelsPerGroup = inShape[0] / groups;
        this.filtersPerGroup = outShape[0] / groups;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.outW = outShape[2];
        this.plane = outShape[1] * outShape[2];
        this.weight = weight;
        this.rows = rows;
        this.cols = cols;
        this.fanOut = fanOut(inShape[0], height, width, filtersPerGroup, rows, cols);
    }

    /** F/G · |rows(y)| · |cols(x)| for every input position (c, y, x). */
    static int[] fanOut(int channels, int height, int width, int filtersPerGroup, AxisCover rows, AxisCover cols) {
        int[] fan = new int[channels * height * width];
        for (int k = 0; k < fan.length; k++) {
            int yx = k % (height * width);
            fan[k] = filtersPerGroup * rows.fanOut(yx / width) * cols.fanOut(yx % width);
        }
        return fan;
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
            ops += fanOut[k];
            int c = k / spatial;
            int row = (k % spatial) / width;
            int col = k % width;
            int group = c / channelsPerGroup;
            int[] us = rows.offsets[row];
            int[] is = rows.outputs[row];
            int[] vs = cols.offsets[col];
            int[] js = cols.outputs[col];
            int firstFilter = group * filtersPerGroup;
            for (int f = firstFilter; f < firstFilter + filtersPerGroup; f++) {
                int kernelBase = (f * channelsPerGroup + c - group * channelsPerGroup) * kernelH * kernelW;
                int outBase = f * plane;
                for (int a = 0; a < us.length; a++) {
                    int w = kernelBase + us[a] * kernelW;
                    int o = outBase + is[a] * outW;
                    for (int b = 0; b < vs.length; b++) {
                        y[o + js[b]] += s * weight[w + vs[b]];
                    }
                }
            }
        }
        return ops;
    }
}
