package org.snnc.compiler.ir;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The integer arithmetic of one quantized IF population, as the quantize pass chooses it for a chip. Every quantity is
 * an integer in one unit, the membrane's least significant bit: the population's threshold θ and current b, and the
 * weights w = m·2^e of every synapse into it, where the mantissa m fits {@code weightBits} signed bits
 * (|m| ≤ 2^(weightBits−1) − 1) and e = {@code weightExponent} ≥ 0 is shared by the population's synapses.
 *
 * <p>Each step, for every neuron i, in this order:
 * <pre>
 *   a  = Σ_j w_ij·s_j                 s_j ∈ {0,1} are this step's input spikes; for the analog input, the raw
 *                                     stored input values (u8 pixels, without the input's scale)
 *   a  ← fit(a, accumulatorBits)      applied once, to the exact sum
 *   v  ← v + a + b_i                  exact
 *   v  ← max(v, membraneFloor)        only when the chip declares a floor, so below it nothing overflows
 *   v  ← fit(v, stateBits)
 *   s_i = v ≥ θ  (ge)  or  v &gt; θ  (gt)
 *   v  ← v − θ·s_i  (subtract)  or  v·(1 − s_i)  (zero)
 * </pre>
 * With a {@link IntegerDecay} (δu, δv), the population is Loihi's CUBA compartment: a synaptic current u, starting
 * at 0 and never reset, sits between the accumulator and the membrane, and both decay, rounding toward zero:
 * <pre>
 *   a  as above, fit to accumulatorBits
 *   u  ← rshift0(u·(4096 − δu)) + a   then u ← fit(u, stateBits)
 *   v  ← rshift0(v·(4096 − δv)) + u + b_i,  then floor, fit, compare and reset as above
 *   rshift0(x) = sign(x)·(|x| &gt;&gt; 12)     ({@link IntegerDecay#decayed})
 * </pre>
 * Without one it is the plain update above, which is the same as δu = 4096, δv = 0.
 *
 * <p>where fit(x, n) applies {@code overflow}: saturate clamps x to [−2^(n−1), 2^(n−1)−1], wrap keeps its low n bits as
 * a two's-complement number. The quantizer chooses θ so that no fit ever changes a value (see the quantize pass);
 * a strict emulator treats any change as an error.
 *
 * @param weightBits      signed bits of a weight mantissa, sign included
 * @param weightExponent  the power of two every weight mantissa of the population's synapses is shifted by
 * @param accumulatorBits signed bits of the per-step synaptic input a
 * @param stateBits       signed bits of the membrane v
 * @param overflow        what {@code fit} does outside the range
 * @param membraneFloor   the lowest membrane value, when the chip clamps v from below as part of its dynamics
 * @param fire            the threshold comparison
 * @param decay           the 12-bit decays of a CUBA population, empty for integrate-and-fire
 */
public record FixedPoint(
        int weightBits,
        int weightExponent,
        int accumulatorBits,
        int stateBits,
        Overflow overflow,
        OptionalLong membraneFloor,
        FireComparison fire,
        Optional<IntegerDecay> decay) {

    /** The arithmetic of an integrate-and-fire population, without decay. */
    public FixedPoint(int weightBits, int weightExponent, int accumulatorBits, int stateBits, Overflow overflow,
            OptionalLong membraneFloor, FireComparison fire) {
        this(weightBits, weightExponent, accumulatorBits, stateBits, overflow, membraneFloor, fire, Optional.empty());
    }

    /** The same arithmetic with the decays {@code newDecay}. */
    public FixedPoint withDecay(Optional<IntegerDecay> newDecay) {
        return new FixedPoint(weightBits, weightExponent, accumulatorBits, stateBits, overflow, membraneFloor, fire,
                newDecay);
    }

    /**
     * The decays δu, δv of a quantized {@link Decay}, in units of 2^−{@value #BITS}: each lies in [0, {@value #ONE}],
     * and a register x decays to {@link #decayed}(x, δ) = rshift0(x·(4096 − δ)), as Loihi and lava-dl's fixed-point
     * CUBA neuron compute it.
     *
     * @param current δu
     * @param voltage δv
     */
    public record IntegerDecay(int current, int voltage) {

        /** The decays' fraction bits. */
        public static final int BITS = 12;
        /** A decay of 1, 2^{@value #BITS}. */
        public static final int ONE = 1 << BITS;

        public IntegerDecay {
            if (current < 0 || current > ONE || voltage < 0 || voltage > ONE) {
                throw new IllegalArgumentException("integer decays lie in [0, " + ONE + "], not δu = " + current
                        + ", δv = " + voltage);
            }
        }

        /** δ = rint(4096·d) for a float decay d, rounding half to even. */
        public static IntegerDecay of(Decay decay) {
            return new IntegerDecay((int) Math.rint(decay.current() * ONE), (int) Math.rint(decay.voltage() * ONE));
        }

        /**
         * sign(x)·(|x|·(4096 − δ) &gt;&gt; 12): x kept by (4096 − δ)/4096, truncated toward zero; computed as
         * q·k + (r·k &gt;&gt; 12) with |x| = 4096·q + r and k = 4096 − δ, so that no product overflows for
         * |x| &lt; 2^62.
         */
        public static long decayed(long x, int delta) {
            long magnitude = Math.abs(x);
            long kept = (magnitude >> BITS) * (ONE - delta) + (((magnitude & (ONE - 1)) * (ONE - delta)) >> BITS);
            return x < 0 ? -kept : kept;
        }
    }

    /** The largest weight mantissa magnitude, 2^(weightBits−1) − 1. */
    public long maxMantissa() {
        return (1L << (weightBits - 1)) - 1;
    }

    /** The largest value a register of {@code bits} signed bits holds, 2^(bits−1) − 1. */
    public static long maxSigned(int bits) {
        return (1L << (bits - 1)) - 1;
    }
}
