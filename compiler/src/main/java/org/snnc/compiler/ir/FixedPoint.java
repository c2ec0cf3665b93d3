package org.snnc.compiler.ir;

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
 * where fit(x, n) applies {@code overflow}: saturate clamps x to [−2^(n−1), 2^(n−1)−1], wrap keeps its low n bits as
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
 */
public record FixedPoint(
        int weightBits,
        int weightExponent,
        int accumulatorBits,
        int stateBits,
        Overflow overflow,
        OptionalLong membraneFloor,
        FireComparison fire) {

    /** The largest weight mantissa magnitude, 2^(weightBits−1) − 1. */
    public long maxMantissa() {
        return (1L << (weightBits - 1)) - 1;
    }

    /** The largest value a register of {@code bits} signed bits holds, 2^(bits−1) − 1. */
    public static long maxSigned(int bits) {
        return (1L << (bits - 1)) - 1;
    }
}
