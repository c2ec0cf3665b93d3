package org.snnc.compiler.sim;

import java.util.Arrays;

/**
 * A dense synapse, event-driven: an event of value s at input n adds s·W[u, n] to every unit u. The weight is kept
 * transposed, [N, units], so that the units an event reaches are contiguous. Fan-out: units per event.
 */
final class DenseScatter implements Operation {

    private final int in;
    private final int out;
    private final int units;
    private final double[] transposed;

    /** {@code weight} is the IR's [units, N] matrix in C order. */
    DenseScatter(int in, int out, int inputs, int units, double[] weight) {
        this.in = in;
        this.out = out;
        this.units = units;
        this.transposed = new double[weight.length];
        for (int u = 0; u < units; u++) {
            for (int n = 0; n < inputs; n++) {
                transposed[n * units + u] = weight[u * inputs + n];
            }
        }
    }

    @Override
    public long run(WorkerState state) {
        EventList events = state.events[in];
        double[] y = state.dense[out];
        Arrays.fill(y, 0.0);
        for (int e = 0; e < events.size; e++) {
            double s = events.value[e];
            int row = events.index[e] * units;
            for (int u = 0; u < units; u++) {
                y[u] += s * transposed[row + u];
            }
        }
        return (long) events.size * units;
    }
}
