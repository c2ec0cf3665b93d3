package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
import org.snnc.targets.net.GateUnit;
import org.snnc.targets.net.Population;
import org.snnc.targets.net.Projection;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.MemoryModel;

/**
 * What every mapping must satisfy, checked from the network and the mapping alone: the synapses are expanded here
 * from {@link ConvSynapse}'s and {@link DenseSynapse}'s formulas and the usage is recounted from the routes, never by
 * the code under test.
 */
final class MappingInvariants {

    /** One source element of one source. */
    record Element(String source, int element) implements Comparable<Element> {

        @Override
        public int compareTo(Element other) {
            int bySource = source.compareTo(other.source);
            return bySource != 0 ? bySource : Integer.compare(element, other.element);
        }
    }

    /** One synapse: a source element, a target neuron of a projection, and its weight mantissa. */
    record Synapse(String projection, Element from, int target, int weight) {
    }

    private MappingInvariants() {
    }

    /** (a), (b), (c) and (d) at once. */
    static void check(SynapticNetwork network, Mapping mapping) {
        piecesCoverEveryNeuronOnce(network, mapping);
        everySynapseOnceOnItsCore(network, mapping);
        withinLimits(mapping);
        routesReachExactlyTheReaders(network, mapping);
        gateWindowsReadTheirCore(network, mapping);
    }

    /** The synapses into target neuron {@code n} of a projection, from its connectivity formula. */
    static List<Synapse> synapsesInto(Projection projection, int n) {
        List<Synapse> synapses = new ArrayList<>();
        if (projection.synapse() instanceof DenseSynapse dense) {
            for (int e = 0; e < dense.inputs(); e++) {
                synapses.add(new Synapse(projection.node(), new Element(projection.source(), e), n,
                        dense.mantissas()[n * dense.inputs() + e]));
            }
            return synapses;
        }
        ConvSynapse conv = (ConvSynapse) projection.synapse();
        Shape in = conv.inputShape();
        Shape out = conv.outputShape();
        Window2d w = conv.window();
        int perGroup = conv.channelsPerGroup();
        int f = n / (out.dim(1) * out.dim(2));
        int i = n / out.dim(2) % out.dim(1);
        int j = n % out.dim(2);
        int g = f * conv.groups() / conv.filters();
        for (int c = 0; c < perGroup; c++) {
            for (int u = 0; u < w.kernelH(); u++) {
                for (int v = 0; v < w.kernelW(); v++) {
                    int y = i * w.strideH() + u - w.padding().top();
                    int x = j * w.strideW() + v - w.padding().left();
                    if (y >= 0 && y < in.dim(1) && x >= 0 && x < in.dim(2)) {
                        int e = ((g * perGroup + c) * in.dim(1) + y) * in.dim(2) + x;
                        int weight = conv.mantissas()[((f * perGroup + c) * w.kernelH() + u) * w.kernelW() + v];
                        synapses.add(new Synapse(projection.node(), new Element(projection.source(), e), n, weight));
                    }
                }
            }
        }
        return synapses;
    }

    static void piecesCoverEveryNeuronOnce(SynapticNetwork network, Mapping mapping) {
        for (Population population : network.populations()) {
            int[] covered = new int[population.size()];
            mapping.cores().forEach(core -> core.pieces().stream()
                    .filter(piece -> piece.unit().equals(population.name()))
                    .forEach(piece -> {
                        for (int n = piece.first(); n < piece.end(); n++) {
                            covered[n]++;
                        }
                    }));
            for (int n = 0; n < covered.length; n++) {
                assertEquals(1, covered[n], population.name() + " neuron " + n + " is on " + covered[n] + " cores");
            }
        }
    }

    /** Where an element lands on a core: an axon, and the atom on it (its channel on a population axon, else 0). */
    private record Arrival(int axon, int atom) {
    }

    /**
     * (a) Each (axon, atom) of each core is fed by at most one route, from a core that holds the element (or the host
     * for the input), every axon by at least one, and the element is one the axon block holds; expanding each core's
     * pieces through the elements that arrive on its axons gives the network's synapses, each exactly once.
     */
    static void everySynapseOnceOnItsCore(SynapticNetwork network, Mapping mapping) {
        Map<Integer, Map<Arrival, Element>> arriving = arrivals(network, mapping);
        Map<Synapse, Integer> mapped = new HashMap<>();
        for (CoreMapping core : mapping.cores()) {
            Map<Arrival, Element> axons = arriving.getOrDefault(core.core(), Map.of());
            long axonCount = core.axons().stream().mapToLong(AxonBlock::count).sum();
            assertEquals(axonCount, axons.keySet().stream().mapToInt(Arrival::axon).distinct().count(),
                    "core " + core.core() + ": every axon is fed");
            axons.keySet().forEach(arrival -> assertTrue(arrival.axon() >= 0 && arrival.axon() < axonCount,
                    "core " + core.core() + " axon " + arrival.axon() + " exists"));
            for (Piece piece : core.pieces()) {
                for (Projection projection : network.population(piece.unit()).projections()) {
                    for (int n = piece.first(); n < piece.end(); n++) {
                        for (Synapse synapse : synapsesInto(projection, n)) {
                            Arrival arrival = arrivalOf(network, core, synapse.from());
                            Synapse delivered = new Synapse(synapse.projection(), axons.get(arrival), n,
                                    synapse.weight());
                            mapped.merge(delivered, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        for (CoreMapping core : mapping.cores()) {
            Map<Arrival, Element> axons = arriving.getOrDefault(core.core(), Map.of());
            for (Piece replica : core.replicas()) {
                for (Projection projection : network.population(replica.unit()).projections()) {
                    for (int n = replica.first(); n < replica.end(); n++) {
                        for (Synapse synapse : synapsesInto(projection, n)) {
                            assertEquals(synapse.from(), axons.get(arrivalOf(network, core, synapse.from())),
                                    "core " + core.core() + " replica " + replica.unit() + "[" + n + "] reads");
                        }
                    }
                }
            }
        }
        Map<Synapse, Integer> expected = new HashMap<>();
        for (Population population : network.populations()) {
            for (Projection projection : population.projections()) {
                for (int n = 0; n < population.size(); n++) {
                    synapsesInto(projection, n).forEach(s -> expected.merge(s, 1, Integer::sum));
                }
            }
        }
        assertEquals(expected, mapped, "the mapped synapses are the network's");
    }

    /** (b) Every core within its limits, recounted from the pieces and routes. */
    static void withinLimits(Mapping mapping) {
        ChipSpec chip = mapping.chip();
        SynapticNetwork network = mapping.network();
        for (CoreMapping core : mapping.cores()) {
            assertTrue(core.core() >= 0 && core.core() < chip.cores(), "core " + core.core() + " exists");
            long neurons = 0;
            for (Piece piece : core.pieces()) {
                neurons += neuronMemory(network.population(piece.unit()).shape(), piece, chip.memoryModel());
            }
            // Speck's neuron memory is per channel of the whole padded map, which a replica's channel already takes.
            if (chip.memoryModel() != MemoryModel.SPECK_PADDED) {
                neurons += core.replicas().stream().mapToLong(Piece::count).sum();
            }
            String at = "core " + core.core() + " of " + chip.name();
            assertTrue(neurons <= chip.core(core.core()).neurons(), at + ": neurons " + neurons);
            long axons = core.axons().stream().mapToLong(AxonBlock::count).sum();
            assertTrue(axons <= chip.core(core.core()).inputAxons(), at + ": input axons " + axons);
            // Σ_e ⌈d(e)/m⌉·slots ≥ Σ_e d(e)·slots / m: the routes' slots are at most m times the output axons.
            long slots = core.routes().stream().mapToLong(route -> route.count()
                    * chip.routing().outputSlots(network.sources().get(route.source()).shape().rank())).sum();
            assertTrue(slots <= chip.core(core.core()).outputAxons() * (long) chip.routing().multicast().orElse(1),
                    at + ": output axons for " + slots + " routed slots");
            Set<Integer> destinations = new TreeSet<>();
            core.routes().forEach(route -> destinations.add(route.destinationCore()));
            chip.routing().maxDestinationsPerCore().ifPresent(max -> assertTrue(destinations.size() <= max,
                    at + ": destinations " + destinations));
            if (!chip.routing().selfRoutes()) {
                assertTrue(!destinations.contains(core.core()), at + " routes to itself");
            }
            long layers = core.pieces().stream().map(Piece::unit).distinct().count();
            chip.features().layersPerCore().ifPresent(max -> assertTrue(layers <= max, at + ": layers " + layers));
            assertTrue(core.usage().synapseMemory() <= chip.core(core.core()).synapseMemory(), at + " synapses");
            assertTrue(core.usage().biasMemory() <= chip.core(core.core()).biasMemory(), at + " biases");
        }
    }

    /**
     * (c) For every source element, the cores its routes reach are the cores with a neuron that reads it, a replica
     * included.
     */
    static void routesReachExactlyTheReaders(SynapticNetwork network, Mapping mapping) {
        Map<Element, Set<Integer>> reached = new TreeMap<>();
        List<Route> all = new ArrayList<>(mapping.inputRoutes());
        mapping.cores().forEach(core -> all.addAll(core.routes()));
        for (Route route : all) {
            for (int k = 0; k < route.count(); k++) {
                reached.computeIfAbsent(new Element(route.source(), route.sourceFirst() + k), e -> new TreeSet<>())
                        .add(route.destinationCore());
            }
        }
        Map<Element, Set<Integer>> readers = new TreeMap<>();
        for (CoreMapping core : mapping.cores()) {
            for (Piece piece : Stream.concat(core.pieces().stream(), core.replicas().stream()).toList()) {
                for (Projection projection : network.population(piece.unit()).projections()) {
                    for (int n = piece.first(); n < piece.end(); n++) {
                        synapsesInto(projection, n).forEach(s -> readers.computeIfAbsent(s.from(),
                                e -> new TreeSet<>()).add(core.core()));
                    }
                }
            }
        }
        assertEquals(readers, reached, "routes reach exactly the cores that read each element");
    }

    /**
     * (d) Every gate output a core holds pools neurons the core updates, its own or replicas, and no replica is a
     * neuron the core owns.
     */
    static void gateWindowsReadTheirCore(SynapticNetwork network, Mapping mapping) {
        for (CoreMapping core : mapping.cores()) {
            for (Piece replica : core.replicas()) {
                for (int n = replica.first(); n < replica.end(); n++) {
                    int element = n;
                    assertTrue(core.pieces().stream().noneMatch(p -> holds(p, replica.unit(), element)),
                            "core " + core.core() + " owns its replica " + replica.unit() + "[" + n + "]");
                }
            }
            for (Piece gatePiece : core.gates()) {
                GateUnit gate = network.gates().stream().filter(g -> g.name().equals(gatePiece.unit())).findFirst()
                        .orElseThrow();
                Shape in = network.sources().get(gate.population()).shape();
                Shape out = gate.shape();
                Window2d w = gate.window();
                for (int o = gatePiece.first(); o < gatePiece.end(); o++) {
                    int c = o / (out.dim(1) * out.dim(2));
                    int i = o / out.dim(2) % out.dim(1);
                    int j = o % out.dim(2);
                    for (int y = i * w.strideH() - w.padding().top(); y < i * w.strideH() - w.padding().top()
                            + w.kernelH(); y++) {
                        for (int x = j * w.strideW() - w.padding().left(); x < j * w.strideW() - w.padding().left()
                                + w.kernelW(); x++) {
                            if (y < 0 || y >= in.dim(1) || x < 0 || x >= in.dim(2)) {
                                continue;
                            }
                            int element = (c * in.dim(1) + y) * in.dim(2) + x;
                            assertTrue(Stream.concat(core.pieces().stream(), core.replicas().stream())
                                    .anyMatch(p -> holds(p, gate.population(), element)), "core " + core.core()
                                    + ": " + gate.name() + "[" + o + "] pools " + gate.population() + "[" + element
                                    + "], which the core does not update");
                        }
                    }
                }
            }
        }
    }

    /**
     * (axon, atom) → element for every core, from every route; fails if one is fed twice, by a core without the
     * element, or into a core without an axon for it.
     */
    private static Map<Integer, Map<Arrival, Element>> arrivals(SynapticNetwork network, Mapping mapping) {
        Map<Integer, Map<Arrival, Element>> arriving = new TreeMap<>();
        Map<Integer, CoreMapping> byId = new HashMap<>();
        mapping.cores().forEach(core -> byId.put(core.core(), core));
        for (Route route : mapping.inputRoutes()) {
            assertEquals(network.input().name(), route.source(), "the host sends only the input");
            deliver(network, byId, arriving, route);
        }
        for (CoreMapping core : mapping.cores()) {
            for (Route route : core.routes()) {
                for (int k = 0; k < route.count(); k++) {
                    int element = route.sourceFirst() + k;
                    boolean held = core.pieces().stream().anyMatch(p -> holds(p, route.source(), element))
                            || core.gates().stream().anyMatch(p -> holds(p, route.source(), element));
                    assertTrue(held, "core " + core.core() + " sends " + route.source() + "[" + element
                            + "] which it does not hold");
                }
                deliver(network, byId, arriving, route);
            }
        }
        return arriving;
    }

    private static void deliver(SynapticNetwork network, Map<Integer, CoreMapping> cores,
            Map<Integer, Map<Arrival, Element>> arriving, Route route) {
        CoreMapping destination = cores.get(route.destinationCore());
        assertNotNull(destination, "route to core " + route.destinationCore() + ", which holds nothing");
        Map<Arrival, Element> axons = arriving.computeIfAbsent(route.destinationCore(), c -> new HashMap<>());
        for (int k = 0; k < route.count(); k++) {
            Element element = new Element(route.source(), route.sourceFirst() + k);
            Arrival arrival = arrivalOf(network, destination, element);
            assertNull(axons.put(arrival, element), "core " + route.destinationCore() + " " + arrival + " fed twice");
        }
    }

    private static boolean holds(Piece piece, String unit, int element) {
        return piece.unit().equals(unit) && element >= piece.first() && element < piece.end();
    }

    /** The axon of {@code core} that {@code element} arrives on, keyed by position on a population axon. */
    private static Arrival arrivalOf(SynapticNetwork network, CoreMapping core, Element element) {
        Shape shape = network.sources().get(element.source()).shape();
        for (AxonBlock block : core.axons()) {
            int positions = block.positions() ? (int) (shape.size() / shape.dim(0)) : Integer.MAX_VALUE;
            int key = element.element() % positions;
            if (block.source().equals(element.source()) && key >= block.first() && key < block.first() + block.count()) {
                return new Arrival(block.axonFirst() + key - block.first(), element.element() / positions);
            }
        }
        return fail("core " + core.core() + " has no axon for " + element);
    }

    /** Neuron memory of a piece: n, or F'·2^(⌈log2 H⌉ + ⌈log2 W⌉) on Speck. */
    private static long neuronMemory(Shape shape, Piece piece, MemoryModel model) {
        if (model != MemoryModel.SPECK_PADDED) {
            return piece.count();
        }
        if (shape.rank() != 3) {
            return piece.count();
        }
        int map = shape.dim(1) * shape.dim(2);
        long channels = (piece.end() - 1) / map - piece.first() / map + 1;
        return channels * padded(shape.dim(1)) * padded(shape.dim(2));
    }

    private static long padded(int n) {
        long p = 1;
        while (p < n) {
            p *= 2;
        }
        return p;
    }
}
