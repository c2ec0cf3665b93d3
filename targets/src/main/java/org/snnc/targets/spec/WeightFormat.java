package org.snnc.targets.spec;

/**
 * A weight is m·2^e membrane LSBs: a signed mantissa of {@code bits} bits (|m| ≤ 2^(bits−1)−1) and an exponent e in
 * [exponentMin, exponentMax], shared by the synapses into one population. Both exponent bounds are ≥ 0, so every
 * weight is an integer number of LSBs; Loihi's e ∈ [−7, 7] with its fixed 2^7 shift is [0, 14] here.
 */
public record WeightFormat(int bits, int exponentMin, int exponentMax) {

    public long maxMantissa() {
        return (1L << (bits - 1)) - 1;
    }
}
