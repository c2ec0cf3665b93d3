package org.snnc.compiler.sim;

/**
 * An affine synapse without shift: an event of value s at an index of channel c becomes s·a[c] at the same index.
 * It is a one-to-one synapse, so every event costs one synaptic operation.
 */
final class ChannelScale implements Operation {

    private final int in;
    private final int out;
    private final int perChannel;
    private final double[] scale;

    ChannelScale(int in, int out, int perChannel, double[] scale) {
        this.in = in;
        this.out = out;
        this.perChannel = perChannel;
        this.scale = scale;
    }

    @Override
    public long run(WorkerState state) {
        EventList events = state.events[in];
        EventList y = state.events[out];
        y.clear();
        for (int e = 0; e < events.size; e++) {
            int k = events.index[e];
            y.add(k, events.value[e] * scale[k / perChannel]);
        }
        return events.size;
    }
}
