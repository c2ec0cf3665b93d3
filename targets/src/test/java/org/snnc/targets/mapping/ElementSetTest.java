package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Element sets as runs, by hand and against BitSet. */
class ElementSetTest {

    /** Runs added in any order, overlapping or touching, become the maximal runs of their union. */
    @Test
    void runsAreMergedIntoTheMaximalRunsOfTheirUnion() {
        ElementSet set = new ElementSet.Builder().add(10, 12).add(0, 3).add(3, 5).add(11, 15).add(7, 7).add(20, 21)
                .build();
        assertEquals("{0..4, 10..14, 20..20}", set.toString());
        assertEquals(11, set.size());
        assertEquals(3, set.runs());
    }

    /** count(first, end) is |set ∩ [first, end)|, the union the set of either's members, as BitSet gives them. */
    @Test
    void countAndUnionAgreeWithBitSet() {
        BitSet a = new BitSet();
        BitSet b = new BitSet();
        for (int e = 0; e < 200; e++) {
            if (e % 7 < 3) {
                a.set(e);
            }
            if (e % 11 > 8 || e / 50 == 2) {
                b.set(e);
            }
        }
        ElementSet union = ElementSet.union(List.of(ElementSet.of(a), ElementSet.of(b)));
        BitSet expected = (BitSet) a.clone();
        expected.or(b);
        assertEquals(expected, union.toBitSet());
        assertEquals(ElementSet.of(expected), union);
        for (int first = 0; first < 200; first += 13) {
            for (int end = first; end <= 200; end += 17) {
                assertEquals(expected.get(first, end).cardinality(), union.count(first, end), first + ".." + end);
            }
        }
    }

    /** A lazy set knows its size at once and equals the set its runs make. */
    @Test
    void aLazySetMakesItsRunsWhenAskedAndEqualsThem() {
        ElementSet runs = new ElementSet.Builder().add(4, 9).add(12, 13).build();
        int[] made = {0};
        ElementSet lazy = ElementSet.lazy(6, () -> {
            made[0]++;
            return runs;
        });
        assertEquals(6, lazy.size());
        assertEquals(0, made[0]);
        assertEquals(runs, lazy);
        assertEquals(2, lazy.runs());
        assertEquals(1, made[0]);
    }
}
