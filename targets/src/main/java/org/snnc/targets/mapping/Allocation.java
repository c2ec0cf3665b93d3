package org.snnc.targets.mapping;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an allocator put each piece, and what it reports about its choice.
 *
 * @param cores      the core of each piece of the {@link Partition}, in the partition's order; the piece's gate pieces
 *                   go with it
 * @param statistics named figures of the allocator (e.g. {@code cores}, {@code lower-bound}), sorted by name
 */
public record Allocation(List<Integer> cores, Map<String, Long> statistics) {

    public Allocation {
        cores = List.copyOf(cores);
        statistics = Collections.unmodifiableSortedMap(new TreeMap<>(statistics));
    }
}
