package org.snnc.targets.mapping;

import java.util.List;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;

/**
 * A network placed on a chip: the used cores by ascending id, and the routes of the input's events from the host.
 *
 * @param network     the quantized network
 * @param chip        the target
 * @param allocator   the name of the allocator that placed the pieces
 * @param cores       the used cores, by ascending id
 * @param inputRoutes where the host sends the input's elements
 * @param bounds      the fewest cores the network could take, per layer and in all
 */
public record Mapping(SynapticNetwork network, ChipSpec chip, String allocator, List<CoreMapping> cores,
        List<Route> inputRoutes, CoreBounds bounds) {

    public Mapping {
        cores = List.copyOf(cores);
        inputRoutes = List.copyOf(inputRoutes);
    }

    /** The used cores that hold tiles of {@code layer}. */
    public long coresHolding(String layer) {
        return cores.stream().filter(core -> core.tiles().stream().anyMatch(tile -> tile.unit().equals(layer)))
                .count();
    }
}
