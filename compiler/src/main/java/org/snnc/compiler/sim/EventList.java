package org.snnc.compiler.sim;

/**
 * The nonzero values of one node in one step, as (flat index, value) pairs: spikes (value 1), analog pixels, or
 * spikes scaled by a synapse. An index may repeat (an add of two sources); the value it stands for is then the sum.
 * Its capacity is fixed when it is compiled, so that a step never allocates.
 */
final class EventList {

    final int[] index;
    final double[] value;
    int size;

    EventList(int capacity) {
        this.index = new int[capacity];
        this.value = new double[capacity];
    }

    void clear() {
        size = 0;
    }

    void add(int flatIndex, double v) {
        index[size] = flatIndex;
        value[size] = v;
        size++;
    }
}
