package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.snnc.targets.net.Population;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;

/**
 * Lower bounds on the cores a network needs, per layer and in all, whatever the partition and the allocator.
 *
 * <p>A layer's demand of each resource r is what the whole layer costs as one tile ({@link ResourceModel}): its
 * neurons, its bias entries and its synapse memory (a conv's kernel is stored at least once), the distinct source
 * elements it reads (each needs at least one input axon somewhere) and its sent elements, its own and its gates'
 * (each needs at least one output axon). With L_r the largest core's limit of r, the layer needs at least
 * max_r ⌈d_r / L_r⌉ cores, and the network at least max_r ⌈Σ_layers d_r / L_r⌉.
 *
 * @param layers the bound of each layer, in network order
 * @param total  the bound of the whole network
 */
public record CoreBounds(List<LayerBound> layers, Bound total) {

    /** The resources whose demand bounds the cores: all but destinations, which a single core can meet. */
    private static final List<Resource> BOUNDING = Arrays.stream(Resource.values())
            .filter(resource -> resource != Resource.DESTINATIONS).toList();

    public CoreBounds {
        layers = List.copyOf(layers);
    }

    /** At least {@code cores} cores, because {@code resource} needs {@code demand} and a core holds {@code limit}. */
    public record Bound(long cores, Resource resource, long demand, long limit) {
    }

    /** The bound of one layer (population). */
    public record LayerBound(String layer, Bound bound) {
    }

    /** The bounds of {@code network} on {@code chip}. */
    public static CoreBounds of(SynapticNetwork network, ChipSpec chip) {
        ResourceModel model = new ResourceModel(network, chip);
        long[] limits = BOUNDING.stream().mapToLong(resource -> chip.coreResources().stream()
                .mapToLong(core -> resource.limit(core, chip.routing())).max().orElse(1)).toArray();
        long[] totals = new long[BOUNDING.size()];
        List<LayerBound> layers = new ArrayList<>();
        for (Population population : network.populations()) {
            List<Tile> gates = network.gatesOf(population.name()).stream()
                    .map(gate -> Tile.whole(gate.name(), gate.shape())).toList();
            CoreUsage whole = model.demand(population, Tile.whole(population.name(), population.shape()), gates)
                    .alone();
            long[] demands = BOUNDING.stream().mapToLong(resource -> resource.of(whole)).toArray();
            for (int r = 0; r < totals.length; r++) {
                totals[r] += demands[r];
            }
            layers.add(new LayerBound(population.name(), largest(demands, limits)));
        }
        return new CoreBounds(layers, largest(totals, limits));
    }

    private static Bound largest(long[] demands, long[] limits) {
        List<Bound> bounds = new ArrayList<>();
        for (int r = 0; r < demands.length; r++) {
            bounds.add(new Bound((demands[r] + limits[r] - 1) / limits[r], BOUNDING.get(r), demands[r], limits[r]));
        }
        return bounds.stream().max(Comparator.comparingLong(Bound::cores)).orElseThrow();
    }
}
