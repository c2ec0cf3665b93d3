package org.snnc.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.snnc.compiler.ir.FixedPoint.IntegerDecay;

/**
 * The 12-bit decay as Loihi and lava-dl compute it, and the bound the quantizer relies on: {@link IntegerDecay#decayed}
 * is x·(4096 − δ)/4096 truncated toward zero for every register value, and a synaptic current driven by inputs of
 * magnitude at most A never exceeds A·4096/δu.
 */
class IntegerDecayProperties {

    private static final BigInteger ONE = BigInteger.valueOf(IntegerDecay.ONE);

    @Property(tries = 2000)
    void theDecayTruncatesTheExactProductTowardZero(@ForAll @LongRange(min = -(1L << 61), max = 1L << 61) long x,
            @ForAll @IntRange(min = 0, max = IntegerDecay.ONE) int delta) {
        BigInteger exact = BigInteger.valueOf(x).multiply(BigInteger.valueOf(IntegerDecay.ONE - delta));
        // BigInteger.divide truncates toward zero, as rshift0 does.
        assertEquals(exact.divide(ONE).longValueExact(), IntegerDecay.decayed(x, delta));
    }

    @Property(tries = 300)
    void aCurrentDrivenByBoundedInputsStaysWithinItsBound(@ForAll @IntRange(min = 1, max = 1 << 20) int most,
            @ForAll @IntRange(min = 1, max = IntegerDecay.ONE) int deltaU, @ForAll long seed) {
        Random random = new Random(seed);
        double bound = (double) most * IntegerDecay.ONE / deltaU;
        long u = 0;
        for (int step = 0; step < 500; step++) {
            long input = random.nextBoolean() ? (random.nextBoolean() ? most : -most)
                    : random.nextInt(2 * most + 1) - most;
            u = IntegerDecay.decayed(u, deltaU) + input;
            assertTrue(Math.abs(u) <= bound, "|u| = " + Math.abs(u) + " > A·4096/δu = " + bound);
        }
    }
}
