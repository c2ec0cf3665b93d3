package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.snnc.compiler.passes.PassFixtures.lines;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.statements;
import static org.snnc.compiler.passes.PassFixtures.statistics;

import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;

class MaxPoolGatingTest {

    /** Two maxpools over spikes, one with a stride and padding of its own. */
    private static Graph pooledPopulations() {
        return network(
                "input x: f64[1,6,6]",
                "p1 = if(x)",
                "m1 = maxpool(p1, kernel=2)",
                "p2 = if(m1)",
                "m2 = maxpool(p2, kernel=2, stride=1, padding=1)",
                "output p3 = if(m2)").build();
    }

    @Test
    void everyMaxPoolBecomesARunningCountGateWithItsWindow() {
        MaxPoolGating pass = new MaxPoolGating(OptionalDouble.empty());
        assertEquals(lines(
                "input x: f64[1,6,6]",
                "p1 = if(x)",
                "m1 = maxpool_gate(p1, kernel=2)",
                "p2 = if(m1)",
                "m2 = maxpool_gate(p2, kernel=2, stride=1, padding=1)",
                "output p3 = if(m2)"), statements(run(pass, pooledPopulations())));
        assertEquals(Map.of("gates", 2L), statistics(pass, pooledPopulations()));
    }

    @Test
    void theMovingAverageEstimatorAndItsDecayArePrinted() {
        Graph gated = run(new MaxPoolGating(OptionalDouble.of(0.75)), pooledPopulations());
        assertEquals("m1 = maxpool_gate(p1, kernel=2, estimator=ema, decay=0.75)",
                statements(gated).lines().filter(l -> l.startsWith("m1")).findFirst().orElseThrow());
    }

    @Test
    void aDecayOutsideTheUnitIntervalIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new MaxPoolGating(OptionalDouble.of(1)));
        assertThrows(IllegalArgumentException.class, () -> new MaxPoolGating(OptionalDouble.of(-0.1)));
        assertThrows(IllegalArgumentException.class, () -> new MaxPoolGating(OptionalDouble.of(Double.NaN)));
    }
}
