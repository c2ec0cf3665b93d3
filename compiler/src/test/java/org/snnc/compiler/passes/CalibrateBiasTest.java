package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.parameter;
import static org.snnc.compiler.passes.PassFixtures.shape;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.ir.Graph;

class CalibrateBiasTest {

    /** x → a (analog, weight 1) → b (weight 0.5) → c (output) → readout. */
    private static Graph chain() {
        return network(
                "input x: f64[1]",
                "e = encode(x, mode=analog)",
                "ea = dense(e, units=1, weight=\"ea.weight\")",
                "a = if(ea)",
                "ab = dense(a, units=1, weight=\"ab.weight\")",
                "b = if(ab)",
                "bc = dense(b, units=1, weight=\"bc.weight\")",
                "c = if(bc)",
                "output o = readout(c, mode=membrane)")
                .weight("ea.weight", shape(1, 1), 1)
                .weight("ab.weight", shape(1, 1), 0.5)
                .weight("bc.weight", shape(1, 1), 1).build();
    }

    private static PassContext context(double... pixels) {
        double[][] images = new double[pixels.length][];
        for (int k = 0; k < pixels.length; k++) {
            images[k] = new double[] {pixels[k]};
        }
        return new PassContext(new CompilationInputs(Optional.of(images), 1, Progress.NONE));
    }

    /**
     * x = 0.3 for T = 4: a integrates 0.3, 0.6, 0.9, 1.2 and spikes once at step 4, so r = 1/4 against ρ = 0.3, and
     * its current becomes 0.05. Re-simulated, a gets 0.35 a step: 0.35, 0.7, 1.05 → spikes at 3, keeping 0.05. b (depth
     * 1) then receives 0.5 at the end of step 3 and never reaches θ in steps 2–4: r = 0 against ρ = 0.15, so its
     * current becomes 0.15. The output c is left alone.
     */
    @Test
    void eachPopulationIsCorrectedByItsRateErrorAfterTheOnesBeforeIt() {
        PassContext context = context(0.3);
        Graph calibrated = new CalibrateBias(4).run(chain(), context);
        assertArrayEquals(new double[] {0.05}, parameter(calibrated, "a", "current"), 1e-12);
        assertArrayEquals(new double[] {0.15}, parameter(calibrated, "b", "current"), 1e-12);
        assertTrue(calibrated.node("c").parameters().isEmpty());
        assertEquals(Map.of("populations-calibrated", 2L), context.statistics());
        Map<String, List<Double>> corrections = context.record(CalibrateBias.CORRECTIONS).orElseThrow();
        assertEquals(0.05, corrections.get("a").get(0), 1e-12);
    }

    /** The depth counts population hops; the analog input arrives at once and a gate passes within its step. */
    @Test
    void depthsCountTheHopsOfThePipelinedSchedule() {
        assertEquals(Map.of("x", -1, "e", -1, "ea", -1, "a", 0, "ab", 0, "b", 1, "bc", 1, "c", 2, "o", 2),
                CalibrateBias.depths(chain()));
    }

    @Test
    void calibrationNeedsTheCalibrationImages() {
        CompilationException refused = org.junit.jupiter.api.Assertions.assertThrows(CompilationException.class,
                () -> new CalibrateBias(4).run(chain(), new PassContext(CompilationInputs.none())));
        assertTrue(refused.getMessage().contains("calibrate-bias"), refused.getMessage());
    }
}
