package org.snnc.emulator;

import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.impl.factory.primitive.LongLists;

/**
 * How one core's pending-input registers are packed into 64-bit words, and its synapse runs in the same packing.
 *
 * <p>When no neuron of the core can receive more than 2³¹ − 1 or less than −2³¹ in one step, two neurons share a
 * word: neuron 2p is its low half and 2p+1 its high half, and a run of synapses becomes words (w<sub>2p</sub> +
 * 2³²·w<sub>2p+1</sub>), so one 64-bit add delivers two events. A word then holds L + 2³²·H for the halves' true sums
 * L and H; as both fit in 32 signed bits, L is the word's low 32 bits read as signed and H = (word − L) / 2³², exactly,
 * whatever carries crossed between the halves. Otherwise each neuron has a word of its own.
 */
final class PendingWords {
    /** Neurons per word: 1 or 2. */
    final int lanes;
    /** Words per step, padded to whole cache lines plus one so successive steps' rows fall into other cache sets. */
    final int row;
    /** Run r adds words[start[r] .. start[r+1]) to the row's words from firstWord[r]. */
    final int[] firstWord;
    final int[] start;
    final long[] words;

    private PendingWords(int lanes, int row, int[] firstWord, int[] start, long[] words) {
        this.lanes = lanes;
        this.row = row;
        this.firstWord = firstWord;
        this.start = start;
        this.words = words;
    }

    static PendingWords of(Chip.CoreTables core, long[] mostDelivered, long[] leastDelivered) {
        int lanes = 2;
        for (int i = 0; i < core.neurons; i++) {
            if (mostDelivered[i] > Integer.MAX_VALUE || leastDelivered[i] < Integer.MIN_VALUE) {
                lanes = 1;
            }
        }
        int runs = core.runTarget.length;
        int[] firstWord = new int[runs];
        int[] start = new int[runs + 1];
        MutableLongList words = LongLists.mutable.empty();
        for (int run = 0; run < runs; run++) {
            int first = core.runTarget[run];
            int synapse = core.runSynapse[run];
            int count = core.runSynapse[run + 1] - synapse;
            firstWord[run] = first / lanes;
            start[run] = words.size();
            for (int word = first / lanes; word <= (first + count - 1) / lanes; word++) {
                long[] halves = new long[2];
                for (int lane = 0; lane < lanes; lane++) {
                    int target = word * lanes + lane;
                    if (target >= first && target < first + count) {
                        halves[lane] = core.synapseWeight[synapse + target - first];
                    }
                }
                words.add(lanes == 1 ? halves[0] : pair(halves[0], halves[1]));
            }
        }
        start[runs] = words.size();
        int used = (core.neurons + lanes - 1) / lanes;
        return new PendingWords(lanes, (used + 7) / 8 * 8 + 8, firstWord, start, words.toArray());
    }

    /** The word L + 2³²·H holding {@code low} for an even neuron and {@code high} for the odd one after it. */
    static long pair(long low, long high) {
        return low + (high << 32);
    }

    /** The word holding neuron {@code neuron}'s register within a row. */
    int wordOf(int neuron) {
        return lanes == 1 ? neuron : neuron >> 1;
    }

    /** Neuron {@code neuron}'s sum out of its word. */
    long received(long word, int neuron) {
        if (lanes == 1) {
            return word;
        }
        long low = (int) word;
        return (neuron & 1) == 0 ? low : (word - low) >> 32;
    }
}
