package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.ConfigurationLoader;

class ProbesTest {

    /** Two neurons on core 0: input x = 1 gives 3 and 2 per step, against thresholds 7 and 5, reset by subtraction. */
    private static Chip twoNeurons() {
        String text = StepTest.tiny("saturate", "", "ge", "subtract", new long[] {3, 2}, new long[] {0, 0},
                new long[] {7, 5});
        return Chip.build(ConfigurationLoader.parse(text, "tiny.json"), "tiny.json");
    }

    @Test
    void aProbeRecordsTheMembraneAfterEveryStepAndTheStepsItSpiked() {
        List<Probes.Trace> traces = Probes.record(twoNeurons(), new int[] {1}, 6, true,
                List.of(new Probes.Probe(0, 0), new Probes.Probe(0, 1)));
        // v: 3, 6, 9→2, 5, 8→1, 4 for θ = 7; and 2, 4, 6→1, 3, 5→0, 2 for θ = 5.
        assertEquals("p[0]", traces.get(0).name());
        assertArrayEquals(new long[] {3, 6, 2, 5, 1, 4}, traces.get(0).membrane());
        assertArrayEquals(new int[] {3, 5}, traces.get(0).spikes());
        assertArrayEquals(new long[] {2, 4, 1, 3, 0, 2}, traces.get(1).membrane());
        assertArrayEquals(new int[] {3, 5}, traces.get(1).spikes());
    }

    @Test
    void aProbeOfACoreOrNeuronThatIsNotThereIsAnError() {
        EmulatorException core = assertThrows(EmulatorException.class, () -> Probes.record(twoNeurons(),
                new int[] {1}, 1, true, List.of(new Probes.Probe(5, 0))));
        assertTrue(core.getMessage().contains("no core 5"), core.getMessage());
        EmulatorException neuron = assertThrows(EmulatorException.class, () -> Probes.record(twoNeurons(),
                new int[] {1}, 1, true, List.of(new Probes.Probe(0, 9))));
        assertTrue(neuron.getMessage().contains("neurons 0..1"), neuron.getMessage());
    }
}
