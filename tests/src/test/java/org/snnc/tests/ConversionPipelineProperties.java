package org.snnc.tests;

import org.snnc.compiler.testing.RandomNetworks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.NormalizeOptions;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SimulationResult;
import org.snnc.compiler.sim.SpikingSimulator;

/**
 * The whole conversion pipeline over random networks and random options: every pass leaves a graph the verifier
 * accepts (the PassManager verifies after each pass, and the result is checked again here), the result simulates,
 * and the simulation is identical on one and on three threads. A network the conversion cannot express (a max pool
 * over currents) must be refused with E0704, never crash.
 */
class ConversionPipelineProperties {

    private static final int CALIBRATION_IMAGES = 24;
    private static final int IMAGES = 6;
    private static final int STEPS = 25;

    @Property(tries = 40)
    void convertedRandomNetworksVerifyAndSimulateDeterministically(@ForAll long seed,
            @ForAll("options") ConversionOptions options, @ForAll boolean sync) {
        Graph ann = RandomNetworks.generate(seed);
        Random random = new Random(seed);
        int size = ann.input().shape().size();
        double[][] calibration = new double[CALIBRATION_IMAGES][];
        java.util.Arrays.setAll(calibration, i -> random.doubles(size).toArray());
        Graph spiking;
        try {
            spiking = new PassManager(Passes.standard(options), IrDumps.NONE)
                    .run(ann, new CompilationInputs(Optional.of(calibration), 1, Progress.NONE)).graph();
        } catch (CompilationException refused) {
            assertEquals(DiagnosticCode.NOT_CONVERTIBLE, refused.diagnostics().get(0).code(), refused.getMessage());
            Statistics.collect("refused");
            return;
        }
        Statistics.collect("converted");
        assertFalse(Verifier.check(spiking).hasErrors());

        double[][] images = java.util.Arrays.copyOf(calibration, IMAGES);
        Schedule schedule = sync ? Schedule.SYNC : Schedule.PIPELINED;
        SimulationResult one = new SpikingSimulator(spiking, new SimulationOptions(schedule, STEPS, 1))
                .run(images, Progress.NONE);
        SimulationResult three = new SpikingSimulator(spiking, new SimulationOptions(schedule, STEPS, 3))
                .run(images, Progress.NONE);
        for (int t = 0; t < STEPS; t++) {
            assertArrayEquals(one.predictions()[t], three.predictions()[t]);
            assertArrayEquals(one.spikeCountPredictions()[t], three.spikeCountPredictions()[t]);
        }
        assertArrayEquals(one.synapticOpsPerImage(), three.synapticOpsPerImage());
        assertEquals(one.spikesPerLayer(), three.spikesPerLayer());
    }

    @Provide
    Arbitrary<ConversionOptions> options() {
        return Arbitraries.randoms().map(random -> new ConversionOptions(
                new NormalizeOptions(random.nextBoolean() ? 99.9 : 100, random.nextBoolean(),
                        NormalizeOptions.OutputScale.values()[random.nextInt(3)]),
                random.nextBoolean() ? ResetMode.SUBTRACT : ResetMode.ZERO,
                random.nextBoolean() ? OptionalDouble.empty() : OptionalDouble.of(0.9),
                random.nextBoolean() ? InputEncoding.ANALOG : InputEncoding.POISSON,
                ReadoutMode.values()[random.nextInt(ReadoutMode.values().length)],
                random.nextInt(1000), random.nextInt(4) == 0,
                random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? ConversionOptions.HALF_THRESHOLD
                        : random.nextDouble(), random.nextInt(4) == 0 ? 8 : 0, false,
                random.nextBoolean() ? ReadoutWindow.ALL : ReadoutWindow.HALF));
    }
}
