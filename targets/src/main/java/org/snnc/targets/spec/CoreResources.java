package org.snnc.targets.spec;

/**
 * The per-core limits, in the units of the chip's {@link MemoryModel}.
 *
 * @param neurons       neuron memory: compartments (entries model) or padded neuron entries (speck model)
 * @param inputAxons    input axons: distinct source neurons whose spikes the core receives (its fan-in)
 * @param outputAxons   output axon slots: one per (source neuron, destination core) pair the core sends from
 * @param synapseMemory synapse or kernel memory, in the memory model's unit (entries, bits, padded kernel entries)
 * @param biasMemory    bias entries
 */
public record CoreResources(long neurons, long inputAxons, long outputAxons, long synapseMemory, long biasMemory) {
}
