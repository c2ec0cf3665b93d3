package org.snnc.targets.mapping;

/**
 * Input axons of a core: axons [axonFirst, axonFirst + count) receive the events of keys [first, first + count) of
 * {@code source}. A key is a source element, or with {@code positions} a position y·W + x of a [C, H, W] source,
 * whose one population axon receives the events of every channel at that position, the channel as the atom.
 *
 * @param source    the source's name (the input, a population or a gate)
 * @param first     the first key
 * @param count     how many consecutive keys
 * @param axonFirst the core's first axon for them
 * @param positions whether the keys are positions (population axons) rather than elements
 */
public record AxonBlock(String source, int first, int count, int axonFirst, boolean positions) {
}
