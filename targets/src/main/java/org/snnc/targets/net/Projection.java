package org.snnc.targets.net;

/**
 * The synapses from one source into one population, as one IR conv2d or dense node.
 *
 * @param node    the IR node's name, which names the kernel or matrix in the configuration
 * @param source  the source's name
 * @param target  the population's name
 * @param synapse the connectivity and the integer weights
 */
public record Projection(String node, String source, String target, Synapse synapse) {
}
