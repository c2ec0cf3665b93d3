package org.snnc.targets.spec;

import java.util.Optional;
import org.snnc.compiler.ir.Spelled;

/** How a layer's pieces are costed against a core's memories; the formulas are in {@code docs/chip-spec.md}. */
public enum MemoryModel implements Spelled {
    /**
     * One entry per stored weight: a dense piece stores units × inputs weights, a conv piece stores the shared
     * kernel of the output channels it holds, (C_in/groups)·kh·kw per channel. One neuron entry and one bias entry
     * per neuron.
     */
    ENTRIES("entries"),
    /**
     * Loihi 1 synapse memory, in bits: each input axon's row of synapses is cut into blocks of at most 64, each block
     * costs a 10-bit header plus weightBits per synapse, rounded up to a 64-bit word. One compartment and one bias
     * per neuron.
     */
    LOIHI_BLOCKS("loihi-blocks"),
    /**
     * DYNAP-CNN/Speck, with power-of-two padding: kernel = C_in·2^(⌈log2(kh·kw)⌉ + ⌈log2 C_out⌉),
     * neurons = C_out·2^(⌈log2 H_out⌉ + ⌈log2 W_out⌉), bias = C_out. A dense layer is a conv whose kernel is its
     * whole input.
     */
    SPECK_PADDED("speck-padded");

    private final String spelling;

    MemoryModel(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<MemoryModel> fromSpelling(String word) {
        return Spelled.lookup(MemoryModel.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
