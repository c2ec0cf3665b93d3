package org.snnc.compiler.intsim;

import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one traced image did: for every population and every max-pool gate, its spike vector at every step
 * (bit i set when element i, flat in C order, spiked), and optionally every population's membrane v after the step's
 * reset. Steps are 1-based in the accessors.
 */
public final class SpikeTrace {

    private final int steps;
    private final Map<String, BitSet[]> spikes;
    private final Map<String, long[][]> membranes;

    SpikeTrace(int steps, List<String> nodes, List<String> populations, boolean withMembranes) {
        this.steps = steps;
        Map<String, BitSet[]> s = new LinkedHashMap<>();
        for (String node : nodes) {
            s.put(node, new BitSet[steps]);
        }
        this.spikes = s;
        Map<String, long[][]> m = new LinkedHashMap<>();
        if (withMembranes) {
            for (String population : populations) {
                m.put(population, new long[steps][]);
            }
        }
        this.membranes = m;
    }

    void recordSpikes(String node, int step, long[] vector) {
        BitSet bits = new BitSet(vector.length);
        for (int i = 0; i < vector.length; i++) {
            if (vector[i] != 0) {
                bits.set(i);
            }
        }
        spikes.get(node)[step - 1] = bits;
    }

    void recordMembrane(String population, int step, long[] v) {
        long[][] perStep = membranes.get(population);
        if (perStep != null) {
            perStep[step - 1] = v.clone();
        }
    }

    public int steps() {
        return steps;
    }

    /** The traced nodes, populations and gates, in definition order. */
    public List<String> nodes() {
        return List.copyOf(spikes.keySet());
    }

    /** The elements of {@code node} (a population or a gate) that spiked in step {@code step} (1-based); a copy. */
    public BitSet spikes(String node, int step) {
        BitSet[] perStep = spikes.get(node);
        if (perStep == null) {
            throw new IllegalArgumentException("no population or gate '" + node + "' in the trace");
        }
        return (BitSet) perStep[step - 1].clone();
    }

    /** The steps (1-based, increasing) at which element {@code index} of {@code node} spiked. */
    public List<Integer> spikeSteps(String node, int index) {
        List<Integer> at = new java.util.ArrayList<>();
        for (int t = 1; t <= steps; t++) {
            if (spikes.get(node)[t - 1].get(index)) {
                at.add(t);
            }
        }
        return at;
    }

    /** The membranes v of {@code population} after step {@code step}'s reset, if membranes were traced; a copy. */
    public Optional<long[]> membrane(String population, int step) {
        long[][] perStep = membranes.get(population);
        return perStep == null ? Optional.empty() : Optional.of(perStep[step - 1].clone());
    }

    /** Whether the membranes were recorded. */
    public boolean hasMembranes() {
        return !membranes.isEmpty();
    }

    Map<String, BitSet[]> rawSpikes() {
        return Collections.unmodifiableMap(spikes);
    }
}
