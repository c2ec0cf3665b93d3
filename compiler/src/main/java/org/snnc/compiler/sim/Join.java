package org.snnc.compiler.sim;

/**
 * An add or a concat of event lists: operand k's events, shifted by {@code offsets[k]}, one list after another. With
 * offsets 0 it is an add (y = Σ x_k, an index may then repeat); with the operands' start indices it is a concat along
 * axis 0, which in C order places operand k's values after those of operands 0 … k−1.
 */
final class Join implements Operation {

    private final int[] operands;
    private final int[] offsets;
    private final int out;

    Join(int[] operands, int[] offsets, int out) {
        this.operands = operands;
        this.offsets = offsets;
        this.out = out;
    }

    @Override
    public long run(WorkerState state) {
        EventList y = state.events[out];
        y.clear();
        for (int k = 0; k < operands.length; k++) {
            EventList x = state.events[operands[k]];
            int offset = offsets[k];
            for (int e = 0; e < x.size; e++) {
                y.add(x.index[e] + offset, x.value[e]);
            }
        }
        return 0;
    }
}
