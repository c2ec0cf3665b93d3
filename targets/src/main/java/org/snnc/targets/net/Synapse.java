package org.snnc.targets.net;

/**
 * Integer connectivity from a source's elements to a population's neurons. A weight is mantissa·2^exponent membrane
 * LSBs.
 */
public sealed interface Synapse permits ConvSynapse, DenseSynapse {

    /** The power of two every mantissa is shifted by. */
    int exponent();

    /** The mantissas in the IR's weight layout. */
    int[] mantissas();

    /** The number of stored weights: kernel entries for a conv, matrix entries for a dense layer. */
    default int storedWeights() {
        return mantissas().length;
    }
}
