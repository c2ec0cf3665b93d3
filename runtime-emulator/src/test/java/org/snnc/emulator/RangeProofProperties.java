package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The range proof is sound: on narrow registers and small random neurons, every step it lets go unchecked, simulated
 * exactly with every delivered input the routes allow (random subsets of the weights), keeps the accumulator and the
 * membrane in range.
 */
class RangeProofProperties {

    @Property(tries = 2000)
    void everyUncheckedStepFits(@ForAll @IntRange(min = 3, max = 10) int accumulatorBits,
                                @ForAll @IntRange(min = 3, max = 10) int stateBits,
                                @ForAll @IntRange(min = -600, max = 600) int floorOrNone,
                                @ForAll @IntRange(min = 1, max = 300) int threshold,
                                @ForAll boolean fireAtThreshold,
                                @ForAll boolean resetToZero,
                                @ForAll @IntRange(min = -40, max = 40) int bias,
                                @ForAll @IntRange(min = -300, max = 300) int current,
                                @ForAll @Size(max = 5) List<@IntRange(min = -200, max = 200) Integer> weights,
                                @ForAll @IntRange(min = -600, max = 600) int start,
                                @ForAll long seed) {
        long stateMax = (1L << (stateBits - 1)) - 1;
        long accumulatorMax = (1L << (accumulatorBits - 1)) - 1;
        long value = Math.max(~stateMax, Math.min(stateMax, start));
        long floor = floorOrNone > 0 ? Long.MIN_VALUE : floorOrNone;
        long firesFrom = threshold + (fireAtThreshold ? 0 : 1);
        long most = 0;
        long least = 0;
        for (int weight : weights) {
            most += Math.max(weight, 0);
            least += Math.min(weight, 0);
        }
        RangeProof proof = new RangeProof(accumulatorBits, stateBits, floor);
        long rise = proof.maxRise(current, most, least, bias, firesFrom);
        int unchecked = proof.uncheckedSteps(value, rise, threshold, firesFrom, Schedule.CHUNK);
        Random random = new Random(seed);
        for (int step = 1; step <= unchecked; step++) {
            long delivered = 0;
            for (int weight : weights) {
                delivered += random.nextBoolean() ? weight : 0;
            }
            long accumulated = current + delivered;
            assertTrue(accumulated >= ~accumulatorMax && accumulated <= accumulatorMax,
                    "step " + step + " of " + unchecked + ": accumulator " + accumulated);
            value = Math.max(value + accumulated + bias, floor);
            assertTrue(value >= ~stateMax && value <= stateMax,
                    "step " + step + " of " + unchecked + ": membrane " + value);
            if (value >= firesFrom) {
                value = resetToZero ? 0 : value - threshold;
            }
        }
    }
}
