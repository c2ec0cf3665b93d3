package org.snnc.targets.mapping;

/**
 * Input axons of a core: axons [axonFirst, axonFirst + count) receive the events of source elements
 * [sourceFirst, sourceFirst + count).
 *
 * @param source      the source's name (the input, a population or a gate)
 * @param sourceFirst the first source element
 * @param count       how many consecutive elements
 * @param axonFirst   the core's first axon for them
 */
public record AxonBlock(String source, int sourceFirst, int count, int axonFirst) {
}
