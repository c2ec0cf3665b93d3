package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.snnc.targets.net.Source;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;

/**
 * Wires an allocation: the input axons of every core and the routes that feed them.
 *
 * <p><b>Axons.</b> Core Z needs, for each source s, needed_Z(s) = the union of the inputs of its pieces, which arrive
 * on the axon keys axons_Z(s) = the union of their {@link PieceDemand#axons()}: the elements themselves, or the
 * positions y·W + x of a [C, H, W] source on a chip with population axons. Z's axon blocks are the maximal runs of
 * consecutive keys of axons_Z(s), sources in network order ({@link SynapticNetwork#sources()}: the input, the
 * populations, the gates) and keys ascending, numbered from axon 0 without gaps: Z has Σ_s |axons_Z(s)| input axons.
 *
 * <p><b>Routes.</b> Each element lives on one core: a population element on the core of its piece, a gate element on
 * the core of the population piece holding its window, an input element on the host. For every core X, every unit
 * piece it holds and every maximal run of needed_Z of every core Z (ascending) from that unit, their overlap is one
 * route from X to Z; the input's are routed from the host ({@link Mapping#inputRoutes()}). So element e of s reaches
 * exactly the cores that need it, once each, and lands on the axon of its key there. Routes are sorted by source
 * (network order), first element and destination core.
 *
 * <p><b>Usage.</b> Neurons, synapse memory and bias memory are the sums over the core's layers of the cost of all its
 * tiles' computed boxes of the layer together, replicas included ({@link ResourceModel#held}; the allocators count each tile apart, an upper bound);
 * input axons are the core's axons; output axons are Σ over its sent elements of ⌈destination cores / multicast
 * width⌉ ({@link org.snnc.targets.spec.Routing#outputAxons}) times the slots an output axon of the element's unit
 * takes ({@link org.snnc.targets.spec.Routing#outputSlots}); destinations are the distinct destination cores of its
 * routes.
 */
public final class Router {

    /** The sender of the input's routes in {@link #routes}: the host, which is no core. */
    private static final int HOST = -1;

    private Router() {
    }

    /** The mapping of {@code partition} placed by {@code allocation}, unchecked ({@link LimitCheck} checks it). */
    public static Mapping route(SynapticNetwork network, ChipSpec chip, String allocator, Partition partition,
            Allocation allocation) {
        Map<String, Source> sources = network.sources();
        Map<String, Integer> sourceOrder = new HashMap<>();
        sources.keySet().forEach(source -> sourceOrder.put(source, sourceOrder.size()));
        Comparator<Piece> networkOrder = Comparator.comparingInt((Piece piece) -> sourceOrder.get(piece.unit()))
                .thenComparingInt(Piece::first);
        TreeMap<Integer, List<PieceDemand>> byCore = new TreeMap<>();
        for (int p = 0; p < partition.pieces().size(); p++) {
            byCore.computeIfAbsent(allocation.cores().get(p), core -> new ArrayList<>()).add(partition.pieces().get(p));
        }
        List<List<Route>> sent = routes(network, byCore);
        // By source, first element and destination; written out, as a core may send thousands of routes.
        Comparator<Route> routeOrder = (a, b) -> {
            if (!a.source().equals(b.source())) {
                return Integer.compare(sourceOrder.get(a.source()), sourceOrder.get(b.source()));
            }
            int byFirst = Integer.compare(a.sourceFirst(), b.sourceFirst());
            return byFirst != 0 ? byFirst : Integer.compare(a.destinationCore(), b.destinationCore());
        };
        ResourceModel model = new ResourceModel(network, chip);
        List<CoreMapping> cores = new ArrayList<>();
        byCore.forEach((core, pieces) -> {
            List<Tile> tiles = pieces.stream().map(PieceDemand::tile).toList();
            List<Piece> populationPieces = pieces.stream().flatMap(piece -> piece.pieces().stream()).sorted(networkOrder)
                    .toList();
            List<Piece> gatePieces = pieces.stream().flatMap(piece -> piece.gates().stream()).flatMap(g -> g.runs().stream())
                    .sorted(networkOrder)
                    .toList();
            // Taken out of sent, so that a core's routes are not held twice once its mapping has copied them.
            List<Route> routes = sent.set(core - HOST, null);
            routes.sort(routeOrder);
            List<AxonBlock> blocks = axonBlocks(sources, chip, pieces);
            Map<String, List<Tile>> layers = new LinkedHashMap<>();
            pieces.forEach(piece -> layers.computeIfAbsent(piece.layer(), layer -> new ArrayList<>())
                    .add(piece.computed()));
            List<CoreUsage> layerCosts = layers.entrySet().stream()
                    .map(layer -> model.held(network.population(layer.getKey()), layer.getValue())).toList();
            CoreUsage usage = new CoreUsage(
                    layerCosts.stream().mapToLong(CoreUsage::neurons).sum(),
                    layerCosts.stream().mapToLong(CoreUsage::synapseMemory).sum(),
                    layerCosts.stream().mapToLong(CoreUsage::biasMemory).sum(),
                    blocks.stream().mapToLong(AxonBlock::count).sum(),
                    outputAxons(sources, chip, routes),
                    destinations(routes));
            cores.add(new CoreMapping(core, tiles, populationPieces, replicas(pieces), gatePieces, blocks, routes, usage));
        });
        List<Route> inputRoutes = sent.get(0);
        inputRoutes.sort(routeOrder);
        return new Mapping(network, chip, allocator, cores, inputRoutes, CoreBounds.of(network, chip));
    }

    /**
     * Every route, by sending core s at s − {@link #HOST} (the input's at 0, from the host): for each core Z, each source s and each maximal
     * run of needed_Z(s), its overlap with each held run of s is one route into Z from the holder of that run. Held
     * runs never overlap, so those a run meets follow the first that ends after its first element, and the work is
     * the runs and the routes, not the pairs of senders and readers.
     */
    private static List<List<Route>> routes(SynapticNetwork network, TreeMap<Integer, List<PieceDemand>> byCore) {
        Map<String, List<long[]>> heldRuns = new HashMap<>();
        heldRuns.computeIfAbsent(network.input().name(), unit -> new ArrayList<>())
                .add(new long[] {0, network.input().size(), HOST});
        byCore.forEach((core, pieces) -> pieces.forEach(piece -> piece.held().forEach(held -> heldRuns
                .computeIfAbsent(held.unit(), unit -> new ArrayList<>()).add(new long[] {held.first(), held.end(), core}))));
        Map<String, Holders> holders = new HashMap<>();
        heldRuns.forEach((unit, runs) -> holders.put(unit, Holders.of(runs)));
        List<List<Route>> sent = new ArrayList<>();
        for (int sender = HOST; sender <= (byCore.isEmpty() ? HOST : byCore.lastKey()); sender++) {
            sent.add(new ArrayList<>());
        }
        byCore.forEach((destination, pieces) -> union(pieces, PieceDemand::inputs).forEach((source, needed) -> {
            Holders held = holders.getOrDefault(source, Holders.of(List.of()));
            for (int run = 0; run < needed.runs(); run++) {
                int first = needed.first(run);
                int end = needed.end(run);
                for (int h = held.firstEndingAfter(first); h < held.ends.length && held.firsts[h] < end; h++) {
                    int routeFirst = Math.max(first, held.firsts[h]);
                    int routeEnd = Math.min(end, held.ends[h]);
                    sent.get(held.cores[h] - HOST).add(new Route(source, routeFirst, routeEnd - routeFirst, destination));
                }
            }
        }));
        return sent;
    }

    /** A unit's held runs [firsts[h], ends[h]) on cores[h], disjoint and ascending. */
    private record Holders(int[] firsts, int[] ends, int[] cores) {

        /** The runs {first, end, core} in any order. */
        static Holders of(List<long[]> runs) {
            List<long[]> ascending = new ArrayList<>(runs);
            ascending.sort(Comparator.comparingLong(run -> run[0]));
            return new Holders(ascending.stream().mapToInt(run -> (int) run[0]).toArray(),
                    ascending.stream().mapToInt(run -> (int) run[1]).toArray(),
                    ascending.stream().mapToInt(run -> (int) run[2]).toArray());
        }

        /** The first run that ends after {@code element} (ends ascend, as the runs are disjoint), or the run count. */
        int firstEndingAfter(int element) {
            int low = 0;
            int high = ends.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (ends[middle] <= element) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low;
        }
    }

    /**
     * The replicas a core updates, in network order: per population, the elements of its pieces' computed boxes that
     * none of its tiles owns (a replica its neighbouring tile of the same core owns is that neuron itself).
     */
    private static List<Piece> replicas(List<PieceDemand> pieces) {
        Map<String, List<PieceDemand>> byLayer = pieces.stream()
                .collect(Collectors.groupingBy(PieceDemand::layer, LinkedHashMap::new, Collectors.toList()));
        List<Piece> replicas = new ArrayList<>();
        byLayer.forEach((layer, layerPieces) -> {
            if (layerPieces.stream().allMatch(piece -> piece.computed().equals(piece.tile()))) {
                return;
            }
            ElementSet computed = ElementSet.ofRuns(layerPieces.stream()
                    .flatMap(piece -> piece.computed().runs().stream()).toList());
            ElementSet owned = ElementSet.ofRuns(layerPieces.stream().flatMap(piece -> piece.pieces().stream())
                    .toList());
            ElementSet copies = computed.minus(owned);
            for (int run = 0; run < copies.runs(); run++) {
                replicas.add(new Piece(layer, copies.first(run), copies.end(run) - copies.first(run)));
            }
        });
        return replicas;
    }

    /**
     * Σ over the sent elements of ⌈d/m⌉ output axons of their unit's slots, d the element's destination cores and m
     * the chip's multicast width (1 without multicast, where the axons are the route counts). A core's routes of one
     * source never send an element twice to one core (its held runs are disjoint, and so are a reader's needed runs),
     * so d is the number of routes covering the element. The routes come sorted by source.
     */
    private static long outputAxons(Map<String, Source> sources, ChipSpec chip, List<Route> routes) {
        long axons = 0;
        int from = 0;
        while (from < routes.size()) {
            String source = routes.get(from).source();
            int to = from + 1;
            while (to < routes.size() && routes.get(to).source().equals(source)) {
                to++;
            }
            int[] firsts = routes.subList(from, to).stream().mapToInt(Route::sourceFirst).sorted().toArray();
            int[] ends = routes.subList(from, to).stream().mapToInt(route -> route.sourceFirst() + route.count())
                    .sorted().toArray();
            int slots = chip.routing().outputSlots(sources.get(source).shape().rank());
            // Between two consecutive bounds every element has the same destinations: the routes covering it.
            int destinations = 0;
            int previous = 0;
            for (int f = 0, e = 0; e < ends.length; ) {
                int bound = f < firsts.length ? Math.min(firsts[f], ends[e]) : ends[e];
                axons += (long) slots * (bound - previous) * chip.routing().outputAxons(destinations);
                previous = bound;
                if (f < firsts.length && firsts[f] == bound) {
                    destinations++;
                    f++;
                } else {
                    destinations--;
                    e++;
                }
            }
            from = to;
        }
        return axons;
    }

    /** The distinct destination cores of {@code routes}. */
    private static int destinations(List<Route> routes) {
        BitSet cores = new BitSet();
        routes.forEach(route -> cores.set(route.destinationCore()));
        return cores.cardinality();
    }

    /** For each source, in network order, the union of {@code part} of the pieces. */
    private static Map<String, ElementSet> union(List<PieceDemand> pieces,
            Function<PieceDemand, Map<String, ElementSet>> part) {
        Map<String, List<ElementSet>> sets = new LinkedHashMap<>();
        pieces.forEach(piece -> part.apply(piece).forEach((source, elements) -> sets
                .computeIfAbsent(source, s -> new ArrayList<>()).add(elements)));
        Map<String, ElementSet> union = new LinkedHashMap<>();
        sets.forEach((source, parts) -> union.put(source, ElementSet.union(parts)));
        return union;
    }

    private static List<AxonBlock> axonBlocks(Map<String, Source> sources, ChipSpec chip, List<PieceDemand> pieces) {
        Map<String, ElementSet> needed = union(pieces, PieceDemand::axons);
        List<AxonBlock> blocks = new ArrayList<>();
        int axon = 0;
        for (String source : sources.keySet()) {
            ElementSet keys = needed.getOrDefault(source, ElementSet.EMPTY);
            boolean positions = chip.routing().populationAxons(sources.get(source).shape().rank());
            for (int run = 0; run < keys.runs(); run++) {
                blocks.add(new AxonBlock(source, keys.first(run), keys.end(run) - keys.first(run), axon, positions));
                axon += keys.end(run) - keys.first(run);
            }
        }
        return blocks;
    }
}
