package org.snnc.targets.mapping;

/**
 * Where a block of a source's events go: element sourceFirst + k arrives on axon axonFirst + k of core
 * {@code destinationCore}, for k in [0, count).
 *
 * @param source          the source's name
 * @param sourceFirst     the first source element
 * @param count           how many consecutive elements
 * @param destinationCore the receiving core
 * @param axonFirst       the receiving core's first axon
 */
public record Route(String source, int sourceFirst, int count, int destinationCore, int axonFirst) {
}
