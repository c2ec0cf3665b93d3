package org.snnc.emulator;

/**
 * How one core's pending-input registers are packed into 64-bit words ({@link DeliveryPlan} packs its synapses alike).
 *
 * <p>A word holds the inputs of {@code lanes} consecutive neurons, lane j in bits [w·j, w·j + w) for the lane width
 * w = ⌊64 / lanes⌋: 3 lanes of 21 bits when every neuron of the core receives in one step at least −2²⁰ and at most
 * 2²⁰ − 1, else 2 of 32 bits when the same holds for 2³¹, else one word per neuron. A run of synapses becomes words
 * Σ<sub>j</sub> w<sub>j</sub>·2<sup>w·j</sup>, so one 64-bit add delivers up to {@code lanes} events. A summed word
 * is then Σ<sub>j</sub> S<sub>j</sub>·2<sup>w·j</sup> for the lanes' true sums S<sub>j</sub>, and each comes back
 * exactly whatever carries crossed between lanes: adding 2<sup>w−1</sup> to every lane below j makes them all
 * non-negative and narrower than w bits, so no borrow reaches lane j, whose w bits then read, sign-extended, S<sub>j</sub>.
 */
final class PendingWords {
    /** Neurons per word: 1, 2 or 3. */
    final int lanes;
    /** Bits per lane. */
    final int width;
    /** Words per step, padded to whole cache lines plus one so successive steps' rows fall into other cache sets. */
    final int row;
    /**
     * Per neuron: its word within a row, and how its sum comes out of the word: ((word + offset) · 2^up) >> down,
     * with offset 2<sup>w−1</sup> added to each lane below its own, so none borrows from it, up the shift that brings
     * the top of its lane to bit 63 and down = 64 − w the arithmetic shift that brings it back, sign-extended.
     */
    final int[] wordOf;
    final int[] up;
    final long[] offset;
    final int down;

    private PendingWords(int lanes, int neurons, int row) {
        this.lanes = lanes;
        this.width = Long.SIZE / lanes;
        this.row = row;
        this.wordOf = new int[neurons];
        this.up = new int[neurons];
        this.offset = new long[neurons];
        this.down = Long.SIZE - width;
        for (int neuron = 0; neuron < neurons; neuron++) {
            int lane = neuron % lanes;
            wordOf[neuron] = neuron / lanes;
            up[neuron] = Long.SIZE - width * (lane + 1);
            for (int below = 0; below < lane; below++) {
                offset[neuron] += 1L << (width * below + width - 1);
            }
        }
    }

    /**
     * The packing of {@code neurons} registers for inputs between the least and the most any neuron's routes can
     * deliver in one step.
     */
    static PendingWords of(int neurons, long[] mostDelivered, long[] leastDelivered) {
        long most = 0;
        long least = 0;
        for (int i = 0; i < neurons; i++) {
            most = Math.max(most, mostDelivered[i]);
            least = Math.min(least, leastDelivered[i]);
        }
        int lanes = 1;
        for (int candidate = 3; candidate > 1 && lanes == 1; candidate--) {
            long half = 1L << (Long.SIZE / candidate - 1);
            lanes = most < half && least >= -half ? candidate : 1;
        }
        int used = (neurons + lanes - 1) / lanes;
        return new PendingWords(lanes, neurons, (used + 7) / 8 * 8 + 8);
    }

    /** A weight placed in lane {@code lane} of a word with lanes {@code width} bits wide. */
    static long inLane(long weight, int lane, int width) {
        return weight << (width * lane);
    }

    /** Neuron {@code neuron}'s sum out of its word. */
    long received(long word, int neuron) {
        return ((word + offset[neuron]) << up[neuron]) >> down;
    }
}
