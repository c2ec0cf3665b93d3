package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Two neurons' inputs summed in one word come back out exactly, whatever carries crossed between the halves, as long
 * as each true sum fits 32 signed bits.
 */
class PendingWordsProperties {

    @Property(tries = 300)
    void bothHalvesOfASummedWordAreExact(@ForAll("weightPairs") List<long[]> events) {
        long word = 0;
        long low = 0;
        long high = 0;
        for (long[] event : events) {
            if (Math.abs(low + event[0]) > Integer.MAX_VALUE || Math.abs(high + event[1]) > Integer.MAX_VALUE) {
                continue;
            }
            low += event[0];
            high += event[1];
            word += PendingWords.pair(event[0], event[1]);
        }
        PendingWords packing = twoLanes();
        assertEquals(low, packing.received(word, 0));
        assertEquals(high, packing.received(word, 1));
        assertEquals(low, packing.received(word, 6));
        assertEquals(high, packing.received(word, 7));
    }

    @Provide
    Arbitrary<List<long[]>> weightPairs() {
        Arbitrary<Long> weight = Arbitraries.oneOf(
                Arbitraries.longs().between(-200, 200),
                Arbitraries.longs().between(Integer.MIN_VALUE / 2, Integer.MAX_VALUE / 2));
        return weight.list().ofSize(2).map(pair -> new long[] {pair.get(0), pair.get(1)}).list().ofMaxSize(60);
    }

    /** A core of two neurons fed by one run of two synapses with small weights: it packs them into one word. */
    private static PendingWords twoLanes() {
        Chip chip = Chip.build(org.snnc.emulator.config.ConfigurationLoader.parse(
                RecurrenceTest.recurrent(-2), "r.json"), "r.json");
        return chip.pendingWords[0];
    }
}
