package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.snnc.emulator.CycleStepper;
import org.snnc.emulator.Emulator;
import org.snnc.emulator.EmulatorException;
import org.snnc.tests.EmulatorAgreementProperties.Prepared;
import org.snnc.tests.EmulatorAgreementTest.Probe;

/**
 * The emulator's fast paths (chunks of steps, spike words, packed pending words, the range proof, closed-form sinking)
 * against its plain step ({@link CycleStepper}) on the random cases of {@link EmulatorAgreementProperties}, strict and
 * not: advanced by chunks of random lengths, every step's prediction and synaptic operations are equal, and after each
 * chunk every neuron's v, q, n and last spike and every gate output's last spike; a strict run stops in the chunk
 * whose step the plain run stops at, with the same message.
 */
class EmulatorFastPathProperties {

    private static final int TRIES = 25;
    private static final int STEPS = 40;

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Property(tries = TRIES)
    void chunkedPackedRunsEqualThePlainStep(@ForAll("seeds") long seed, @ForAll boolean strict) {
        Prepared prepared = EmulatorAgreementProperties.prepare(seed, EmulatorAgreementProperties::randomCase);
        Probe probe = Probe.of(prepared.compiled().bytes(), "case");
        Random random = new Random(seed);
        for (long[] raw : prepared.raw()) {
            int[] image = EmulatorAgreementTest.ints(raw);
            Emulator fast = new Emulator(probe.chip, strict);
            CycleStepper plain = new CycleStepper(probe.chip, strict);
            fast.load(image);
            plain.load(image);
            String stopped = run(probe, fast, plain, random, prepared.testCase().toString());
            Statistics.label("strict").collect(!strict ? "off" : stopped == null ? "clean" : "overflow");
        }
    }

    /** Advances both through {@value #STEPS} steps; the strict-mode message both stopped with, or null. */
    private static String run(Probe probe, Emulator fast, CycleStepper plain, Random random, String label) {
        for (int done = 0; done < STEPS; ) {
            int length = Math.min(STEPS - done, 1 + random.nextInt(fast.chunk()));
            long[] ops = new long[length];
            int[] predictions = new int[length];
            String plainStop = null;
            for (int k = 0; k < length && plainStop == null; k++) {
                try {
                    plain.step();
                    ops[k] = plain.synapticOps();
                    predictions[k] = plain.prediction();
                } catch (EmulatorException e) {
                    plainStop = e.getMessage();
                }
            }
            String fastStop = null;
            try {
                fast.advance(length);
            } catch (EmulatorException e) {
                fastStop = e.getMessage();
            }
            assertEquals(plainStop, fastStop, label + ": strict stops at steps " + (done + 1) + ".." + (done + length));
            if (plainStop != null) {
                return plainStop;
            }
            for (int k = 0; k < length; k++) {
                String step = label + ", step " + (done + k + 1);
                assertEquals(predictions[k], fast.prediction(k), step + ": prediction");
                assertEquals(ops[k], fast.synapticOps(k), step + ": synaptic operations");
            }
            done += length;
            assertSameRegisters(probe, fast, plain, label + ", after step " + done);
        }
        return null;
    }

    private static void assertSameRegisters(Probe probe, Emulator fast, CycleStepper plain, String label) {
        for (int c = 0; c < probe.neuronNode.length; c++) {
            for (int i = 0; i < probe.neuronNode[c].length; i++) {
                String neuron = label + ": core " + c + ", " + probe.neuronNode[c][i] + "[" + probe.neuronIndex[c][i]
                        + "]";
                assertEquals(plain.membrane(c, i), fast.membrane(c, i), neuron + ": v");
                assertEquals(plain.pending(c, i), fast.pending(c, i), neuron + ": q");
                assertEquals(plain.spikeCount(c, i), fast.spikeCount(c, i), neuron + ": n");
                assertEquals(plain.spiked(c, i), fast.spiked(c, i), neuron + ": spiked");
            }
            for (int g = 0; g < probe.gateNode[c].length; g++) {
                assertEquals(plain.gateSpiked(c, g), fast.gateSpiked(c, g), label + ": gate " + probe.gateNode[c][g]
                        + "[" + probe.gateIndex[c][g] + "]");
            }
        }
    }
}
