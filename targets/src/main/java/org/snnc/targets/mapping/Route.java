package org.snnc.targets.mapping;

/**
 * Where a block of a source's events go: elements [sourceFirst, sourceFirst + count) reach core
 * {@code destinationCore}, each on the axon that core has for it ({@link AxonBlock}).
 *
 * @param source          the source's name
 * @param sourceFirst     the first source element
 * @param count           how many consecutive elements
 * @param destinationCore the receiving core
 */
public record Route(String source, int sourceFirst, int count, int destinationCore) {
}
