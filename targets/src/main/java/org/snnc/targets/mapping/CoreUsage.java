package org.snnc.targets.mapping;

/**
 * What one core uses of each limited resource, in the chip's memory model units.
 *
 * @param neurons       neuron memory
 * @param synapseMemory synapse or kernel memory
 * @param biasMemory    bias entries
 * @param inputAxons    input axons
 * @param outputAxons   output axon slots: (source element, destination core) pairs sent from this core
 * @param destinations  distinct destination cores
 */
public record CoreUsage(long neurons, long synapseMemory, long biasMemory, long inputAxons, long outputAxons,
        int destinations) {
}
