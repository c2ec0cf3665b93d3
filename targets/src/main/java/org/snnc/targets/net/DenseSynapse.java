package org.snnc.targets.net;

/**
 * A weight matrix: target neuron u receives Σ_i W[u, i]·s[i] over the source's flat elements.
 *
 * @param inputs    the source's size
 * @param units     the target's size
 * @param mantissas W as [units, inputs], row-major
 * @param exponent  the shift of every mantissa
 */
public record DenseSynapse(int inputs, int units, int[] mantissas, int exponent) implements Synapse {
}
