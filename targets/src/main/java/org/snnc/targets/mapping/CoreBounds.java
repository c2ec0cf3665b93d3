package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.ir.Shape;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
import org.snnc.targets.net.Projection;
import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.spec.MemoryModel;
import org.snnc.targets.net.Population;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;

/**
 * Lower bounds on the cores a network needs, per layer and in all, whatever the partition and the allocator.
 *
 * <p>A layer's demand of each resource r is what the whole layer costs as one tile ({@link ResourceModel}): its
 * neurons, its bias entries and its synapse memory (a conv's kernel is stored at least once), the distinct source
 * input axons it needs (each element or position it reads needs at least one somewhere), and the output axons of the
 * elements it sends, its own and its gates': each takes at least ⌈k(e)/m⌉ output axons of its unit's slots, m the
 * multicast width and k(e) the fewest cores that can hold the readers of e.
 *
 * <p><b>Fan-out.</b> k(e) = max over the layers R reading e of k_R, and k_R = 1 except under the {@code entries}
 * memory model for a dense layer or an ungrouped convolution: there every neuron of R at one position reads every
 * element of its receptive field, a core stores a weight row (a dense unit's, a conv kernel's per output channel,
 * s_R = Σ over R's projections of C_in·kh·kw, or the inputs) once for each unit or channel it holds, and the F units
 * or channels at one position need F·s_R entries in all, so they lie on at least k_R = ⌈F·s_R / S⌉ cores, S the
 * largest core's synapse memory, each of which e must reach. A 3×3 conv of 512 channels over 512 on cores of
 * 65,536 entries gives k_R = 37.
 *
 * <p>With L_r the largest core's limit of r, the layer needs at least max_r ⌈d_r / L_r⌉ cores, and the network at
 * least max_r ⌈Σ_layers d_r / L_r⌉.
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
        Map<String, int[]> fanOut = leastReaderCores(network, chip);
        long[] limits = BOUNDING.stream().mapToLong(resource -> chip.coreResources().stream()
                .mapToLong(core -> resource.limit(core, chip.routing())).max().orElse(1)).toArray();
        long[] totals = new long[BOUNDING.size()];
        List<LayerBound> layers = new ArrayList<>();
        for (Population population : network.populations()) {
            List<Tile> gates = network.gatesOf(population.name()).stream()
                    .map(gate -> Tile.whole(gate.name(), gate.shape())).toList();
            CoreUsage whole = model.demand(population, Tile.whole(population.name(), population.shape()), gates,
                    fanOut).alone();
            long[] demands = BOUNDING.stream().mapToLong(resource -> resource.of(whole)).toArray();
            for (int r = 0; r < totals.length; r++) {
                totals[r] += demands[r];
            }
            layers.add(new LayerBound(population.name(), largest(demands, limits)));
        }
        return new CoreBounds(layers, largest(totals, limits));
    }

    /**
     * Per source element, k(e) (see the class comment): the fewest cores that hold its readers, of which the
     * {@link ResourceModel} makes ⌈k(e)/m⌉ output axons; 0 for an element that no layer reads.
     */
    private static Map<String, int[]> leastReaderCores(SynapticNetwork network, ChipSpec chip) {
        long synapseLimit = chip.coreResources().stream().mapToLong(CoreResources::synapseMemory).max().orElse(1);
        Map<String, int[]> least = new HashMap<>();
        network.sources().forEach((name, source) -> least.put(name, new int[source.size()]));
        for (Population reader : network.populations()) {
            long cores = chip.memoryModel() == MemoryModel.ENTRIES ? readerCores(reader, synapseLimit) : 1;
            int atLeast = (int) Math.min(Integer.MAX_VALUE, cores);
            for (Projection projection : reader.projections()) {
                int[] counts = least.get(projection.source());
                Connectivity.of(projection.synapse(), Tile.whole(reader.name(), reader.shape())).sourceElements()
                        .forEach(e -> counts[e] = Math.max(counts[e], atLeast));
            }
        }
        return least;
    }

    /** k_R under the entries model: ⌈F·s_R / S⌉, or 1 when a grouped convolution projects into R. */
    private static long readerCores(Population reader, long synapseLimit) {
        long row = 0;
        for (Projection projection : reader.projections()) {
            if (projection.synapse() instanceof DenseSynapse dense) {
                row += dense.inputs();
            } else if (projection.synapse() instanceof ConvSynapse conv && conv.groups() == 1) {
                row += (long) conv.channelsPerGroup() * conv.window().kernelH() * conv.window().kernelW();
            } else {
                return 1;
            }
        }
        Shape shape = reader.shape();
        long units = shape.rank() == 3 ? shape.dim(0) : shape.size();
        return Math.max(1, (units * row + synapseLimit - 1) / synapseLimit);
    }

    private static Bound largest(long[] demands, long[] limits) {
        List<Bound> bounds = new ArrayList<>();
        for (int r = 0; r < demands.length; r++) {
            bounds.add(new Bound((demands[r] + limits[r] - 1) / limits[r], BOUNDING.get(r), demands[r], limits[r]));
        }
        return bounds.stream().max(Comparator.comparingLong(Bound::cores)).orElseThrow();
    }
}
