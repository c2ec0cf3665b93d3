package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.snnc.compiler.passes.PassFixtures.lines;
import static org.snnc.compiler.passes.PassFixtures.network;
import static org.snnc.compiler.passes.PassFixtures.run;
import static org.snnc.compiler.passes.PassFixtures.runAll;
import static org.snnc.compiler.passes.PassFixtures.shape;
import static org.snnc.compiler.passes.PassFixtures.statements;
import static org.snnc.compiler.passes.PassFixtures.statistics;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.InputEncoding;

class AnalogInputTest {

    /** An input read by two dense synapses, whose sum feeds the population. */
    private static Graph inputWithTwoUsers() {
        return network(
                "input x: f64[2]",
                "a = dense(x, units=2, weight=\"a.weight\")",
                "b = dense(x, units=2, weight=\"b.weight\")",
                "s = add(a, b)",
                "output p = if(s)")
                .weight("a.weight", shape(2, 2), 1, 2, 3, 4)
                .weight("b.weight", shape(2, 2), 5, 6, 7, 8).build();
    }

    @Test
    void anEncoderFollowsTheInputAndEveryUserReadsIt() {
        AnalogInput pass = new AnalogInput(InputEncoding.ANALOG, 0);
        assertEquals(lines(
                "input x: f64[2]",
                "x.encoded = encode(x, mode=analog)",
                "a = dense(x.encoded, units=2, weight=\"a.weight\")",
                "b = dense(x.encoded, units=2, weight=\"b.weight\")",
                "s = add(a, b)",
                "output p = if(s)"), statements(run(pass, inputWithTwoUsers())));
        assertEquals(Map.of("encoders", 1L), statistics(pass, inputWithTwoUsers()));
    }

    @Test
    void poissonEncodingPrintsItsSeed() {
        Graph encoded = run(new AnalogInput(InputEncoding.POISSON, 7), inputWithTwoUsers());
        assertEquals("x.encoded = encode(x, mode=poisson, seed=7)", statements(encoded).lines().skip(1).findFirst()
                .orElseThrow());
    }

    @Test
    void anAlreadyEncodedGraphIsLeftAlone() {
        Graph encoded = run(new AnalogInput(InputEncoding.ANALOG, 0), inputWithTwoUsers());
        PipelineResult again = runAll(encoded, new AnalogInput(InputEncoding.POISSON, 3));
        assertEquals(encoded, again.graph());
        assertFalse(again.runs().get(0).changed());
    }

    @Test
    void aNegativeSeedIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AnalogInput(InputEncoding.POISSON, -1));
    }
}
