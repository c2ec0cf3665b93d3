package org.snnc.compiler.nir;

import java.util.BitSet;
import java.util.Map;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SpikingSimulator;

/** Runs an imported graph in the float simulator the way the frameworks step it: every layer within a step. */
final class NirSimulation {

    private NirSimulation() {
    }

    /** Every population's spikes at each of {@code steps} steps of the sequence {@code frames}, sync schedule. */
    static Map<String, BitSet[]> raster(Graph graph, double[] frames, int steps) {
        return new SpikingSimulator(graph, new SimulationOptions(Schedule.SYNC, steps, 1)).spikeRaster(frames, 0);
    }

    /** The spikes of a raster. */
    static long count(BitSet[] raster) {
        long spikes = 0;
        for (BitSet step : raster) {
            spikes += step.cardinality();
        }
        return spikes;
    }
}
