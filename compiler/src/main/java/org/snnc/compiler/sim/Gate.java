package org.snnc.compiler.sim;

import java.util.OptionalDouble;

/**
 * A maxpool gate (MaxPoolGate's Javadoc). First every input's rate estimate takes this step's value s:
 * r ← r + s (running count), or r ← d·r + (1 − d)·s (exponential moving average, every input decays each step).
 * Then for each event at input k and each window (c, i, j) covering k, the event passes to output (c, i, j) if k is
 * the window's winner: the position of highest r, the first in row-major window order on ties, padding excluded.
 * Blocked events go nowhere, so they cost no synaptic operation.
 */
final class Gate implements Operation {

    private final int in;
    private final int out;
    private final int gate;
    private final int height;
    private final int width;
    private final int kernelH;
    private final int kernelW;
    private final int strideH;
    private final int strideW;
    private final int top;
    private final int left;
    private final int outW;
    private final int plane;
    private final AxisCover rows;
    private final AxisCover cols;
    private final boolean average;
    private final double decay;

    Gate(int in, int out, int gate, int[] inShape, int[] outShape, org.snnc.compiler.ir.Window2d window,
            AxisCover rows, AxisCover cols, OptionalDouble emaDecay) {
        this.in = in;
        this.out = out;
        this.gate = gate;
        this.height = inShape[1];
        this.width = inShape[2];
        this.kernelH = window.kernelH();
        this.kernelW = window.kernelW();
        this.strideH = window.strideH();
        this.strideW = window.strideW();
        this.top = window.padding().top();
        this.left = window.padding().left();
        this.outW = outShape[2];
        this.plane = outShape[1] * outShape[2];
        this.rows = rows;
        this.cols = cols;
        this.average = emaDecay.isPresent();
        this.decay = emaDecay.orElse(0.0);
    }

    @Override
    public long run(WorkerState state) {
        EventList events = state.events[in];
        EventList y = state.events[out];
        double[] r = state.rates[gate];
        y.clear();
        if (average) {
            for (int k = 0; k < r.length; k++) {
                r[k] *= decay;
            }
            for (int e = 0; e < events.size; e++) {
                r[events.index[e]] += (1.0 - decay) * events.value[e];
            }
        } else {
            for (int e = 0; e < events.size; e++) {
                r[events.index[e]] += events.value[e];
            }
        }
        int spatial = height * width;
        for (int e = 0; e < events.size; e++) {
            int k = events.index[e];
            int c = k / spatial;
            for (int i : rows.outputs[(k % spatial) / width]) {
                for (int j : cols.outputs[k % width]) {
                    if (winner(r, c * spatial, i, j) == k) {
                        y.add(c * plane + i * outW + j, events.value[e]);
                    }
                }
            }
        }
        return 0;
    }

    /** The flat input index of the highest r in window (i, j) of the channel starting at {@code base}. */
    private int winner(double[] r, int base, int i, int j) {
        int r0 = i * strideH - top;
        int c0 = j * strideW - left;
        int best = -1;
        double highest = Double.NEGATIVE_INFINITY;
        for (int row = Math.max(0, r0); row < Math.min(height, r0 + kernelH); row++) {
            for (int col = Math.max(0, c0); col < Math.min(width, c0 + kernelW); col++) {
                int k = base + row * width + col;
                if (best < 0 || r[k] > highest) {
                    best = k;
                    highest = r[k];
                }
            }
        }
        return best;
    }
}
