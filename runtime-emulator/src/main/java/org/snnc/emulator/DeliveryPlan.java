package org.snnc.emulator;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One core's synapse segments in its {@link PendingWords} packing: how an event on an axon is added into a row of
 * pending words.
 *
 * <p>Segment s gives stored neurons b .. b+n−1 (b = {@link CoreTables#segmentNeuron}) the weights W[o .. o+n) of its
 * source. With L lanes of width w, neuron t is lane t mod L of word ⌊t/L⌋. The segment is added as: the head word
 * {@code head[s]} (the lanes of its neurons in word ⌊b/L⌋) into word {@code word[s]}; then {@code packedCount[s]}
 * whole words, read from the source's packed form from {@code packedFrom[s]}, into the next words; then
 * {@code tail[s]} (its remaining lanes, if any; 0 otherwise) into the word after them, which a row always has: a row
 * holds at least one word past its neurons' ({@link PendingWords#row}).
 *
 * <p>The packed form of a weight array W holds it in every phase p in [0, L): word m of phase p is
 * Σ<sub>lane</sub> W[m·L + lane − p]·2<sup>w·lane</sup> (0 outside W). Neurons a .. a+L−1 (a a multiple of L) of a
 * segment take W[o + a − b ..], which is word (o + a − b + p)/L of the phase p ≡ b − o (mod L). A kernel slice's
 * packed form is made once per lane count and shared by all cores, so the plan, like the tables, grows with the
 * weights and the segments, not with the synapses. With one lane the packed form is W itself.
 */
final class DeliveryPlan {
    final int[] word;
    final long[] head;
    final long[] tail;
    final int[] packedFrom;
    final int[] packedCount;
    /** Per weight source of the core: its packed form in this core's packing. */
    final long[][] packed;

    private DeliveryPlan(int segments, long[][] packed) {
        this.word = new int[segments];
        this.head = new long[segments];
        this.tail = new long[segments];
        this.packedFrom = new int[segments];
        this.packedCount = new int[segments];
        this.packed = packed;
    }

    /**
     * The plan of {@code core} in {@code packing}; {@code shared} keeps each weight array's packed forms by lane
     * count, so cores with the same packing share them.
     */
    static DeliveryPlan of(CoreTables core, PendingWords packing, Map<long[], long[][]> shared) {
        int lanes = packing.lanes;
        long[][] packed = new long[core.weights.length][];
        for (int source = 0; source < packed.length; source++) {
            long[] weights = core.weights[source];
            packed[source] = shared.computeIfAbsent(weights, w -> new long[4][])[lanes];
            if (packed[source] == null) {
                packed[source] = phases(weights, lanes, packing.width);
                shared.get(weights)[lanes] = packed[source];
            }
        }
        int segments = core.segmentNeuron.length;
        DeliveryPlan plan = new DeliveryPlan(segments, packed);
        for (int s = 0; s < segments; s++) {
            int first = core.segmentNeuron[s];
            int end = first + core.segmentCount[s];
            int aligned = (first / lanes + 1) * lanes;
            plan.word[s] = first / lanes;
            plan.head[s] = lanes(core, s, first, Math.min(end, aligned), lanes, packing.width);
            if (end > aligned) {
                int whole = (end - aligned) / lanes;
                int offset = core.segmentOffset[s] + aligned - first;
                int phase = Math.floorMod(first - core.segmentOffset[s], lanes);
                plan.packedCount[s] = whole;
                plan.packedFrom[s] = lanes == 1 ? offset : phase * phaseLength(weightsLength(core, s), lanes)
                        + (offset + phase) / lanes;
                plan.tail[s] = lanes(core, s, aligned + whole * lanes, end, lanes, packing.width);
            }
        }
        return plan;
    }

    private static int weightsLength(CoreTables core, int segment) {
        return core.weights[core.segmentSource[segment]].length;
    }

    /** Segment s's weights to stored neurons [from, to), all in one word, in their lanes. */
    private static long lanes(CoreTables core, int s, int from, int to, int lanes, int width) {
        long word = 0;
        for (int t = from; t < to; t++) {
            word += PendingWords.inLane(core.weight(s, t - core.segmentNeuron[s]), t % lanes, width);
        }
        return word;
    }

    /** Words per phase of a packed form: enough for W's last weight in the highest phase. */
    private static int phaseLength(int weights, int lanes) {
        return weights / lanes + 2;
    }

    /** The packed form of {@code weights} in every phase, phase after phase (W itself for one lane). */
    static long[] phases(long[] weights, int lanes, int width) {
        if (lanes == 1) {
            return weights;
        }
        int length = phaseLength(weights.length, lanes);
        long[] words = new long[lanes * length];
        for (int phase = 0; phase < lanes; phase++) {
            for (int m = 0; m < length; m++) {
                long word = 0;
                for (int lane = 0; lane < lanes; lane++) {
                    int index = m * lanes + lane - phase;
                    if (index >= 0 && index < weights.length) {
                        word += PendingWords.inLane(weights[index], lane, width);
                    }
                }
                words[phase * length + m] = word;
            }
        }
        return words;
    }

    /** The bytes of the plan's own arrays and of its dense rows' packed form (the kernel slices' not included). */
    long bytes(CoreTables core) {
        long dense = packed[0] == core.weights[0] ? 0 : packed[0].length;
        return (long) word.length * (3 * Integer.BYTES + 2 * Long.BYTES) + dense * Long.BYTES;
    }

    /** A fresh cache of packed forms for {@link #of}. */
    static Map<long[], long[][]> sharedForms() {
        return new IdentityHashMap<>();
    }
}
