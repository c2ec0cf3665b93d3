package org.snnc.targets.mapping;

import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one population piece asks of the core that holds it, as the {@link ResourceModel} costs it. The piece carries
 * the pieces of the gate units on its population's output whose windows it holds; they live on the same core.
 *
 * @param piece         the population piece
 * @param gates         the gate pieces on its output (none when the population has no gate, or no whole window here)
 * @param neurons       neuron memory, in the memory model's unit
 * @param synapseMemory synapse or kernel memory, in the memory model's unit
 * @param biasMemory    bias entries
 * @param inputs        for each source the piece reads, in network order, the source elements whose events it needs:
 *                      the union of the receptive fields of its neurons over all its projections (never mutated)
 * @param sentElements  the piece's and its gate pieces' elements that some projection reads: each needs at least one
 *                      output axon, whichever core its readers land on
 * @param traffic       an estimate of the synaptic events the piece's spikes cause, for balancing cores
 */
public record PieceDemand(Piece piece, List<Piece> gates, long neurons, long synapseMemory, long biasMemory,
        Map<String, BitSet> inputs, long sentElements, long traffic) {

    public PieceDemand {
        gates = List.copyOf(gates);
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    /** The population's name, which is the layer a layers-per-core limit counts. */
    public String layer() {
        return piece.unit();
    }

    /** The input axons the piece needs alone: Σ over its sources of the elements it reads. */
    public long inputAxons() {
        return inputs.values().stream().mapToLong(BitSet::cardinality).sum();
    }

    /**
     * What a core holding only this piece uses, its readers being elsewhere: every sent element takes at least one
     * output axon and, if there is any, at least one destination.
     */
    public CoreUsage alone() {
        return new CoreUsage(neurons, synapseMemory, biasMemory, inputAxons(), sentElements, sentElements > 0 ? 1 : 0);
    }

    /** The unit elements this piece's core holds and sends: the population piece and its gate pieces. */
    public List<Piece> held() {
        return Stream.concat(Stream.of(piece), gates.stream()).toList();
    }
}
