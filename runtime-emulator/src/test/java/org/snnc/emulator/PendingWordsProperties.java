package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * Inputs of neurons summed lane by lane in one word come back out exactly, whatever carries crossed between the lanes,
 * as long as each true sum fits its lane.
 */
class PendingWordsProperties {

    @Property(tries = 300)
    void everyLaneOfASummedWordIsExact(@ForAll("events") List<long[]> events, @ForAll @IntRange(min = 1, max = 3)
            int lanes) {
        PendingWords packing = packing(lanes);
        assertEquals(lanes, packing.lanes);
        long limit = (1L << (packing.width - 1)) - 1;
        long[] sums = new long[lanes];
        long word = 0;
        for (long[] event : events) {
            boolean fits = true;
            for (int lane = 0; lane < lanes; lane++) {
                long weight = event[lane] % limit;
                fits &= Math.abs(sums[lane] + weight) <= limit;
            }
            for (int lane = 0; lane < lanes && fits; lane++) {
                long weight = event[lane] % limit;
                sums[lane] += weight;
                word += PendingWords.inLane(weight, lane, packing.width);
            }
        }
        for (int neuron = 0; neuron < 2 * lanes; neuron++) {
            assertEquals(sums[neuron % lanes], packing.received(word, neuron), "neuron " + neuron);
        }
    }

    @Provide
    Arbitrary<List<long[]>> events() {
        Arbitrary<Long> weight = Arbitraries.oneOf(
                Arbitraries.longs().between(-200, 200),
                Arbitraries.longs().between(Integer.MIN_VALUE, Integer.MAX_VALUE),
                Arbitraries.longs());
        return weight.array(long[].class).ofSize(3).list().ofMaxSize(60);
    }

    /**
     * Six neurons, each fed back by a synapse whose weight sets how wide its per-step input is: −2 keeps three lanes,
     * −2²⁵ two, −2³³ one.
     */
    private static PendingWords packing(int lanes) {
        int exponent = lanes == 3 ? 1 : lanes == 2 ? 25 : 33;
        String text = RecurrenceTest.recurrent(-1, exponent, 6);
        return Chip.build(ConfigurationLoader.parse(text, "r.json"), "r.json").pendingWords[0];
    }
}
