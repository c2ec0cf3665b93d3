package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.passes.PassFixtures.lines;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.shape;
import static org.snnc.compiler.passes.PassFixtures.statements;
import static org.snnc.compiler.passes.PassFixtures.statistics;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;

class InitialMembraneTest {

    private static Graph twoPopulations() {
        return network(
                "input x: f64[2]",
                "e = encode(x)",
                "a = if(e, threshold=4)",
                "ab = dense(a, units=2, weight=\"ab.weight\")",
                "b = if(ab)",
                "bc = dense(b, units=2, weight=\"ab.weight\")",
                "c = if(bc, reset=zero)",
                "output o = readout(c)")
                .weight("ab.weight", shape(2, 2), 1, 0, 0, 1).build();
    }

    /**
     * v0 = f·θ for each population that resets by subtraction, whatever its threshold, printed as an attribute the
     * parser reads back; one that resets to zero keeps 0.
     */
    @Test
    void everySubtractingPopulationStartsAtTheSameFractionOfItsThreshold() {
        InitialMembrane pass = new InitialMembrane(0.25);
        Graph started = run(pass, twoPopulations());
        assertEquals(lines(
                "input x: f64[2]",
                "e = encode(x, mode=analog)",
                "a = if(e, threshold=4, v0=1)",
                "ab = dense(a, units=2, weight=\"ab.weight\")",
                "b = if(ab, v0=0.25)",
                "bc = dense(b, units=2, weight=\"ab.weight\")",
                "c = if(bc, reset=zero)",
                "output o = readout(c, mode=membrane)"), statements(started));
        assertEquals(Map.of("populations", 2L), statistics(pass, twoPopulations()));
    }

    @Test
    void aFractionOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new InitialMembrane(1));
        assertThrows(IllegalArgumentException.class, () -> new InitialMembrane(-0.1));
    }

    /** The standard pipeline runs the pass only when the options ask for a non-zero v0. */
    @Test
    void thePaperOptionsLeaveThePassOut() {
        assertFalse(Passes.standard(ConversionOptions.paper()).stream()
                .anyMatch(InitialMembrane.class::isInstance));
        assertTrue(Passes.standard(ConversionOptions.defaults()).stream()
                .anyMatch(InitialMembrane.class::isInstance));
    }
}
