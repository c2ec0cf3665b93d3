package org.snnc.compiler.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.snnc.compiler.sim.SpikingNets.filled;
import static org.snnc.compiler.sim.SpikingNets.parse;

import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.passes.Progress;

/**
 * A CUBA population in the float simulator, stepped by hand. The analog input x = 1 through a weight of 100 enters
 * the current u each step; u keeps 3/4 (δu = 0.25) and v keeps 1/2 (δv = 0.5); θ = 400, reset to zero:
 * <pre>
 *   u = 100, 175, 231.25, 273.4375, 305.078125, 328.80859375
 *   v = 100, 225, 343.75, 445.3125 → spike → 0, 305.078125, 481.34765625 → spike → 0
 * </pre>
 * so the neuron has spiked 0, 0, 0, 1, 1, 2 times after steps 1 … 6, where plain IF (v = 100·t) would have spiked
 * once, at step 4; and a population whose decays are δu = 1, δv = 0 is that IF.
 */
class CubaPopulationTest {

    private static final String NETWORK = """
            network cuba
            input x: f32[1]
            e = encode(x)
            d = dense(e, units=1, weight="w")
            n = if(d, threshold=400, reset=zero%s)
            output o = readout(n, mode=spikecount)
            """;

    private static long[] spikesAfterEachStep(String decays) {
        Graph graph = parse(NETWORK.formatted(decays)).weight("w", filled(100, 1, 1)).build();
        long[] counts = new long[6];
        for (int steps = 1; steps <= counts.length; steps++) {
            counts[steps - 1] = new SpikingSimulator(graph, new SimulationOptions(Schedule.PIPELINED, steps, 1))
                    .spikesPerNeuron(new double[][] {{1.0}}, Progress.NONE).get("n")[0];
        }
        return counts;
    }

    @Test
    void currentAndVoltageDecayAsComputedByHand() {
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 2},
                spikesAfterEachStep(", current_decay=0.25, voltage_decay=0.5"));
    }

    @Test
    void decaysOfOneAndZeroAreIntegrateAndFire() {
        long[] integrateAndFire = {0, 0, 0, 1, 1, 1};
        assertArrayEquals(integrateAndFire, spikesAfterEachStep(""));
        assertArrayEquals(integrateAndFire, spikesAfterEachStep(", current_decay=1, voltage_decay=0"));
    }
}
