package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;

/**
 * Wires an allocation: the input axons of every core and the routes that feed them.
 *
 * <p><b>Axons.</b> Core Z needs, for each source s, needed_Z(s) = the union of the inputs of its pieces. Its axon
 * blocks are the maximal runs of consecutive elements of needed_Z(s), sources in network order ({@link
 * SynapticNetwork#sources()}: the input, the populations, the gates) and elements ascending, numbered from axon 0
 * without gaps: Z has |∪_s needed_Z(s)| input axons.
 *
 * <p><b>Routes.</b> Each element lives on one core: a population element on the core of its piece, a gate element on
 * the core of the population piece holding its window, an input element on the host. For every core X, every unit
 * piece it holds and every axon block of every core Z (ascending) from that unit, the overlap of the piece and the
 * block is one route from X to Z; the input's blocks are routed from the host ({@link Mapping#inputRoutes()}). So
 * element e of s reaches exactly the cores that need it, once each. Routes are sorted by source (network order),
 * first element and destination core.
 *
 * <p><b>Usage.</b> Neurons, synapse memory and bias memory are the sums over the core's layers of the cost of all its
 * tiles of the layer together ({@link ResourceModel#held}; the allocators count each tile apart, an upper bound);
 * input axons are the core's axons; output axons are Σ over its
 * sent elements of ⌈destination cores / multicast width⌉ ({@link org.snnc.targets.spec.Routing#outputAxons}), Σ over
 * its routes of their counts without multicast; destinations are the distinct destination cores of its routes.
 */
public final class Router {

    private Router() {
    }

    /** The mapping of {@code partition} placed by {@code allocation}, unchecked ({@link LimitCheck} checks it). */
    public static Mapping route(SynapticNetwork network, ChipSpec chip, String allocator, Partition partition,
            Allocation allocation) {
        List<String> sources = List.copyOf(network.sources().keySet());
        Comparator<Piece> networkOrder = Comparator.comparingInt((Piece piece) -> sources.indexOf(piece.unit()))
                .thenComparingInt(Piece::first);
        TreeMap<Integer, List<PieceDemand>> byCore = new TreeMap<>();
        for (int p = 0; p < partition.pieces().size(); p++) {
            byCore.computeIfAbsent(allocation.cores().get(p), core -> new ArrayList<>()).add(partition.pieces().get(p));
        }
        ResourceModel model = new ResourceModel(network, chip);
        Map<Integer, List<AxonBlock>> axons = new TreeMap<>();
        byCore.forEach((core, pieces) -> axons.put(core, axonBlocks(sources, pieces)));
        Map<String, Map<Integer, TreeMap<Integer, AxonBlock>>> readers = readers(axons);
        List<CoreMapping> cores = new ArrayList<>();
        byCore.forEach((core, pieces) -> {
            List<Tile> tiles = pieces.stream().map(PieceDemand::tile).toList();
            List<Piece> populationPieces = pieces.stream().flatMap(piece -> piece.pieces().stream()).sorted(networkOrder)
                    .toList();
            List<Piece> gatePieces = pieces.stream().flatMap(piece -> piece.gates().stream()).flatMap(g -> g.runs().stream())
                    .sorted(networkOrder)
                    .toList();
            List<Piece> held = pieces.stream().flatMap(piece -> piece.held().stream()).sorted(networkOrder).toList();
            List<Route> routes = new ArrayList<>();
            held.forEach(piece -> routes.addAll(routes(piece, readers)));
            routes.sort(routeOrder(sources));
            List<AxonBlock> blocks = axons.get(core);
            Map<String, List<Tile>> layers = new LinkedHashMap<>();
            tiles.forEach(tile -> layers.computeIfAbsent(tile.unit(), layer -> new ArrayList<>()).add(tile));
            List<CoreUsage> layerCosts = layers.entrySet().stream()
                    .map(layer -> model.held(network.population(layer.getKey()), layer.getValue())).toList();
            CoreUsage usage = new CoreUsage(
                    layerCosts.stream().mapToLong(CoreUsage::neurons).sum(),
                    layerCosts.stream().mapToLong(CoreUsage::synapseMemory).sum(),
                    layerCosts.stream().mapToLong(CoreUsage::biasMemory).sum(),
                    blocks.stream().mapToLong(AxonBlock::count).sum(),
                    outputAxons(chip, routes),
                    (int) routes.stream().mapToInt(Route::destinationCore).distinct().count());
            cores.add(new CoreMapping(core, tiles, populationPieces, gatePieces, blocks, routes, usage));
        });
        Piece wholeInput = new Piece(network.input().name(), 0, network.input().size());
        List<Route> inputRoutes = new ArrayList<>();
        inputRoutes.addAll(routes(wholeInput, readers));
        inputRoutes.sort(routeOrder(sources));
        return new Mapping(network, chip, allocator, cores, inputRoutes, CoreBounds.of(network, chip));
    }

    /**
     * Σ over the sent elements of ⌈d/m⌉, d the element's destination cores and m the chip's multicast width (1
     * without multicast, where the sum is Σ route counts).
     */
    private static long outputAxons(ChipSpec chip, List<Route> routes) {
        if (chip.routing().multicast().isEmpty()) {
            return routes.stream().mapToLong(Route::count).sum();
        }
        Map<String, Map<Integer, Integer>> destinations = new LinkedHashMap<>();
        for (Route route : routes) {
            Map<Integer, Integer> perElement = destinations.computeIfAbsent(route.source(), s -> new TreeMap<>());
            for (int e = route.sourceFirst(); e < route.sourceFirst() + route.count(); e++) {
                perElement.merge(e, 1, Integer::sum);
            }
        }
        return destinations.values().stream().flatMap(perElement -> perElement.values().stream())
                .mapToLong(chip.routing()::outputAxons).sum();
    }

    private static List<AxonBlock> axonBlocks(List<String> sources, List<PieceDemand> pieces) {
        Map<String, BitSet> needed = new LinkedHashMap<>();
        sources.forEach(source -> needed.put(source, new BitSet()));
        pieces.forEach(piece -> piece.inputs().forEach((source, elements) -> needed.get(source).or(elements)));
        List<AxonBlock> blocks = new ArrayList<>();
        int axon = 0;
        for (Map.Entry<String, BitSet> source : needed.entrySet()) {
            BitSet elements = source.getValue();
            for (int first = elements.nextSetBit(0); first >= 0; first = elements.nextSetBit(first)) {
                int end = elements.nextClearBit(first);
                blocks.add(new AxonBlock(source.getKey(), first, end - first, axon));
                axon += end - first;
                first = end;
            }
        }
        return blocks;
    }

    /** For each source, the cores with axons for it (ascending) and their axon blocks by first element. */
    private static Map<String, Map<Integer, TreeMap<Integer, AxonBlock>>> readers(Map<Integer, List<AxonBlock>> axons) {
        Map<String, Map<Integer, TreeMap<Integer, AxonBlock>>> readers = new HashMap<>();
        axons.forEach((core, blocks) -> blocks.forEach(block -> readers
                .computeIfAbsent(block.source(), source -> new TreeMap<>())
                .computeIfAbsent(core, reader -> new TreeMap<>()).put(block.sourceFirst(), block)));
        return readers;
    }

    /** The routes of the elements of {@code held} into the axon blocks of every core that reads them. */
    private static List<Route> routes(Piece held, Map<String, Map<Integer, TreeMap<Integer, AxonBlock>>> readers) {
        List<Route> routes = new ArrayList<>();
        readers.getOrDefault(held.unit(), Map.of()).forEach((destination, blocks) -> {
            Integer from = blocks.floorKey(held.first());
            for (AxonBlock block : blocks.tailMap(from == null ? held.first() : from).values()) {
                if (block.sourceFirst() >= held.end()) {
                    break;
                }
                int first = Math.max(held.first(), block.sourceFirst());
                int end = Math.min(held.end(), block.sourceFirst() + block.count());
                if (first < end) {
                    routes.add(new Route(held.unit(), first, end - first, destination,
                            block.axonFirst() + first - block.sourceFirst()));
                }
            }
        });
        return routes;
    }

    private static Comparator<Route> routeOrder(List<String> sources) {
        return Comparator.comparingInt((Route route) -> sources.indexOf(route.source()))
                .thenComparingInt(Route::sourceFirst).thenComparingInt(Route::destinationCore);
    }
}
