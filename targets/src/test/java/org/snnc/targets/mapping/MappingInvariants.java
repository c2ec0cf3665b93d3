package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
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

    /** (a), (b) and (c) at once. */
    static void check(SynapticNetwork network, Mapping mapping) {
        piecesCoverEveryNeuronOnce(network, mapping);
        everySynapseOnceOnItsCore(network, mapping);
        withinLimits(mapping);
        routesReachExactlyTheReaders(network, mapping);
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

    /**
     * (a) Each axon of each core is fed by exactly one route, from a core that holds the element (or the host for the
     * input), and that element is the one the axon block names; expanding each core's pieces through the elements
     * that arrive on its axons gives the network's synapses, each exactly once.
     */
    static void everySynapseOnceOnItsCore(SynapticNetwork network, Mapping mapping) {
        Map<Integer, Map<Integer, Element>> arriving = arrivals(network, mapping);
        Map<Synapse, Integer> mapped = new HashMap<>();
        for (CoreMapping core : mapping.cores()) {
            Map<Integer, Element> axons = arriving.getOrDefault(core.core(), Map.of());
            long axonCount = core.axons().stream().mapToLong(AxonBlock::count).sum();
            assertEquals(axonCount, axons.size(), "core " + core.core() + ": every axon is fed, and only axons");
            for (AxonBlock block : core.axons()) {
                for (int k = 0; k < block.count(); k++) {
                    assertEquals(new Element(block.source(), block.sourceFirst() + k), axons.get(block.axonFirst() + k),
                            "core " + core.core() + " axon " + (block.axonFirst() + k));
                }
            }
            for (Piece piece : core.pieces()) {
                for (Projection projection : network.population(piece.unit()).projections()) {
                    for (int n = piece.first(); n < piece.end(); n++) {
                        for (Synapse synapse : synapsesInto(projection, n)) {
                            int axon = axonOf(core, synapse.from());
                            Synapse delivered = new Synapse(synapse.projection(), axons.get(axon), n,
                                    synapse.weight());
                            mapped.merge(delivered, 1, Integer::sum);
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
            String at = "core " + core.core() + " of " + chip.name();
            assertTrue(neurons <= chip.core(core.core()).neurons(), at + ": neurons " + neurons);
            long axons = core.axons().stream().mapToLong(AxonBlock::count).sum();
            assertTrue(axons <= chip.core(core.core()).inputAxons(), at + ": input axons " + axons);
            long sent = core.routes().stream().mapToLong(Route::count).sum();
            assertTrue(sent <= chip.core(core.core()).outputAxons(), at + ": output axons " + sent);
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

    /** (c) For every source element, the cores its routes reach are the cores with a neuron that reads it. */
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
            for (Piece piece : core.pieces()) {
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

    /** Axon → element for every core, from every route; fails if an axon is fed twice or by a core without it. */
    private static Map<Integer, Map<Integer, Element>> arrivals(SynapticNetwork network, Mapping mapping) {
        Map<Integer, Map<Integer, Element>> arriving = new TreeMap<>();
        for (Route route : mapping.inputRoutes()) {
            assertEquals(network.input().name(), route.source(), "the host sends only the input");
            deliver(arriving, route);
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
                deliver(arriving, route);
            }
        }
        return arriving;
    }

    private static void deliver(Map<Integer, Map<Integer, Element>> arriving, Route route) {
        Map<Integer, Element> axons = arriving.computeIfAbsent(route.destinationCore(), c -> new TreeMap<>());
        for (int k = 0; k < route.count(); k++) {
            Element previous = axons.put(route.axonFirst() + k, new Element(route.source(), route.sourceFirst() + k));
            assertNull(previous, "core " + route.destinationCore() + " axon " + (route.axonFirst() + k) + " fed twice");
        }
    }

    private static boolean holds(Piece piece, String unit, int element) {
        return piece.unit().equals(unit) && element >= piece.first() && element < piece.end();
    }

    private static int axonOf(CoreMapping core, Element element) {
        for (AxonBlock block : core.axons()) {
            if (block.source().equals(element.source()) && element.element() >= block.sourceFirst()
                    && element.element() < block.sourceFirst() + block.count()) {
                return block.axonFirst() + element.element() - block.sourceFirst();
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
