package org.snnc.targets.mapping;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one tile of a population asks of the core that holds it, as the {@link ResourceModel} costs it. The tile
 * carries the tiles of the gate units on its population's output whose windows it holds; they live on the same core.
 * A gate whose windows overlap or are padded reads rows and columns beyond the tile: the core then also updates
 * <em>replicas</em> of those neighbouring neurons, the box {@code computed} less the tile. A replica receives the
 * same synapses and bias as the neuron it copies, so it spikes alike; it feeds the local gate and is never routed.
 *
 * @param tile          the population tile: the neurons this core owns and sends
 * @param computed      the box of neurons the core updates: the tile and the windows of its gate tiles
 * @param gates         the gate tiles on its output (none when the population has no gate)
 * @param neurons       neuron memory, in the memory model's unit
 * @param synapseMemory synapse or kernel memory, in the memory model's unit
 * @param biasMemory    bias entries
 * @param inputs        for each source the tile reads, in network order, the source elements whose events it needs:
 *                      the union of the receptive fields of its neurons over all its projections
 * @param axons         for each source of {@code inputs}, the input axons its needed elements arrive on: the elements
 *                      themselves, or their positions on a chip with population axons
 * @param sentElements  Σ over the tile's and its gate tiles' elements of the output axons their reader tiles take,
 *                      ⌈readers/m⌉ with multicast width m (one per element read when the readers are not cut yet),
 *                      times the output-axon slots an axon takes: the most output axons they can take, one per
 *                      destination core or per m of them, wherever the reader tiles land
 * @param traffic       an estimate of the synaptic events the tile's spikes cause, for balancing cores
 */
public record PieceDemand(Tile tile, Tile computed, List<Tile> gates, long neurons, long synapseMemory, long biasMemory,
        Map<String, ElementSet> inputs, Map<String, ElementSet> axons, long sentElements, long traffic) {

    public PieceDemand {
        gates = List.copyOf(gates);
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        axons = Collections.unmodifiableMap(new LinkedHashMap<>(axons));
    }

    /** The population's name, which is the layer a layers-per-core limit counts. */
    public String layer() {
        return tile.unit();
    }

    /** The input axons the tile needs alone: Σ over its sources of the axons its elements arrive on. */
    public long inputAxons() {
        return axons.values().stream().mapToLong(ElementSet::size).sum();
    }

    /**
     * What a core holding only this tile uses, its readers being elsewhere: every sent element takes at least one
     * output axon and, if there is any, at least one destination.
     */
    public CoreUsage alone() {
        return new CoreUsage(neurons, synapseMemory, biasMemory, inputAxons(), sentElements, sentElements > 0 ? 1 : 0);
    }

    /** The population tile as runs of consecutive neurons. */
    public List<Piece> pieces() {
        return tile.runs();
    }

    /** The runs of elements this tile's core holds and sends: the population tile's and its gate tiles'. */
    public List<Piece> held() {
        return Stream.concat(Stream.of(tile), gates.stream()).flatMap(held -> held.runs().stream()).toList();
    }
}
