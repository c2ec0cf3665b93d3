package org.snnc.targets.spec;

import java.util.OptionalInt;

/**
 * Which routes between cores are allowed.
 *
 * @param maxDestinationsPerCore the most distinct destination cores one core may send to, when limited (Speck: 2)
 * @param selfRoutes             whether a core may send spikes to itself (two consecutive layers on one core)
 * @param multicast              how many destination cores one output axon's event reaches, when more than one
 *                               (Speck: 2); without it, every (source neuron, destination core) pair takes an axon
 */
public record Routing(OptionalInt maxDestinationsPerCore, boolean selfRoutes, OptionalInt multicast) {

    /** A chip without multicast: one output axon per (source neuron, destination core). */
    public Routing(OptionalInt maxDestinationsPerCore, boolean selfRoutes) {
        this(maxDestinationsPerCore, selfRoutes, OptionalInt.empty());
    }

    /**
     * The output axons a source neuron takes to reach {@code destinations} cores: ⌈destinations / m⌉ with m the
     * multicast width, 1 without multicast.
     */
    public long outputAxons(long destinations) {
        int width = multicast.orElse(1);
        return (destinations + width - 1) / width;
    }
}
