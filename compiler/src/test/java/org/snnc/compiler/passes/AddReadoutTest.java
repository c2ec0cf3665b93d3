package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.snnc.compiler.passes.PassFixtures.lines;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.runAll;
import static org.snnc.compiler.passes.PassFixtures.statements;

import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;

class AddReadoutTest {

    private static Graph population() {
        return network("input x: f64[3]", "output p = if(x)").build();
    }

    @Test
    void theReadoutOfTheOutputPopulationBecomesTheOutput() {
        Graph result = run(new AddReadout(ReadoutMode.MEMBRANE, ReadoutWindow.ALL, 0), population());
        assertEquals(lines("input x: f64[3]", "p = if(x)", "output p.readout = readout(p, mode=membrane)"),
                statements(result));
        assertEquals("p.readout", result.output());
    }

    @Test
    void theSoftmaxReadoutPrintsItsSeed() {
        Graph result = run(new AddReadout(ReadoutMode.POISSON_SOFTMAX, ReadoutWindow.ALL, 11), population());
        assertEquals("output p.readout = readout(p, mode=softmax, seed=11)", statements(result).lines()
                .reduce((first, second) -> second).orElseThrow());
    }

    @Test
    void anExistingReadoutTakesTheNewModeInsteadOfGainingASecond() {
        Graph membrane = run(new AddReadout(ReadoutMode.MEMBRANE, ReadoutWindow.ALL, 0), population());
        Graph counted = run(new AddReadout(ReadoutMode.SPIKE_COUNT, ReadoutWindow.ALL, 0), membrane);
        assertEquals(lines("input x: f64[3]", "p = if(x)", "output p.readout = readout(p, mode=spikecount)"),
                statements(counted));
    }

    @Test
    void anExistingReadoutOfTheSameModeIsLeftAlone() {
        Graph membrane = run(new AddReadout(ReadoutMode.MEMBRANE, ReadoutWindow.ALL, 0), population());
        PipelineResult again = runAll(membrane, new AddReadout(ReadoutMode.MEMBRANE, ReadoutWindow.ALL, 0));
        assertEquals(membrane, again.graph());
        assertFalse(again.runs().get(0).changed());
    }

    @Test
    void aNegativeSeedIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AddReadout(ReadoutMode.POISSON_SOFTMAX, ReadoutWindow.ALL, -5));
    }
}
