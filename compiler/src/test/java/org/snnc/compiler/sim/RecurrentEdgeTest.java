package org.snnc.compiler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Verifier;

/**
 * The recurrent edge, {@code previous(p, shape=…)}: p's spikes of the previous step. It is written before p (a
 * forward reference that only it may make), prints back as written, is checked by the verifier, and carries one step
 * of delay under both schedules while a forward edge carries none (sync) or one (pipelined).
 */
class RecurrentEdgeTest {

    /**
     * A population p that feeds itself through weight 1 and a population q that p feeds through weight 1, both reset
     * to zero with θ = 1: one input event starts p, and p then keeps itself firing.
     */
    private static final String SELF_SUSTAINING = """
            network loop

            input x: f32[1]
            x.e = encode(x, mode=sequence)
            d = dense(x.e, units=1, weight="d.w")
            p.previous = previous(p, shape=[1])
            r = dense(p.previous, units=1, weight="r.w")
            s = add(d, r)
            p = if(s, reset=zero)
            f = dense(p, units=1, weight="f.w")
            q = if(f, reset=zero)
            output out = readout(q, mode=spikecount)
            """;

    private static Graph loop(double recurrentWeight) {
        return SpikingNets.parse(SELF_SUSTAINING)
                .weight("d.w", SpikingNets.filled(1, 1, 1))
                .weight("r.w", SpikingNets.filled(recurrentWeight, 1, 1))
                .weight("f.w", SpikingNets.filled(1, 1, 1)).build();
    }

    @Test
    void printsAsWritten() {
        Graph graph = loop(1);
        assertEquals(SELF_SUSTAINING, SnnPrinter.print(graph));
        assertTrue(Verifier.check(graph).warnings().isEmpty(), () -> Verifier.check(graph).warnings().toString());
    }

    /**
     * The first frame's event reaches p in the first step under both schedules, as on the chip; p's spike of step t
     * returns through the loop in step t + 1, so p fires in every step. q reads p within the step (sync) or one step
     * later (pipelined). With the loop's weight 0.5 p fires once.
     */
    @ParameterizedTest
    @EnumSource(Schedule.class)
    void theLoopCarriesOneStepUnderEitherSchedule(Schedule schedule) {
        double[] frames = {1, 0, 0, 0, 0, 0};
        Map<String, BitSet[]> raster = new SpikingSimulator(loop(1), new SimulationOptions(schedule, 6, 1))
                .spikeRaster(frames, 0);
        assertEquals("111111", steps(raster.get("p")));
        assertEquals(schedule == Schedule.SYNC ? "111111" : "011111", steps(raster.get("q")));
        Map<String, BitSet[]> weak = new SpikingSimulator(loop(0.5), new SimulationOptions(schedule, 6, 1))
                .spikeRaster(frames, 0);
        assertEquals("100000", steps(weak.get("p")));
    }

    /** A second image starts from rest: the loop's spikes of the first image's last step do not reach it. */
    @Test
    void eachImageStartsWithoutPreviousSpikes() {
        SpikingSimulator simulator = new SpikingSimulator(loop(1), new SimulationOptions(Schedule.SYNC, 4, 1));
        simulator.spikeRaster(new double[] {1, 0, 0, 0}, 0);
        assertEquals("0000", steps(simulator.spikeRaster(new double[] {0, 0, 0, 0}, 1).get("p")));
    }

    /** The rate network settles the loop: from r = 0, p's rate r = clip(0.25 + r) climbs to 1, so p's z is 1.25. */
    @Test
    void theRateNetworkSettlesTheLoop() {
        Graph graph = loop(1);
        List<double[]> inputs = new ArrayList<>();
        new RateNetwork(graph, Verifier.verify(graph).shapes()).evaluate(new double[] {0.25},
                (population, z) -> inputs.add(z));
        assertEquals(2, inputs.size(), "p and q, from the last sweep only");
        assertEquals(1.25, inputs.get(0)[0], 1e-15);
        assertEquals(1.0, inputs.get(1)[0], 1e-15);
    }

    @Test
    void theVerifierChecksTheSourceAndItsShape() {
        assertEquals(List.of(DiagnosticCode.UNKNOWN_NAME), codes(SELF_SUSTAINING.replace("previous(p,", "previous(z,")
                .replace("p = if", "z2 = if").replace("dense(p,", "dense(z2,")));
        assertEquals(List.of(DiagnosticCode.WRONG_OPERAND_KIND),
                codes(SELF_SUSTAINING.replace("previous(p,", "previous(f,")));
        assertEquals(List.of(DiagnosticCode.SHAPE_MISMATCH),
                codes(SELF_SUSTAINING.replace("shape=[1]", "shape=[2]").replace("units=1, weight=\"r.w\"",
                        "units=1, weight=\"r.w2\"")));
    }

    private static List<DiagnosticCode> codes(String text) {
        try {
            Graph graph = SpikingNets.parse(text)
                    .weight("d.w", SpikingNets.filled(1, 1, 1))
                    .weight("r.w", SpikingNets.filled(1, 1, 1))
                    .weight("r.w2", SpikingNets.filled(1, 1, 2))
                    .weight("f.w", SpikingNets.filled(1, 1, 1)).build();
            return Verifier.check(graph).diagnostics().stream().filter(d -> d.severity().name().equals("ERROR"))
                    .map(Diagnostic::code).distinct().collect(Collectors.toList());
        } catch (CompilationException parseError) {
            return parseError.diagnostics().stream().map(Diagnostic::code).distinct().toList();
        }
    }

    /** One character per step: 1 where neuron 0 fired. */
    private static String steps(BitSet[] raster) {
        StringBuilder out = new StringBuilder();
        for (BitSet step : raster) {
            out.append(step.get(0) ? '1' : '0');
        }
        return out.toString();
    }
}
