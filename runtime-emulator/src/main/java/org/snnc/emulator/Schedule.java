package org.snnc.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snnc.emulator.config.Configuration;

/**
 * The order in which the {@link Emulator} advances the populations, and how many steps it advances each at a time.
 *
 * <p>Every route delivers a spike of step t into its targets' input for step t+1, and a gate reads its population's
 * spikes of the same step. So if the populations, joined by their routes and gates, form no cycle, one population can
 * be advanced through a whole chunk of {@value #CHUNK} steps before the populations it feeds: by the time a
 * population integrates steps t..t+C−1, every event for them has been delivered. The results are those of the
 * cycle order, step by step, because no value of step t depends on anything of step t or later outside its own
 * neuron (and, for a gate, its window). Advancing a population through many steps at once lets each spiking neuron walk
 * its synapse table once per chunk instead of once per spike. A configuration whose routes form a cycle is advanced
 * one step at a time, in which case any order that puts every population before its gates is the cycle order.
 */
final class Schedule {
    /** Steps per chunk for a configuration without cycles: one 64-bit word of spikes per neuron. */
    static final int CHUNK = Long.SIZE;

    /** {@code count} consecutive slots (neurons, then gate outputs) of the core at index {@code core}. */
    record Segment(int core, int first, int count) {
    }

    /** One population (a neuron layer or a gate unit) and where its slots are. */
    record Stage(String population, boolean gate, List<Segment> segments) {
    }

    final int chunk;
    final List<Stage> stages;

    private Schedule(int chunk, List<Stage> stages) {
        this.chunk = chunk;
        this.stages = stages;
    }

    static Schedule of(Configuration configuration, CoreTables[] cores) {
        List<String> names = new ArrayList<>();
        configuration.layers().forEach(layer -> names.add(layer.name()));
        int layers = names.size();
        configuration.gates().forEach(gate -> names.add(gate.name()));
        Map<String, Integer> index = new HashMap<>();
        for (int p = 0; p < names.size(); p++) {
            index.put(names.get(p), p);
        }
        int[][] slotPopulation = new int[cores.length][];
        List<List<Segment>> segments = new ArrayList<>();
        names.forEach(name -> segments.add(new ArrayList<>()));
        for (int c = 0; c < cores.length; c++) {
            slotPopulation[c] = slotPopulations(cores[c], index, c, segments);
        }
        boolean[][] feeds = new boolean[names.size()][names.size()];
        for (Configuration.GateUnit gate : configuration.gates()) {
            feeds[index.get(gate.population())][index.get(gate.name())] = true;
        }
        int[][][] axonPopulations = new int[cores.length][][];
        for (int c = 0; c < cores.length; c++) {
            axonPopulations[c] = axonPopulations(cores[c], slotPopulation[c], names.size());
        }
        for (int c = 0; c < cores.length; c++) {
            CoreTables core = cores[c];
            for (int slot = 0; slot < slotPopulation[c].length; slot++) {
                for (int r = core.routeStart[slot]; r < core.routeStart[slot + 1]; r++) {
                    for (int target : axonPopulations[core.routeCore[r]][core.routeAxon[r]]) {
                        feeds[slotPopulation[c][slot]][target] = true;
                    }
                }
            }
        }
        int[] order = topologicalOrder(feeds);
        int chunk = CHUNK;
        if (order == null) {
            chunk = 1;
            order = new int[names.size()];
            for (int p = 0; p < order.length; p++) {
                order[p] = p;
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (int p : order) {
            if (!segments.get(p).isEmpty()) {
                stages.add(new Stage(names.get(p), p >= layers, List.copyOf(segments.get(p))));
            }
        }
        return new Schedule(chunk, List.copyOf(stages));
    }

    /** Each slot's population index; adds the core's neuron and gate blocks to their populations' segments. */
    private static int[] slotPopulations(CoreTables core, Map<String, Integer> index, int coreIndex,
                                         List<List<Segment>> segments) {
        int[] population = new int[core.neurons + core.gateOutputs];
        String[][] names = {core.layerName, core.gateBlockUnit};
        int[][] starts = {core.layerFirst, core.gateBlockLocal};
        int[] ends = {core.neurons, core.neurons + core.gateOutputs};
        for (int kind = 0; kind < 2; kind++) {
            for (int b = 0; b < starts[kind].length; b++) {
                int from = starts[kind][b];
                int to = b + 1 < starts[kind].length ? starts[kind][b + 1] : ends[kind];
                if (to == from) {
                    continue;
                }
                int p = index.get(names[kind][b]);
                Arrays.fill(population, from, to, p);
                segments.get(p).add(new Segment(coreIndex, from, to - from));
            }
        }
        return population;
    }

    /** For each axon of the core, the distinct populations its synapses reach. */
    private static int[][] axonPopulations(CoreTables core, int[] slotPopulation, int populations) {
        int axons = core.axons();
        int[][] reached = new int[axons][];
        int[] seenAt = new int[populations];
        Arrays.fill(seenAt, -1);
        int[] found = new int[populations];
        for (int a = 0; a < axons; a++) {
            int distinct = 0;
            for (int s = core.axonSegment[a]; s < core.axonSegment[a + 1]; s++) {
                for (int t = core.segmentNeuron[s]; t < core.segmentNeuron[s] + core.segmentCount[s]; t++) {
                    int p = slotPopulation[t];
                    if (seenAt[p] != a) {
                        seenAt[p] = a;
                        found[distinct++] = p;
                    }
                }
            }
            reached[a] = Arrays.copyOf(found, distinct);
        }
        return reached;
    }

    /** Kahn's algorithm, lowest index first among the ready; null when the graph has a cycle. */
    private static int[] topologicalOrder(boolean[][] feeds) {
        int n = feeds.length;
        int[] inputs = new int[n];
        for (boolean[] row : feeds) {
            for (int q = 0; q < n; q++) {
                inputs[q] += row[q] ? 1 : 0;
            }
        }
        int[] order = new int[n];
        boolean[] placed = new boolean[n];
        for (int k = 0; k < n; k++) {
            int ready = -1;
            for (int p = 0; p < n && ready < 0; p++) {
                if (!placed[p] && inputs[p] == 0) {
                    ready = p;
                }
            }
            if (ready < 0) {
                return null;
            }
            placed[ready] = true;
            order[k] = ready;
            for (int q = 0; q < n; q++) {
                inputs[q] -= feeds[ready][q] ? 1 : 0;
            }
        }
        return order;
    }
}
