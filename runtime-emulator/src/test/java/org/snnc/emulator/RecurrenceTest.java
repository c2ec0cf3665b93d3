package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * A neuron that feeds itself: its routes form a cycle, so the emulator advances one step at a time, and every spike
 * still arrives in the step after it.
 */
class RecurrenceTest {
    /** One neuron p, analog input x with weight 2, threshold 5, reset by subtraction, and a synapse p → p. */
    static String recurrent(int recurrentWeight) {
        return recurrent(recurrentWeight, 0);
    }

    /** As {@link #recurrent(int)}, the loop's weight {@code mantissa·2^exponent}, on 56-bit registers. */
    static String recurrent(int mantissa, int exponent) {
        return recurrent(mantissa, exponent, 1);
    }

    /** {@code neurons} such neurons, each feeding itself only. */
    static String recurrent(int mantissa, int exponent, int neurons) {
        StringBuilder zeros = new StringBuilder();
        StringBuilder inputs = new StringBuilder();
        StringBuilder loop = new StringBuilder();
        for (int row = 0; row < neurons; row++) {
            zeros.append(row == 0 ? "0" : ",0");
            inputs.append(row == 0 ? "2" : ",2");
            for (int column = 0; column < neurons; column++) {
                loop.append(row + column == 0 ? "" : ",").append(row == column ? mantissa : 0);
            }
        }
        return String.format("""
                {"format":"snnc-config","version":1,"network":"loop",
                 "chip":{"format":"snnc-chip/1","name":"tiny","cores":2,
                   "core":{"neurons":8,"input_axons":8,"output_axons":8,"synapse_memory":64,"bias_memory":8},
                   "memory_model":"entries","weights":{"bits":4,"exponent_min":0,"exponent_max":40},
                   "neurons":{"threshold_bits":4,"threshold_shift":0,"bias_bits":6,"bias_exponent_max":0,
                     "accumulator_bits":56,"state_bits":56,"overflow":"saturate","fire":"ge",
                     "resets":["subtract","zero"]},
                   "features":{"maxpool_gate":true,"split_layers":true},"routing":{"self_routes":true}},
                 "allocator":"greedy",
                 "input":{"name":"x.encoded","input":"x","shape":[1],"dtype":"u8","encoding":"analog","seed":0},
                 "layers":[{"name":"p","shape":[%1$d],"cores":[0]}],
                 "kernels":[],"gates":[],
                 "cores":[{"id":0,"neurons":[{"layer":"p","first":0,"count":%1$d,"threshold":5,"reset":"subtract",
                     "weight_exponent":0,"bias":{"per":"neuron","exponent":0,"mantissas":[%2$s]}}],"gates":[],
                   "axons":[{"source":"x.encoded","source_first":0,"count":1,"axon_first":0},
                            {"source":"p","source_first":0,"count":%1$d,"axon_first":1}],
                   "synapses":[{"kind":"dense","name":"h","source":"x.encoded","target":"p","rows_first":0,
                       "rows":%1$d,"inputs":1,"exponent":0,"mantissas":[%3$s]},
                     {"kind":"dense","name":"loop","source":"p","target":"p","rows_first":0,
                       "rows":%1$d,"inputs":%1$d,"exponent":%4$d,"mantissas":[%5$s]}],
                   "routes":[{"source":"p","source_first":0,"count":%1$d,"core":0,"axon_first":1}],
                   "usage":{"neurons":%1$d,"synapse_memory":2,"bias_memory":1,"input_axons":2,"output_axons":1,
                     "destinations":1}}],
                 "input_routes":[{"source":"x.encoded","source_first":0,"count":1,"core":0,"axon_first":0}],
                 "readout":{"name":"p.readout","population":"p","mode":"membrane","seed":0}}
                """, neurons, zeros, inputs, exponent, loop);
    }

    @Test
    void aCycleOfRoutesIsAdvancedStepByStep() {
        Chip chip = Chip.build(ConfigurationLoader.parse(recurrent(-2), "loop.json"), "loop.json");
        Emulator emulator = new Emulator(chip, true);
        assertEquals(1, emulator.chunk());
        emulator.load(new int[] {3});
        long[] membranes = new long[6];
        for (int t = 0; t < membranes.length; t++) {
            emulator.step();
            membranes[t] = emulator.membrane(0, 0);
        }
        // v += 6 every step, less 2 in the step after each spike; a spike takes 5 away.
        assertArrayEquals(new long[] {1, 0, 4, 5, 4, 3}, membranes);
        assertEquals(1 + 5, emulator.synapticOps(), "the analog input once, then one event per spike");
    }

    @Test
    void inputsBeyond32BitsKeepAWordPerNeuron() {
        Chip chip = Chip.build(ConfigurationLoader.parse(recurrent(-1, 33), "wide.json"), "wide.json");
        assertEquals(1, chip.pendingWords[0].lanes);
        Emulator emulator = new Emulator(chip, true);
        emulator.load(new int[] {3});
        emulator.step();
        emulator.step();
        emulator.step();
        assertEquals(1 + 6 + 6 - (1L << 33), emulator.membrane(0, 0), "one spike, then −2³³ and no more spikes");
    }

    @Test
    void runnerResultsOnACycleDoNotDependOnTheThreadCount() {
        Chip chip = Chip.build(ConfigurationLoader.parse(recurrent(-3), "loop.json"), "loop.json");
        int[][] images = {{1}, {2}, {3}, {4}, {5}};
        Runner.Result one = Runner.run(chip, images, 30, 1, true, null);
        Runner.Result two = Runner.run(chip, images, 30, 2, true, null);
        for (int i = 0; i < images.length; i++) {
            assertArrayEquals(one.synapticOps()[i], two.synapticOps()[i]);
        }
        assertArrayEquals(one.spikesPerCore(), two.spikesPerCore());
    }
}
