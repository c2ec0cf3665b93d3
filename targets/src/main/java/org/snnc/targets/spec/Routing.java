package org.snnc.targets.spec;

import java.util.OptionalInt;

/**
 * Which routes between cores are allowed.
 *
 * @param maxDestinationsPerCore the most distinct destination cores one core may send to, when limited (Speck: 2)
 * @param selfRoutes             whether a core may send spikes to itself (two consecutive layers on one core)
 * @param multicast              how many destination cores one output axon's event reaches, when more than one
 *                               (Speck: 2); without it, every (source neuron, destination core) pair takes an axon
 * @param populationAxonSlots    when the chip has population axons, the output-axon slots one takes (Loihi's pop32
 *                               axon: 2). A [C, H, W] source then reaches a core on one input axon per position
 *                               (y, x) it sends there, its channel carried as the atom that selects the synapses;
 *                               without them, every source element takes an input axon of its own
 */
public record Routing(OptionalInt maxDestinationsPerCore, boolean selfRoutes, OptionalInt multicast,
        OptionalInt populationAxonSlots) {

    /** A chip without multicast or population axons: one output axon per (source neuron, destination core). */
    public Routing(OptionalInt maxDestinationsPerCore, boolean selfRoutes) {
        this(maxDestinationsPerCore, selfRoutes, OptionalInt.empty(), OptionalInt.empty());
    }

    /** Whether a source of {@code rank} (3 for [C, H, W]) reaches cores on population axons. */
    public boolean populationAxons(int rank) {
        return populationAxonSlots.isPresent() && rank == 3;
    }

    /**
     * The output axons a source neuron takes to reach {@code destinations} cores: ⌈destinations / m⌉ with m the
     * multicast width, 1 without multicast; each takes {@link #outputSlots} slots.
     */
    public long outputAxons(long destinations) {
        int width = multicast.orElse(1);
        return (destinations + width - 1) / width;
    }

    /** The output-axon slots one output axon of a source of {@code rank} takes: 1, or a population axon's. */
    public int outputSlots(int rank) {
        return populationAxons(rank) ? populationAxonSlots.getAsInt() : 1;
    }
}
