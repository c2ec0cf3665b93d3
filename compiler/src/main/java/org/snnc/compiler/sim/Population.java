package org.snnc.compiler.sim;

import java.util.Arrays;
import java.util.Optional;

/**
 * A compiled {@link org.snnc.compiler.ir.IfNeurons} population. Per image its constant current is
 * c = current + (the synaptic input of the analog encoder), computed once, and v starts at v0; each step
 * <pre>
 *   v ← v + input            ({@link #deliver}: the synaptic input of this step's spikes)
 *   v ← v + c;  s = [v ≥ θ];  v ← v − θ·s  (subtract)  or  v ← v·(1 − s)  (zero)     ({@link #fire})
 * </pre>
 * in the order the schedule gives. The spikes go to the population's event list with value 1.
 */
final class Population {

    private final int id;
    private final double threshold;
    private final double initialMembrane;
    private final boolean resetToZero;
    private final double[] bias;
    private final Optional<Slot> constantInput;
    private final Optional<Slot> dynamicInput;
    private final int spikes;

    Population(int id, double threshold, double initialMembrane, boolean resetToZero, double[] bias, Optional<Slot> constantInput,
            Optional<Slot> dynamicInput, int spikes) {
        this.id = id;
        this.threshold = threshold;
        this.initialMembrane = initialMembrane;
        this.resetToZero = resetToZero;
        this.bias = bias;
        this.constantInput = constantInput;
        this.dynamicInput = dynamicInput;
        this.spikes = spikes;
    }

    int id() {
        return id;
    }

    double threshold() {
        return threshold;
    }

    /** The event list that holds this step's spikes. */
    int spikes() {
        return spikes;
    }

    /** Starts this image: v ← v0 and the constant current; the analog encoder's synaptic input must be in its slot. */
    void start(WorkerState state) {
        Arrays.fill(state.potential[id], initialMembrane);
        double[] c = state.current[id];
        System.arraycopy(bias, 0, c, 0, c.length);
        if (constantInput.isPresent()) {
            state.addValue(constantInput.get(), c);
        }
    }

    /** v ← v + this step's synaptic input. */
    long deliver(WorkerState state) {
        if (dynamicInput.isPresent()) {
            state.addValue(dynamicInput.get(), state.potential[id]);
        }
        return 0;
    }

    /** v ← v + c, then threshold and reset. */
    long fire(WorkerState state) {
        double[] v = state.potential[id];
        double[] c = state.current[id];
        EventList out = state.events[spikes];
        long[] counts = state.neuronSpikes[id];
        out.clear();
        for (int i = 0; i < v.length; i++) {
            double u = v[i] + c[i];
            if (u >= threshold) {
                u = resetToZero ? 0.0 : u - threshold;
                out.add(i, 1.0);
                counts[i]++;
            }
            v[i] = u;
        }
        state.spikeTotals[id] += out.size;
        return 0;
    }
}
