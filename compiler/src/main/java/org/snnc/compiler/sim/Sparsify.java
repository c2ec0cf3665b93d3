package org.snnc.compiler.sim;

/**
 * The nonzero elements of a dense slot as events, for a synapse that reads the output of a weighted synapse (a
 * conv2d feeding an affine, say). Skipping zeros leaves every sum unchanged.
 */
final class Sparsify implements Operation {

    private final int in;
    private final int out;

    Sparsify(int in, int out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public long run(WorkerState state) {
        double[] x = state.dense[in];
        EventList y = state.events[out];
        y.clear();
        for (int k = 0; k < x.length; k++) {
            if (x[k] != 0.0) {
                y.add(k, x[k]);
            }
        }
        return 0;
    }
}
