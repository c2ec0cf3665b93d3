package org.snnc.emulator;

import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.impl.factory.primitive.LongLists;

/**
 * How one core's pending-input registers are packed into 64-bit words, and its synapse runs in the same packing.
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
    /** Run r adds words[start[r] .. start[r+1]) to the row's words from firstWord[r]. */
    final int[] firstWord;
    final int[] start;
    final long[] words;
    /**
     * Per neuron: its word within a row, and how its sum comes out of the word: ((word + offset) · 2^up) >> down,
     * with offset 2<sup>w−1</sup> added to each lane below its own, so none borrows from it, up the shift that brings
     * the top of its lane to bit 63 and down = 64 − w the arithmetic shift that brings it back, sign-extended.
     */
    final int[] wordOf;
    final int[] up;
    final long[] offset;
    final int down;

    private PendingWords(int lanes, int neurons, int row, int[] firstWord, int[] start, long[] words) {
        this.lanes = lanes;
        this.width = Long.SIZE / lanes;
        this.row = row;
        this.firstWord = firstWord;
        this.start = start;
        this.words = words;
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

    static PendingWords of(Chip.CoreTables core, long[] mostDelivered, long[] leastDelivered) {
        long most = 0;
        long least = 0;
        for (int i = 0; i < core.neurons; i++) {
            most = Math.max(most, mostDelivered[i]);
            least = Math.min(least, leastDelivered[i]);
        }
        int lanes = 1;
        for (int candidate = 3; candidate > 1 && lanes == 1; candidate--) {
            long half = 1L << (Long.SIZE / candidate - 1);
            lanes = most < half && least >= -half ? candidate : 1;
        }
        int runs = core.runTarget.length;
        int[] firstWord = new int[runs];
        int[] start = new int[runs + 1];
        MutableLongList words = LongLists.mutable.empty();
        int width = Long.SIZE / lanes;
        for (int run = 0; run < runs; run++) {
            int first = core.runTarget[run];
            int synapse = core.runSynapse[run];
            int count = core.runSynapse[run + 1] - synapse;
            firstWord[run] = first / lanes;
            start[run] = words.size();
            for (int word = first / lanes; word <= (first + count - 1) / lanes; word++) {
                long packed = 0;
                for (int lane = 0; lane < lanes; lane++) {
                    int target = word * lanes + lane;
                    if (target >= first && target < first + count) {
                        packed += inLane(core.synapseWeight[synapse + target - first], lane, width);
                    }
                }
                words.add(packed);
            }
        }
        start[runs] = words.size();
        int used = (core.neurons + lanes - 1) / lanes;
        return new PendingWords(lanes, core.neurons, (used + 7) / 8 * 8 + 8, firstWord, start, words.toArray());
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
