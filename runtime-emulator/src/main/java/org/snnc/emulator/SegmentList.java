package org.snnc.emulator;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.factory.primitive.IntLists;

/**
 * A core's synapse segments as {@link ChipBuilder} finds them, then ordered axon by axon into {@link CoreTables}.
 * Segment (axon, neuron, count, source, offset) gives stored neurons neuron .. neuron+count−1 the weights
 * W_source[offset .. offset+count); a segment that continues the last one added (same axon and source, the next
 * neuron and the next weight) is merged into it.
 */
final class SegmentList {
    private final MutableIntList axon = IntLists.mutable.empty();
    private final MutableIntList neuron = IntLists.mutable.empty();
    private final MutableIntList count = IntLists.mutable.empty();
    private final MutableIntList source = IntLists.mutable.empty();
    private final MutableIntList offset = IntLists.mutable.empty();
    /** The weight sources: 0 is the core's dense rows, given at the end; the others by first use. */
    private final List<long[]> sources = new ArrayList<>(List.of(new long[0]));
    private final Map<long[], Integer> sourceOf = new IdentityHashMap<>();

    /** The source number of {@code weights} (not the dense rows), numbered on first use. */
    int source(long[] weights) {
        return sourceOf.computeIfAbsent(weights, added -> {
            sources.add(added);
            return sources.size() - 1;
        });
    }

    void add(int axon, int neuron, int count, int source, int offset) {
        int last = this.axon.size() - 1;
        if (last >= 0 && this.axon.get(last) == axon && this.source.get(last) == source
                && this.neuron.get(last) + this.count.get(last) == neuron
                && this.offset.get(last) + this.count.get(last) == offset) {
            this.count.set(last, this.count.get(last) + count);
            return;
        }
        this.axon.add(axon);
        this.neuron.add(neuron);
        this.count.add(count);
        this.source.add(source);
        this.offset.add(offset);
    }

    /** Sets the tables' synapses: the segments of {@code axons} axons, each axon's in the order added. */
    void into(CoreTables.Builder tables, int axons, long[] dense) {
        int segments = axon.size();
        int[] axonSegment = new int[axons + 1];
        for (int s = 0; s < segments; s++) {
            axonSegment[axon.get(s) + 1]++;
        }
        for (int a = 0; a < axons; a++) {
            axonSegment[a + 1] += axonSegment[a];
        }
        int[] fill = axonSegment.clone();
        int[][] columns = new int[4][segments];
        for (int s = 0; s < segments; s++) {
            int at = fill[axon.get(s)]++;
            columns[0][at] = neuron.get(s);
            columns[1][at] = count.get(s);
            columns[2][at] = source.get(s);
            columns[3][at] = offset.get(s);
        }
        sources.set(0, dense);
        tables.synapses(axonSegment, columns[0], columns[1], columns[2], columns[3], sources.toArray(long[][]::new));
    }
}
