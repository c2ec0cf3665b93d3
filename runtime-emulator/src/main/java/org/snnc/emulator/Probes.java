package org.snnc.emulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * Records chosen neurons of one image through a run, as a logic analyser on the chip would: after every step, each
 * probed neuron's membrane v (after its reset), a CUBA neuron's synaptic current u, and whether it spiked.
 */
public final class Probes {

    /** Neuron {@code neuron} (its index within the core, in block order) of core {@code core} (the core's id). */
    public record Probe(int core, int neuron) {
    }

    /**
     * What one probe saw.
     *
     * @param probe    the probed neuron
     * @param name     the neuron as layer[flat index]
     * @param membrane v after step t, at index t − 1
     * @param synapticCurrent u after step t, at index t − 1, for a neuron that decays; null (and not written) for
     *                 integrate-and-fire
     * @param spikes   the steps at which it spiked, ascending
     */
    public record Trace(Probe probe, String name, long[] membrane,
            @JsonInclude(JsonInclude.Include.NON_NULL) long[] synapticCurrent, int[] spikes) {
    }

    private Probes() {
    }

    /**
     * Runs {@code image} for {@code steps} steps and records every probe.
     *
     * @throws EmulatorException if a probe names a core the configuration does not use, or a neuron it lacks
     */
    public static List<Trace> record(Chip chip, int[] image, int steps, boolean strict, List<Probe> probes) {
        int[] coreIndex = new int[probes.size()];
        int[] ids = chip.coreIds();
        for (int p = 0; p < probes.size(); p++) {
            coreIndex[p] = index(ids, probes.get(p), chip);
        }
        long[][] membranes = new long[probes.size()][steps];
        long[][] currents = new long[probes.size()][];
        for (int p = 0; p < probes.size(); p++) {
            CoreTables core = chip.cores[coreIndex[p]];
            currents[p] = core.decays(core.internalOf[probes.get(p).neuron()]) ? new long[steps] : null;
        }
        List<List<Integer>> spikes = new ArrayList<>();
        probes.forEach(probe -> spikes.add(new ArrayList<>()));
        Emulator emulator = new Emulator(chip, strict);
        emulator.load(image);
        for (int t = 1; t <= steps; t++) {
            emulator.step();
            for (int p = 0; p < probes.size(); p++) {
                int neuron = probes.get(p).neuron();
                membranes[p][t - 1] = emulator.membrane(coreIndex[p], neuron);
                if (currents[p] != null) {
                    currents[p][t - 1] = emulator.synapticCurrent(coreIndex[p], neuron);
                }
                if (emulator.spiked(coreIndex[p], neuron)) {
                    spikes.get(p).add(t);
                }
            }
        }
        List<Trace> traces = new ArrayList<>();
        for (int p = 0; p < probes.size(); p++) {
            traces.add(new Trace(probes.get(p), chip.cores[coreIndex[p]].neuronName(probes.get(p).neuron()),
                    membranes[p], currents[p], spikes.get(p).stream().mapToInt(Integer::intValue).toArray()));
        }
        return traces;
    }

    private static int index(int[] ids, Probe probe, Chip chip) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == probe.core()) {
                if (probe.neuron() < 0 || probe.neuron() >= chip.cores[i].neurons) {
                    throw new EmulatorException("probe " + probe.core() + ":" + probe.neuron() + ": core "
                            + probe.core() + " holds neurons 0.." + (chip.cores[i].neurons - 1));
                }
                return i;
            }
        }
        throw new EmulatorException("probe " + probe.core() + ":" + probe.neuron() + ": the configuration uses "
                + "no core " + probe.core());
    }
}
