package org.snnc.compiler.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Verifier;

/** The sequence input: frame t is delivered as events at step t, and the input is silent after the last frame. */
class SequenceInputTest {

    /** Two inputs, each driving its own neuron with weight 0.5 (the second also with 2 from a count of 2). */
    private static Graph network() {
        return SpikingNets.parse("""
                network seq
                input x: f32[2]
                x.encoded = encode(x, mode=sequence)
                d = dense(x.encoded, units=2, weight="d.w")
                p = if(d, reset=zero)
                output out = readout(p, mode=spikecount)
                """).weight("d.w", SpikingNets.tensor(new int[] {2, 2}, 0.5, 0, 0, 0.5)).build();
    }

    /**
     * The first population takes frame k in step k under either schedule, as the chip does (its step k + 1, counted
     * from 1): the frame's synaptic input is computed as the step starts, not passed on like spikes a step later.
     */
    @ParameterizedTest
    @EnumSource(Schedule.class)
    void eachFrameIsOneStepsEventsAndTheInputIsSilentAfterTheLastFrame(Schedule schedule) {
        // Frames (1, 0), (1, 2), (1, 2): neuron 0 reaches 1 at step 1, neuron 1 at steps 1 and 2.
        double[] frames = {1, 0, 1, 2, 1, 2};
        Map<String, BitSet[]> raster = new SpikingSimulator(network(), new SimulationOptions(schedule, 6, 1))
                .spikeRaster(frames, 0);
        List<List<Integer>> fired = new ArrayList<>();
        for (BitSet step : raster.get("p")) {
            fired.add(step.stream().boxed().toList());
        }
        assertEquals(List.of(List.of(), List.of(0, 1), List.of(1), List.of(), List.of(), List.of()), fired);
    }

    @Test
    void aSequenceHoldsWholeFrames() {
        SpikingSimulator simulator = new SpikingSimulator(network(), new SimulationOptions(Schedule.SYNC, 3, 1));
        assertEquals(2, simulator.inputSize());
        assertThrows(IllegalArgumentException.class, () -> simulator.spikeRaster(new double[] {1, 0, 1}, 0));
        assertThrows(IllegalArgumentException.class, () -> simulator.spikeRaster(new double[0], 0));
    }

    @Test
    void theRateNetworkReadsTheMeanFrame() {
        Graph graph = network();
        List<double[]> inputs = new ArrayList<>();
        new RateNetwork(graph, Verifier.verify(graph).shapes()).evaluate(new double[] {1, 0, 1, 2, 0, 1},
                (population, z) -> inputs.add(z));
        assertArrayEquals(new double[] {0.5 * 2 / 3, 0.5}, inputs.get(0), 1e-15);
    }
}
