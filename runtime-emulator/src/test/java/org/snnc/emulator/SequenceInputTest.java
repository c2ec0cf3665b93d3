package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.ConfigurationLoader;
import org.snnc.emulator.io.Npz;

/**
 * Hand-computed steps of a sequence input: frames of 2 event counts into one dense layer of 2 IF neurons (θ = 5 and
 * 6, reset by subtraction, no bias), weights W = [[3, 1], [−1, 5]], frames x[0] = [1, 0], x[1] = [2, 1],
 * x[2] = [0, 1], then silence. Frame t−1's events reach the layer in step t:
 * <pre>
 *   step  W·x      v0 (spike)   v1 (spike)   operations (2 targets per event)
 *   1     [3, −1]  3            −1           2
 *   2     [7, 3]   10 → 5 (s)   2            2 + 6
 *   3     [1, 5]   6 → 1 (s)    7 → 1 (s)    8 + 2
 *   4, 5  [0, 0]   1            1            10
 * </pre>
 * The membrane readout θ·n + v + q after step 1 is [3, −1] (margin 4): the next frame is not yet in q.
 */
class SequenceInputTest {
    private static final int[] FRAMES = {1, 0, 2, 1, 0, 1};
    private static final long[][] MEMBRANES = {{3, -1}, {5, 2}, {1, 1}, {1, 1}, {1, 1}};
    private static final boolean[][] SPIKES = {{false, false}, {true, false}, {true, true}, {false, false},
            {false, false}};
    private static final long[] OPERATIONS = {2, 8, 10, 10, 10};

    static String configuration(String inputFields) {
        return """
                {"format":"snnc-config","version":1,"network":"events",
                 "chip":{"format":"snnc-chip/1","name":"tiny","cores":1,
                   "core":{"neurons":8,"input_axons":8,"output_axons":8,"synapse_memory":64,"bias_memory":8},
                   "memory_model":"entries","weights":{"bits":4,"exponent_min":0,"exponent_max":2},
                   "neurons":{"threshold_bits":4,"threshold_shift":0,"bias_bits":6,"bias_exponent_max":0,
                     "accumulator_bits":6,"state_bits":6,"overflow":"saturate","fire":"ge",
                     "resets":["subtract","zero"]},
                   "features":{"maxpool_gate":true,"split_layers":true},"routing":{"self_routes":true}},
                 "allocator":"greedy",
                 "input":{"name":"x.encoded","input":"x","shape":[2],"dtype":"u8",%s,"seed":0},
                 "layers":[{"name":"p","shape":[2],"cores":[0]}],
                 "kernels":[],"gates":[],
                 "cores":[{"id":0,"neurons":[
                     {"layer":"p","first":0,"count":1,"threshold":5,"reset":"subtract","weight_exponent":0,
                      "bias":{"per":"neuron","exponent":0,"mantissas":[0]}},
                     {"layer":"p","first":1,"count":1,"threshold":6,"reset":"subtract","weight_exponent":0,
                      "bias":{"per":"neuron","exponent":0,"mantissas":[0]}}],
                   "gates":[],
                   "axons":[{"source":"x.encoded","source_first":0,"count":2,"axon_first":0}],
                   "synapses":[{"kind":"dense","name":"h","source":"x.encoded","target":"p","rows_first":0,
                     "rows":2,"inputs":2,"exponent":0,"mantissas":[3,1,-1,5]}],
                   "routes":[],
                   "usage":{"neurons":2,"synapse_memory":4,"bias_memory":2,"input_axons":2,"output_axons":0,
                     "destinations":0}}],
                 "input_routes":[{"source":"x.encoded","source_first":0,"count":2,"core":0,"axon_first":0}],
                 "readout":{"name":"p.readout","population":"p","mode":"membrane","seed":0}}
                """.formatted(inputFields);
    }

    private static Chip chip() {
        String text = configuration("\"encoding\":\"sequence\",\"max_events\":2");
        return Chip.build(ConfigurationLoader.parse(text, "events.json"), "events.json");
    }

    @Test
    void eachFrameReachesTheLayerInItsOwnStepAndTheInputFallsSilentAfterTheLast() {
        Chip chip = chip();
        assertTrue(chip.sequenceInput());
        Emulator stepped = new Emulator(chip, true);
        CycleStepper plain = new CycleStepper(chip, true);
        stepped.load(FRAMES);
        plain.load(FRAMES);
        for (int t = 0; t < MEMBRANES.length; t++) {
            stepped.step();
            plain.step();
            for (int i = 0; i < 2; i++) {
                assertEquals(MEMBRANES[t][i], stepped.membrane(0, i), "v" + i + " after step " + (t + 1));
                assertEquals(MEMBRANES[t][i], plain.membrane(0, i), "v" + i + " after step " + (t + 1));
                assertEquals(SPIKES[t][i], stepped.spiked(0, i), "s" + i + " at step " + (t + 1));
                assertEquals(SPIKES[t][i], plain.spiked(0, i), "s" + i + " at step " + (t + 1));
            }
            assertEquals(OPERATIONS[t], stepped.synapticOps(), "operations through step " + (t + 1));
            assertEquals(OPERATIONS[t], plain.synapticOps(), "operations through step " + (t + 1));
            assertEquals(0, stepped.prediction());
            if (t == 0) {
                assertEquals(4, stepped.margin(0));
                assertEquals(4, plain.margin());
            }
        }
    }

    @Test
    void aChunkRunsTheStepsOneStepAtATimeRuns() {
        Emulator chunked = new Emulator(chip(), true);
        for (int image = 0; image < 2; image++) {
            chunked.load(FRAMES);
            chunked.advance(MEMBRANES.length);
            for (int k = 0; k < MEMBRANES.length; k++) {
                assertEquals(OPERATIONS[k], chunked.synapticOps(k));
                assertEquals(SPIKES[k][0], chunked.spiked(0, 0, k));
                assertEquals(SPIKES[k][1], chunked.spiked(0, 1, k));
            }
            assertEquals(MEMBRANES[MEMBRANES.length - 1][0], chunked.membrane(0, 0));
            assertEquals(2, chunked.spikeCount(0, 0));
            assertEquals(1, chunked.spikeCount(0, 1));
        }
    }

    @Test
    void theRunnerTakesSequencesOfAnyLength() {
        Runner.Result result = Runner.run(chip(), new int[][] {FRAMES, {}, {1, 0}}, 5, 2, true, null);
        assertArrayEquals(OPERATIONS, result.synapticOps()[0]);
        assertArrayEquals(new long[5], result.synapticOps()[1]);
        assertArrayEquals(new long[] {2, 2, 2, 2, 2}, result.synapticOps()[2]);
    }

    @Test
    void countsOutsideTheDeclaredEventsAndPartialFramesAreRefused() {
        Emulator emulator = new Emulator(chip(), true);
        EmulatorException tooMany = assertThrows(EmulatorException.class, () -> emulator.load(new int[] {1, 0, 3, 0}));
        assertEquals("value 3 of frame 1 at element 0 is not an event count in [0, 2], the events per step of the "
                + "configuration's input (input.max_events)", tooMany.getMessage());
        assertThrows(EmulatorException.class, () -> emulator.load(new int[] {1, -1}));
        EmulatorException partial = assertThrows(EmulatorException.class, () -> emulator.load(new int[] {1, 0, 1}));
        assertTrue(partial.getMessage().startsWith("the input has 3 values, not whole frames"), partial.getMessage());
    }

    @Test
    void theLoaderNeedsTheEventBoundOfASequenceInput() {
        Consumer<String> refused = input -> {
            EmulatorException e = assertThrows(EmulatorException.class,
                    () -> ConfigurationLoader.parse(configuration(input), "events.json"));
            assertTrue(e.getMessage().contains("input.max_events") && e.getMessage().contains("[E1003]"),
                    e.getMessage());
        };
        refused.accept("\"encoding\":\"sequence\"");
        refused.accept("\"encoding\":\"sequence\",\"max_events\":0");
        refused.accept("\"encoding\":\"sequence\",\"max_events\":1.5");
    }

    @Test
    void npzSequencesAreCutIntoImagesOfWholeFrames() {
        Chip chip = chip();
        int[][] images = Npz.images(new Npz.U8Array(new int[] {2, 3, 2}, new int[] {1, 0, 2, 1, 0, 1, 0, 0, 1, 1,
                2, 2}), chip, "x");
        assertArrayEquals(FRAMES, images[0]);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, images[1]);
        EmulatorException flat = assertThrows(EmulatorException.class,
                () -> Npz.images(new Npz.U8Array(new int[] {3, 2}, new int[6]), chip, "data.npz:x"));
        assertEquals("data.npz:x: shape [3, 2] is not [N, T, 2], N sequences of T frames of the input",
                flat.getMessage());
    }
}
