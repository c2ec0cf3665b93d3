package org.snnc.emulator;

/**
 * The per-image proof of which steps of a neuron cannot overflow its registers, so that the {@link Emulator} may skip
 * their range checks. Pure arithmetic on a neuron's parameters and this image's analog current; it reads no state.
 *
 * <p>A neuron's step is a = c + d (c the analog current, d the events delivered, D⁻ ≤ d ≤ D⁺ with D⁺ and D⁻ the sums
 * of the positive and the negative weights of every route reaching it, and of a sequence input's synapses onto it
 * times the most events an element sends in a step), v ← max(v + a + b, floor), and where
 * v ≥ f (f the lowest firing membrane) v ← v − θ, or 0. The accumulator a must fit A bits and v after the floor S
 * bits. {@link #maxRise} gives the most v can rise in a step, u⁺ = c + D⁺ + b, when every a fits and v is held from
 * below; {@link #uncheckedSteps} how many steps from a membrane value then provably fit.
 */
final class RangeProof {
    /** The rise of a neuron whose registers the proof does not bound: every step is checked. */
    static final long UNBOUNDED = Long.MAX_VALUE;

    private final long accumulatorMax;
    private final long stateMax;
    /** The membrane floor, or {@link Long#MIN_VALUE} when the chip has none. */
    private final long floor;

    /** The proof for A = {@code accumulatorBits}, S = {@code stateBits} and the chip's floor (or Long.MIN_VALUE). */
    RangeProof(int accumulatorBits, int stateBits, long floor) {
        this.accumulatorMax = (1L << (accumulatorBits - 1)) - 1;
        this.stateMax = (1L << (stateBits - 1)) - 1;
        this.floor = floor;
    }

    /**
     * The most the membrane can rise in one step, u⁺ = c + D⁺ + b; or {@link #UNBOUNDED} when c + d might leave the
     * accumulator's range for some D⁻ ≤ d ≤ D⁺, when nothing holds the membrane from below (neither a floor within
     * the state's range nor u⁻ = c + D⁻ + b ≥ 0), or when it fires at or below 0 (f < 1).
     */
    long maxRise(long current, long mostDelivered, long leastDelivered, long bias, long firesFrom) {
        if (current > accumulatorMax || current < ~accumulatorMax
                || mostDelivered > accumulatorMax - current || leastDelivered < ~accumulatorMax - current) {
            return UNBOUNDED;
        }
        boolean bounded = floor != Long.MIN_VALUE ? floor >= ~stateMax : current + leastDelivered + bias >= 0;
        return bounded && firesFrom >= 1 ? current + mostDelivered + bias : UNBOUNDED;
    }

    /**
     * How many of the next {@code remaining} steps, at most, provably leave a neuron's registers in range, for a
     * membrane now at {@code value} that rises at most {@code rise} = u⁺ per step ({@link #maxRise}) and fires from
     * f = {@code firesFrom}. With H = max(v, f − 1), after j steps the membrane is at most H + j·max(0, u⁺ − θ):
     * below f it stays below f, and a firing membrane gains at most u⁺ and loses θ. So step j compares at most
     * H + (j − 1)·max(0, u⁺ − θ) + u⁺, and every step fits while that is at most the state's maximum.
     */
    int uncheckedSteps(long value, long rise, long threshold, long firesFrom, int remaining) {
        if (rise == UNBOUNDED) {
            return 0;
        }
        if (rise <= 0) {
            return remaining; // it never rises above H ≤ the state's maximum
        }
        long room = stateMax - rise - Math.max(value, firesFrom - 1);
        if (room < 0) {
            return 0;
        }
        long excess = rise - threshold;
        return excess <= 0 ? remaining : (int) Math.min(remaining, room / excess + 1);
    }

    /** a·b, held at the long range instead of wrapping: a sequence input's bounds multiply weights by event counts. */
    static long saturatingProduct(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long product = a * b;
        return high == product >> 63 ? product : (a < 0) != (b < 0) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    /** a + b, held at the long range instead of wrapping: the delivery bounds sum many weights. */
    static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }
}
