package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.intsim.IntegerReference;
import org.snnc.compiler.intsim.IntegerResult;
import org.snnc.compiler.intsim.SpikeTrace;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.FixedPoint.IntegerDecay;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.emulator.Chip;
import org.snnc.emulator.CycleStepper;
import org.snnc.emulator.Emulator;
import org.snnc.emulator.EmulatorException;
import org.snnc.emulator.Probes;
import org.snnc.emulator.config.ConfigurationLoader;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;

/**
 * Two CUBA neurons on {@code loihi}, stepped by hand: δu = 1024 (u keeps 3/4), δv = 2048 (v keeps 1/2), θ = 640 with
 * v &gt; θ and reset to zero, weights 320 = 5·2^6 into neuron 0 and −192 = −3·2^6 into neuron 1, and events on both
 * inputs in steps 1 and 2 and on input 1 in step 3. Per step:
 * <pre>
 *   u ← rshift0(u·(4096 − 1024)) + a        v ← rshift0(v·(4096 − 2048)) + u
 *   neuron 0: a = 320, 320, 0, 0, 0, 0      neuron 1: a = −192, −192, −192, 0, 0, 0
 *   u0 = 320, 560, 420, 315, 236, 177        u1 = −192, −336, −444, −333, −249, −186
 *   v0 = 320, 720 → spike → 0, 420, 525, 498, 426
 *   v1 = −192, −432, −660, −663, −580, −476
 * </pre>
 * Step 5 shows the truncation toward zero: u0 = 315·3/4 = 236.25 → 236, u1 = −333·3/4 = −249.75 → −249 (not −250),
 * v1 = −663/2 = −331.5 → −331, and v0 = 525/2 = 262.5 → 262. The emulator's plain stepper, its chunked runner and
 * the integer reference must all show these values.
 */
class CubaNeuronsTest {

    static final int STEPS = 6;
    static final long[][] U = {{320, 560, 420, 315, 236, 177}, {-192, -336, -444, -333, -249, -186}};
    static final long[][] V = {{320, 0, 420, 525, 498, 426}, {-192, -432, -660, -663, -580, -476}};
    /** Frames of event counts for steps 1, 2 and 3, then silence. */
    static final long[] FRAMES = {1, 1, 1, 1, 0, 1};

    static Graph twoNeurons() {
        SourceSpan at = SourceSpan.GENERATED;
        GraphBuilder graph = Graph.builder("cuba_pair");
        graph.add(new Input("x", DType.U8, Shape.of(2), Scale.ONE, at));
        graph.add(new SpikeEncoder("x.enc", "x", InputEncoding.SEQUENCE, 0, at));
        graph.add(new Dense("d", "x.enc", 2, graph.addWeight("d.weight", Tensor.wrap(Shape.of(2, 2),
                new double[] {320, 0, 0, -192}), at), Optional.empty(), at));
        FixedPoint loihi = new FixedPoint(8, 6, 22, 24, Overflow.WRAP, OptionalLong.of(-8388607),
                FireComparison.GT, Optional.of(new IntegerDecay(1024, 2048)));
        graph.add(new IfNeurons("p", "d", 640, ResetMode.ZERO, 0, Optional.empty(), Optional.of(loihi), at));
        graph.add(new Readout("out", "p", ReadoutMode.SPIKE_COUNT, ReadoutWindow.ALL, 0, at));
        return graph.output("out").build();
    }

    static Chip chip(Graph quantized) {
        ChipSpec loihi = ChipSpecs.load("loihi");
        return EmulatorAgreementTest.Probe.of(EmulatorAgreementTest.emit(quantized, loihi,
                CoreAllocator.defaultFor(loihi)), "cuba_pair").chip;
    }

    @Test
    void thePlainStepperShowsEveryRegisterOfTheHandComputedSteps() {
        CycleStepper stepper = new CycleStepper(chip(twoNeurons()), true);
        stepper.load(ints(FRAMES));
        for (int t = 1; t <= STEPS; t++) {
            stepper.step();
            for (int i = 0; i < 2; i++) {
                assertEquals(U[i][t - 1], stepper.synapticCurrent(0, i), "u of neuron " + i + " after step " + t);
                assertEquals(V[i][t - 1], stepper.membrane(0, i), "v of neuron " + i + " after step " + t);
                assertEquals(i == 0 && t == 2, stepper.spiked(0, i), "spike of neuron " + i + " in step " + t);
            }
        }
    }

    @Test
    void theChunkedEmulatorEndsWithTheHandComputedMembranes() {
        Chip chip = chip(twoNeurons());
        for (int length = 1; length <= STEPS; length++) {
            Emulator emulator = new Emulator(chip, true);
            emulator.load(ints(FRAMES));
            emulator.advance(length);
            for (int i = 0; i < 2; i++) {
                assertEquals(U[i][length - 1], emulator.synapticCurrent(0, i), "u of neuron " + i + " after "
                        + length);
                assertEquals(V[i][length - 1], emulator.membrane(0, i), "v of neuron " + i + " after " + length);
            }
        }
    }

    @Test
    void probesRecordTheSynapticCurrentOfADecayingNeuron() {
        Chip chip = chip(twoNeurons());
        for (int i = 0; i < 2; i++) {
            Probes.Trace trace = Probes.record(chip, ints(FRAMES), STEPS, true,
                    List.of(new Probes.Probe(chip.coreIds()[0], i))).get(0);
            assertArrayEquals(U[i], trace.synapticCurrent(), "u of neuron " + i);
            assertArrayEquals(V[i], trace.membrane(), "v of neuron " + i);
        }
    }

    @Test
    void theIntegerReferenceTracesTheHandComputedMembranes() {
        IntegerReference reference = new IntegerReference(twoNeurons());
        IntegerResult result = reference.run(new long[][] {FRAMES}, IntegerReference.RunOptions.of(STEPS)
                .withStrict(true).withTrace(Set.of(0), true));
        SpikeTrace trace = result.trace(0).orElseThrow();
        for (int t = 1; t <= STEPS; t++) {
            assertArrayEquals(new long[] {V[0][t - 1], V[1][t - 1]}, trace.membrane("p", t).orElseThrow(),
                    "v after step " + t);
        }
        assertEquals(List.of(2), trace.spikeSteps("p", 0));
        assertEquals(List.of(), trace.spikeSteps("p", 1));
    }

    @Test
    void decaysOnAChipWithoutCubaDecayAreAConfigurationError() {
        ChipSpec loihi = ChipSpecs.load("loihi");
        String config = new String(EmulatorAgreementTest.emit(twoNeurons(), loihi, CoreAllocator.defaultFor(loihi)),
                StandardCharsets.UTF_8);
        String without = config.replaceFirst(",\\s*\"cuba_decay\" : true", "");
        assertTrue(!without.equals(config) && !without.contains("cuba_decay"), without);
        EmulatorException error = assertThrows(EmulatorException.class,
                () -> ConfigurationLoader.parse(without, "cuba_pair.json"));
        assertTrue(error.getMessage().contains("decay_u") && error.getMessage().contains("features.cuba_decay"),
                error.getMessage());
    }

    private static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int k = 0; k < values.length; k++) {
            out[k] = (int) values[k];
        }
        return out;
    }
}
