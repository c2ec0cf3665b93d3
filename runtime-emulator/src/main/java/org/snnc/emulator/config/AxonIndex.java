package org.snnc.emulator.config;

import static org.snnc.emulator.config.ConfigurationError.INCONSISTENT;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snnc.emulator.config.Configuration.AxonBlock;

/**
 * A core's axon blocks (runs of consecutive elements of one source on consecutive axons) sorted by first element per
 * source, so that the block an element arrives on is a binary search: resolving a route of n row segments into a core
 * of m blocks costs n·log m, where comparing each segment with every block took minutes for 300k blocks. Sorting also
 * checks, in one sweep, that the core's axon boxes share no element (docs/configuration.md): each element of a
 * source arrives on one axon of a core.
 */
final class AxonIndex {
    /** Per source, its blocks by first element, and their first elements for the search. */
    private final Map<String, AxonBlock[]> blocksBySource = new HashMap<>();
    private final Map<String, int[]> firstsBySource = new HashMap<>();

    /** A block and the path of the axon box it was cut from. */
    record Placed(AxonBlock block, String path) {
    }

    /** Indexes {@code placed} (one core's blocks), reporting every block that repeats an element of an earlier one. */
    AxonIndex(List<Placed> placed, Fields fields) {
        Map<String, List<Placed>> bySource = new HashMap<>();
        placed.forEach(p -> bySource.computeIfAbsent(p.block().source(), s -> new ArrayList<>()).add(p));
        for (Map.Entry<String, List<Placed>> source : bySource.entrySet()) {
            List<Placed> sorted = source.getValue();
            sorted.sort(Comparator.comparingInt(p -> p.block().sourceFirst()));
            Placed reaching = null;
            for (Placed next : sorted) {
                if (reaching != null && next.block().sourceFirst() < end(reaching.block())) {
                    fields.problem(INCONSISTENT, next.path(), "element " + next.block().sourceFirst() + " of '"
                            + source.getKey() + "' also arrives on an axon of " + reaching.path()
                            + "; a core's axon boxes never share an element");
                }
                if (reaching == null || end(next.block()) > end(reaching.block())) {
                    reaching = next;
                }
            }
            blocksBySource.put(source.getKey(), sorted.stream().map(Placed::block).toArray(AxonBlock[]::new));
            firstsBySource.put(source.getKey(), sorted.stream().mapToInt(p -> p.block().sourceFirst()).toArray());
        }
    }

    private static long end(AxonBlock block) {
        return (long) block.sourceFirst() + block.count();
    }

    /** The block holding element {@code element} of {@code source}, or null when no axon of the core carries it. */
    AxonBlock holding(String source, int element) {
        int[] firsts = firstsBySource.get(source);
        if (firsts == null) {
            return null;
        }
        int found = Arrays.binarySearch(firsts, element);
        int last = found >= 0 ? found : -found - 2;
        AxonBlock floor = last < 0 ? null : blocksBySource.get(source)[last];
        return floor != null && element < end(floor) ? floor : null;
    }
}
