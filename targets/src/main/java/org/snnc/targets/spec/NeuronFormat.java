package org.snnc.targets.spec;

import java.util.OptionalLong;
import java.util.Set;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.ResetMode;

/**
 * The integer formats and dynamics of the chip's neurons, all in membrane LSBs.
 *
 * @param thresholdBits   unsigned bits of the threshold mantissa
 * @param thresholdShift  the threshold is mantissa·2^thresholdShift (Loihi: 6)
 * @param biasBits        signed bits of the bias mantissa, sign included
 * @param biasExponentMax the bias is mantissa·2^k with k in [0, biasExponentMax], one k per population
 * @param accumulatorBits signed bits of the per-step synaptic input
 * @param stateBits       signed bits of the membrane
 * @param overflow        what the accumulator and the membrane do outside their range
 * @param membraneFloor   the lowest membrane value, when the chip clamps v from below as part of its dynamics
 * @param fire            the threshold comparison
 * @param resets          the reset modes the chip implements
 */
public record NeuronFormat(
        int thresholdBits,
        int thresholdShift,
        int biasBits,
        int biasExponentMax,
        int accumulatorBits,
        int stateBits,
        Overflow overflow,
        OptionalLong membraneFloor,
        FireComparison fire,
        Set<ResetMode> resets) {

    public NeuronFormat {
        resets = Set.copyOf(resets);
    }

    /** The largest threshold, (2^thresholdBits − 1)·2^thresholdShift. */
    public long maxThreshold() {
        return ((1L << thresholdBits) - 1) << thresholdShift;
    }

    /** The largest bias mantissa magnitude, 2^(biasBits−1) − 1. */
    public long maxBiasMantissa() {
        return (1L << (biasBits - 1)) - 1;
    }
}
