package org.snnc.compiler.sim;

import java.util.Arrays;
import java.util.Optional;
import org.snnc.compiler.ir.Decay;
import org.snnc.compiler.ir.FixedPoint.IntegerDecay;

/**
 * A compiled {@link org.snnc.compiler.ir.IfNeurons} population. Per image its constant current is
 * c = current + (the synaptic input of the analog encoder), computed once, and v starts at v0; each step
 * <pre>
 *   v ← v + input            ({@link #deliver}: the synaptic input of this step's spikes)
 *   v ← v + frame + c;  s = [v ≥ θ];  v ← v − θ·s  (subtract)  or  v ← v·(1 − s)  (zero)     ({@link #fire})
 * </pre>
 * where frame is the synaptic input of this step's frame of a sequence encoder, computed as the step starts.
 * in the order the schedule gives. The spikes go to the population's event list with value 1.
 *
 * <p>With a {@link Decay} (δu, δv) the synaptic input, the analog encoder's included, enters a current u that starts
 * at 0, and only {@code current} is c:
 * <pre>
 *   q ← q + input                                                     ({@link #deliver})
 *   u ← u·(1 − δu) + q + frame + analog;  q ← 0
 *   v ← v·(1 − δv) + u + c;  then the same threshold and reset        ({@link #fire})
 * </pre>
 * so that u takes the input in the step an IF membrane would.
 * A quantized population's {@link IntegerDecay} keeps its integers integers: x·(1 − δ) becomes
 * {@link IntegerDecay#decayed}(x, δ), exact while they stay below 2^53.
 */
final class Population {

    private final int id;
    private final double threshold;
    private final double initialMembrane;
    private final boolean resetToZero;
    /** The decays as fractions δu, δv, or as 12-bit integers for a quantized population; empty without a decay. */
    private final Optional<Decay> decay;
    private final Optional<IntegerDecay> integerDecay;
    private final double[] bias;
    private final Optional<Slot> constantInput;
    private final Optional<Slot> frameInput;
    private final Optional<Slot> dynamicInput;
    private final int spikes;

    Population(int id, double threshold, double initialMembrane, boolean resetToZero, Optional<Decay> decay,
            Optional<IntegerDecay> integerDecay, double[] bias, Optional<Slot> constantInput,
            Optional<Slot> frameInput, Optional<Slot> dynamicInput, int spikes) {
        this.id = id;
        this.decay = decay;
        this.integerDecay = integerDecay;
        this.threshold = threshold;
        this.initialMembrane = initialMembrane;
        this.resetToZero = resetToZero;
        this.bias = bias;
        this.constantInput = constantInput;
        this.frameInput = frameInput;
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
        // A recurrent edge reads the spikes of the previous step, which before the first step are none.
        state.events[spikes].clear();
        Arrays.fill(state.potential[id], initialMembrane);
        double[] c = state.current[id];
        System.arraycopy(bias, 0, c, 0, c.length);
        if (decays()) {
            Arrays.fill(state.synaptic[id], 0.0);
            Arrays.fill(state.drive[id], 0.0);
            Arrays.fill(state.delivered[id], 0.0);
        }
        if (constantInput.isPresent()) {
            state.addValue(constantInput.get(), decays() ? state.drive[id] : c);
        }
    }

    /** v ← v + this step's synaptic input; with a decay, q ← q + input instead. */
    long deliver(WorkerState state) {
        if (dynamicInput.isPresent()) {
            state.addValue(dynamicInput.get(), decays() ? state.delivered[id] : state.potential[id]);
        }
        return 0;
    }

    /** v ← v + frame + c (with a decay, u and then v ← v·(1 − δv) + u + c), then threshold and reset. */
    long fire(WorkerState state) {
        double[] v = state.potential[id];
        if (frameInput.isPresent()) {
            state.addValue(frameInput.get(), decays() ? state.delivered[id] : v);
        }
        double[] c = state.current[id];
        EventList out = state.events[spikes];
        long[] counts = state.neuronSpikes[id];
        out.clear();
        if (decays()) {
            double[] synaptic = state.synaptic[id];
            double[] q = state.delivered[id];
            double[] analog = state.drive[id];
            for (int i = 0; i < v.length; i++) {
                synaptic[i] = decayed(synaptic[i], true) + q[i] + analog[i];
                q[i] = 0;
                v[i] = decayed(v[i], false) + synaptic[i];
            }
        }
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

    private boolean decays() {
        return decay.isPresent() || integerDecay.isPresent();
    }

    /** u (current) or v after its decay: x·(1 − δ), or for integer decays rshift0(x·(4096 − δ)). */
    private double decayed(double x, boolean current) {
        if (integerDecay.isPresent()) {
            IntegerDecay integer = integerDecay.get();
            return IntegerDecay.decayed((long) x, current ? integer.current() : integer.voltage());
        }
        return x * (1 - (current ? decay.get().current() : decay.get().voltage()));
    }
}
