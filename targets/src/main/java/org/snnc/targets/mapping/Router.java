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
 * tiles of the layer together ({@link ResourceModel#held}; the allocators count each tile apart, an upper bound);
 * input axons are the core's axons; output axons are Σ over its sent elements of ⌈destination cores / multicast
 * width⌉ ({@link org.snnc.targets.spec.Routing#outputAxons}) times the slots an output axon of the element's unit
 * takes ({@link org.snnc.targets.spec.Routing#outputSlots}); destinations are the distinct destination cores of its
 * routes.
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
        Map<String, Map<Integer, TreeMap<Integer, Integer>>> readers = new HashMap<>();
        byCore.forEach((core, pieces) -> union(pieces, PieceDemand::inputs).forEach((source, needed) -> {
            TreeMap<Integer, Integer> runs = new TreeMap<>();
            for (int first = needed.nextSetBit(0); first >= 0; first = needed.nextSetBit(runs.get(first))) {
                runs.put(first, needed.nextClearBit(first));
            }
            readers.computeIfAbsent(source, s -> new TreeMap<>()).put(core, runs);
        }));
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
            List<AxonBlock> blocks = axonBlocks(network, chip, pieces);
            Map<String, List<Tile>> layers = new LinkedHashMap<>();
            tiles.forEach(tile -> layers.computeIfAbsent(tile.unit(), layer -> new ArrayList<>()).add(tile));
            List<CoreUsage> layerCosts = layers.entrySet().stream()
                    .map(layer -> model.held(network.population(layer.getKey()), layer.getValue())).toList();
            CoreUsage usage = new CoreUsage(
                    layerCosts.stream().mapToLong(CoreUsage::neurons).sum(),
                    layerCosts.stream().mapToLong(CoreUsage::synapseMemory).sum(),
                    layerCosts.stream().mapToLong(CoreUsage::biasMemory).sum(),
                    blocks.stream().mapToLong(AxonBlock::count).sum(),
                    outputAxons(network, chip, routes),
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
     * Σ over the sent elements of ⌈d/m⌉ output axons of their unit's slots, d the element's destination cores and m
     * the chip's multicast width (1 without multicast, where the axons are the route counts).
     */
    private static long outputAxons(SynapticNetwork network, ChipSpec chip, List<Route> routes) {
        Map<String, Map<Integer, Integer>> destinations = new LinkedHashMap<>();
        for (Route route : routes) {
            Map<Integer, Integer> perElement = destinations.computeIfAbsent(route.source(), s -> new HashMap<>());
            for (int e = route.sourceFirst(); e < route.sourceFirst() + route.count(); e++) {
                perElement.merge(e, 1, Integer::sum);
            }
        }
        long axons = 0;
        for (Map.Entry<String, Map<Integer, Integer>> source : destinations.entrySet()) {
            int slots = chip.routing().outputSlots(network.sources().get(source.getKey()).shape().rank());
            axons += slots * source.getValue().values().stream().mapToLong(chip.routing()::outputAxons).sum();
        }
        return axons;
    }

    /** For each source, in network order, the union of {@code part} of the pieces. */
    private static Map<String, BitSet> union(List<PieceDemand> pieces, Function<PieceDemand, Map<String, BitSet>> part) {
        Map<String, BitSet> union = new LinkedHashMap<>();
        pieces.forEach(piece -> part.apply(piece).forEach((source, bits) -> union
                .computeIfAbsent(source, s -> new BitSet()).or(bits)));
        return union;
    }

    private static List<AxonBlock> axonBlocks(SynapticNetwork network, ChipSpec chip, List<PieceDemand> pieces) {
        Map<String, BitSet> needed = union(pieces, PieceDemand::axons);
        List<AxonBlock> blocks = new ArrayList<>();
        int axon = 0;
        for (String source : network.sources().keySet()) {
            BitSet keys = needed.get(source);
            if (keys == null) {
                continue;
            }
            boolean positions = chip.routing().populationAxons(network.sources().get(source).shape().rank());
            for (int first = keys.nextSetBit(0); first >= 0; first = keys.nextSetBit(first)) {
                int end = keys.nextClearBit(first);
                blocks.add(new AxonBlock(source, first, end - first, axon, positions));
                axon += end - first;
                first = end;
            }
        }
        return blocks;
    }

    /** The routes of the elements of {@code held} into every core that needs some: per core, its runs of needed. */
    private static List<Route> routes(Piece held, Map<String, Map<Integer, TreeMap<Integer, Integer>>> readers) {
        List<Route> routes = new ArrayList<>();
        readers.getOrDefault(held.unit(), Map.of()).forEach((destination, runs) -> {
            Integer from = runs.floorKey(held.first());
            for (Map.Entry<Integer, Integer> run : runs.tailMap(from == null ? held.first() : from).entrySet()) {
                if (run.getKey() >= held.end()) {
                    break;
                }
                int first = Math.max(held.first(), run.getKey());
                int end = Math.min(held.end(), run.getValue());
                if (first < end) {
                    routes.add(new Route(held.unit(), first, end - first, destination));
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
