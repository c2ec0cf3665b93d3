package org.snnc.targets.net;

/**
 * The synapses from one source into one population, as one IR conv2d or dense node, or the part of one that reads
 * one operand of a concat.
 *
 * @param node    the IR node's name (for the part over a concat operand, {@code node.source}), which names the kernel
 *                or matrix in the configuration
 * @param source  the source's name
 * @param target  the population's name
 * @param synapse the connectivity and the integer weights
 */
public record Projection(String node, String source, String target, Synapse synapse) {
}
