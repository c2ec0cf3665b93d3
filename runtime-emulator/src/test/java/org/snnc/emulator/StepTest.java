package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * Hand-computed steps on a one-core chip with 6-bit registers ([−32, 31]), 4-bit weights with exponents in [0, 2] and
 * thresholds up to 15. The input is one analog value x; output neuron k gets weight rows[k]·x and bias biases[k].
 */
class StepTest {
    static String tiny(String overflow, String floor, String fire, String reset, long[] weights,
                               long[] biases, long[] thresholds) {
        StringBuilder blocks = new StringBuilder();
        StringBuilder mantissas = new StringBuilder();
        for (int k = 0; k < weights.length; k++) {
            blocks.append(k == 0 ? "" : ",").append(String.format(
                    "{\"layer\":\"p\",\"first\":%d,\"count\":1,\"threshold\":%d,\"reset\":\"%s\",\"weight_exponent\":0,"
                            + "\"bias\":{\"per\":\"neuron\",\"exponent\":0,\"mantissas\":[%d]}}",
                    k, thresholds[k], reset, biases[k]));
            mantissas.append(k == 0 ? "" : ",").append(weights[k]);
        }
        return String.format("""
                {"format":"snnc-config","version":1,"network":"tiny",
                 "chip":{"format":"snnc-chip/1","name":"tiny","cores":2,
                   "core":{"neurons":8,"input_axons":8,"output_axons":8,"synapse_memory":64,"bias_memory":8},
                   "memory_model":"entries","weights":{"bits":4,"exponent_min":0,"exponent_max":2},
                   "neurons":{"threshold_bits":4,"threshold_shift":0,"bias_bits":6,"bias_exponent_max":0,
                     "accumulator_bits":6,"state_bits":6,"overflow":"%s",%s"fire":"%s","resets":["subtract","zero"]},
                   "features":{"maxpool_gate":true,"split_layers":true},"routing":{"self_routes":true}},
                 "allocator":"greedy",
                 "input":{"name":"x.encoded","input":"x","shape":[1],"dtype":"u8","encoding":"analog","seed":0},
                 "layers":[{"name":"p","shape":[%d],"cores":[0]}],
                 "kernels":[],"gates":[],
                 "cores":[{"id":0,"neurons":[%s],"gates":[],
                   "axons":[{"source":"x.encoded","source_first":0,"count":1,"axon_first":0}],
                   "synapses":[{"kind":"dense","name":"h","source":"x.encoded","target":"p","rows_first":0,
                     "rows":%d,"inputs":1,"exponent":0,"mantissas":[%s]}],
                   "routes":[],
                   "usage":{"neurons":1,"synapse_memory":1,"bias_memory":1,"input_axons":1,"output_axons":0,"destinations":0}}],
                 "input_routes":[{"source":"x.encoded","source_first":0,"count":1,"core":0,"axon_first":0}],
                 "readout":{"name":"p.readout","population":"p","mode":"membrane","seed":0}}
                """, overflow, floor.isEmpty() ? "" : "\"membrane_floor\":" + floor + ",", fire, weights.length,
                blocks, weights.length, mantissas);
    }

    private static Emulator oneNeuron(String overflow, String floor, String fire, String reset, long weight, long bias,
                                      long threshold, int x, boolean strict) {
        String text = tiny(overflow, floor, fire, reset, new long[] {weight}, new long[] {bias},
                new long[] {threshold});
        Emulator emulator = new Emulator(Chip.build(ConfigurationLoader.parse(text, "tiny.json"), "tiny.json"),
                strict);
        emulator.load(new int[] {x});
        return emulator;
    }

    @Test
    void subtractResetKeepsTheRemainder() {
        Emulator emulator = oneNeuron("saturate", "", "ge", "subtract", 2, 0, 5, 3, true);
        emulator.step();
        assertTrue(emulator.spiked(0, 0));
        assertEquals(1, emulator.membrane(0, 0));
        emulator.step();
        assertEquals(2, emulator.membrane(0, 0));
        assertEquals(2, emulator.spikeCount(0, 0));
    }

    @Test
    void theMembraneStartsAtItsInitialValueOnEveryImage() {
        // θ = 5, v0 = 2, input 2·1 a step: v = 2 at load, 4 after step 1, 6 → spike at step 2 keeping 1; v0 = 0 would
        // spike first at step 3.
        String text = tiny("saturate", "", "ge", "subtract", new long[] {2}, new long[] {0}, new long[] {5})
                .replace("\"threshold\":5,", "\"threshold\":5,\"v0\":2,");
        Emulator emulator = new Emulator(Chip.build(ConfigurationLoader.parse(text, "tiny.json"), "tiny.json"), true);
        for (int image = 0; image < 2; image++) {
            emulator.load(new int[] {1});
            assertEquals(2, emulator.membrane(0, 0));
            emulator.step();
            assertEquals(4, emulator.membrane(0, 0));
            emulator.step();
            assertTrue(emulator.spiked(0, 0));
            assertEquals(1, emulator.membrane(0, 0));
        }
    }

    @Test
    void zeroResetClearsTheMembrane() {
        Emulator emulator = oneNeuron("saturate", "", "ge", "zero", 2, 0, 5, 3, true);
        emulator.step();
        assertTrue(emulator.spiked(0, 0));
        assertEquals(0, emulator.membrane(0, 0));
    }

    @Test
    void geFiresAtTheThresholdAndGtOnlyAbove() {
        Emulator ge = oneNeuron("saturate", "", "ge", "subtract", 1, 0, 5, 5, true);
        Emulator gt = oneNeuron("saturate", "", "gt", "subtract", 1, 0, 5, 5, true);
        ge.step();
        gt.step();
        assertTrue(ge.spiked(0, 0));
        assertEquals(0, ge.membrane(0, 0));
        assertTrue(!gt.spiked(0, 0));
        assertEquals(5, gt.membrane(0, 0));
        gt.step();
        assertTrue(gt.spiked(0, 0));
        assertEquals(5, gt.membrane(0, 0));
    }

    @Test
    void accumulatorSaturatesAndWraps() {
        Emulator saturating = oneNeuron("saturate", "", "ge", "subtract", 7, 0, 15, 100, false);
        saturating.step();
        assertEquals(31 - 15, saturating.membrane(0, 0));
        Emulator wrapping = oneNeuron("wrap", "", "ge", "subtract", 7, 0, 15, 100, false);
        wrapping.step();
        assertEquals(-4, wrapping.membrane(0, 0), "700 keeps its low 6 bits, 60, which reads as 60 - 64");
    }

    @Test
    void membraneSaturatesAndWraps() {
        Emulator saturating = oneNeuron("saturate", "", "ge", "subtract", 2, 15, 15, 10, false);
        saturating.step();
        assertEquals(31 - 15, saturating.membrane(0, 0));
        Emulator wrapping = oneNeuron("wrap", "", "ge", "subtract", 2, 15, 15, 10, false);
        wrapping.step();
        assertEquals(35 - 64, wrapping.membrane(0, 0));
    }

    @Test
    void floorClampsTheMembraneFromBelow() {
        Emulator emulator = oneNeuron("saturate", "-8", "ge", "subtract", -5, 0, 5, 4, true);
        emulator.step();
        assertEquals(-8, emulator.membrane(0, 0));
        emulator.step();
        assertEquals(-8, emulator.membrane(0, 0));
    }

    @Test
    void strictModeNamesCoreNeuronAndStep() {
        Emulator emulator = oneNeuron("wrap", "", "ge", "zero", -2, 0, 15, 15, true);
        emulator.step();
        EmulatorException error = assertThrows(EmulatorException.class, emulator::step);
        assertTrue(error.getMessage().contains("core 0, neuron p[0], step 2"), error.getMessage());
        assertTrue(error.getMessage().contains("membrane value -60"), error.getMessage());
    }

    @Test
    void membraneReadoutAddsThresholdTimesSpikes() {
        String text = tiny("saturate", "", "ge", "subtract", new long[] {2, 1}, new long[] {0, 0},
                new long[] {5, 15});
        Emulator emulator = new Emulator(Chip.build(ConfigurationLoader.parse(text, "t.json"), "t.json"), true);
        emulator.load(new int[] {3});
        emulator.step();
        assertEquals(1, emulator.membrane(0, 0));
        assertEquals(3, emulator.membrane(0, 1));
        assertEquals(0, emulator.prediction(), "5·1 + 1 = 6 beats 0 + 3");
    }

    @Test
    void analogInputIsConstantAndCountedOnce() {
        Emulator emulator = oneNeuron("saturate", "", "ge", "subtract", 3, 0, 15, 2, true);
        for (int t = 1; t <= 4; t++) {
            emulator.step();
        }
        assertEquals(4 * 6 - 15, emulator.membrane(0, 0));
        assertEquals(1, emulator.synapticOps());
    }
}
