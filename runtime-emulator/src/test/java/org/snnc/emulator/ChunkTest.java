package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.ConfigurationLoader;
import org.snnc.emulator.io.Npz;

/** Advancing many steps at once gives what advancing one step at a time gives, register for register. */
class ChunkTest {

    @Test
    void chunksOfAnyLengthEqualSingleStepsOnLenet() throws Exception {
        Path folder = Path.of(ChunkTest.class.getResource("/lenet/config.json").toURI()).getParent();
        Chip chip = Chip.load(folder.resolve("config.json"));
        Npz.U8Array x = Npz.readU8(folder.resolve("digits20.npz"), "x");
        int size = chip.inputSize();
        int[] lengths = {64, 37, 1, 64, 9};
        for (int image = 0; image < 3; image++) {
            int[] pixels = new int[size];
            for (int p = 0; p < size; p++) {
                pixels[p] = x.values()[image * size + p];
            }
            Emulator stepped = new Emulator(chip, true);
            Emulator chunked = new Emulator(chip, true);
            assertEquals(64, chunked.chunk());
            stepped.load(pixels);
            chunked.load(pixels);
            for (int length : lengths) {
                chunked.advance(length);
                for (int k = 0; k < length; k++) {
                    stepped.step();
                    assertEquals(stepped.prediction(), chunked.prediction(k), "image " + image);
                    assertEquals(stepped.synapticOps(), chunked.synapticOps(k), "image " + image);
                }
                assertSameRegisters(chip, stepped, chunked);
            }
        }
    }

    private static void assertSameRegisters(Chip chip, Emulator stepped, Emulator chunked) {
        for (int c = 0; c < chip.cores.length; c++) {
            for (int i = 0; i < chip.cores[c].neurons; i++) {
                String where = "core " + c + " neuron " + i + " after step " + stepped.steps();
                assertEquals(stepped.membrane(c, i), chunked.membrane(c, i), where);
                assertEquals(stepped.pending(c, i), chunked.pending(c, i), where);
                assertEquals(stepped.spikeCount(c, i), chunked.spikeCount(c, i), where);
                assertEquals(stepped.spiked(c, i), chunked.spiked(c, i), where);
            }
        }
        assertEquals(stepped.steps(), chunked.steps());
    }

    @Test
    void chunksHalveUntilThePendingWordsFitTheirBudget() {
        assertEquals(64, Chip.chunkWithin(64, 1000, 1L << 30));
        assertEquals(32, Chip.chunkWithin(64, 1000, 65 * 1000 * 8 - 1), "33 rows of 1000 words fit, 65 do not");
        assertEquals(1, Chip.chunkWithin(64, 1000, 0));
        assertEquals(1, Chip.chunkWithin(1, 1000, 1L << 30), "a cycle of routes keeps single steps");
    }

    @Test
    void moreThreadsThanTheHeapHoldsAreRefused() throws Exception {
        Chip chip = Chip.load(Path.of(ChunkTest.class.getResource("/lenet/config.json").toURI()));
        EmulatorException error = assertThrows(EmulatorException.class,
                () -> Runner.run(chip, new int[1][chip.inputSize()], 10, 1_000_000, true, null));
        assertTrue(error.getMessage().contains("run fewer threads"), error.getMessage());
    }

    @Test
    void theFirstOverflowInCycleOrderIsReportedThoughALaterNeuronIsAdvancedFirst() {
        // Wrapping 6-bit registers: neuron 0 sinks by 16 a step and leaves [−32, 31] in step 3, neuron 1 by 28 in
        // step 2. A chunk advances neuron 0 through all its steps before neuron 1.
        String text = StepTest.tiny("wrap", "", "ge", "subtract", new long[] {-4, -7}, new long[] {0, 0},
                new long[] {15, 15});
        Emulator emulator = new Emulator(Chip.build(ConfigurationLoader.parse(text, "t.json"), "t.json"), true);
        emulator.load(new int[] {4});
        EmulatorException error = assertThrows(EmulatorException.class, () -> emulator.advance(64));
        assertTrue(error.getMessage().contains("neuron p[1], step 2: the membrane value -56"), error.getMessage());
    }

    @Test
    void aNeuronDrivenAboveItsThresholdIsCheckedWhereItOverflows() {
        // Drive 20 against θ = 15 on [−32, 31]: 20 → 5, 25 → 10, 30 → 15, then 35 does not fit in step 4.
        String text = StepTest.tiny("saturate", "-32", "ge", "subtract", new long[] {5}, new long[] {0},
                new long[] {15});
        Chip chip = Chip.build(ConfigurationLoader.parse(text, "t.json"), "t.json");
        Emulator strict = new Emulator(chip, true);
        strict.load(new int[] {4});
        EmulatorException error = assertThrows(EmulatorException.class, () -> strict.advance(64));
        assertTrue(error.getMessage().contains("step 4: the membrane value 35"), error.getMessage());
        Emulator saturating = new Emulator(chip, false);
        saturating.load(new int[] {4});
        saturating.advance(5);
        assertEquals(31 - 15, saturating.membrane(0, 0), "35 and 36 both held at 31, then fired");
    }

    @Test
    void aNeuronThatOnlySinksReachesTheFloorInOneChunk() {
        String text = StepTest.tiny("saturate", "-20", "ge", "subtract", new long[] {-1, 0}, new long[] {0, 0},
                new long[] {5, 5});
        Chip chip = Chip.build(ConfigurationLoader.parse(text, "t.json"), "t.json");
        Emulator chunked = new Emulator(chip, true);
        chunked.load(new int[] {3});
        chunked.advance(4);
        assertEquals(-12, chunked.membrane(0, 0), "4 steps of −3");
        chunked.advance(64);
        assertEquals(-20, chunked.membrane(0, 0), "held at the floor");
        assertEquals(0, chunked.membrane(0, 1), "no drive, no change");
        assertEquals(0, chunked.spikeCount(0, 0));
    }
}
