package org.snnc.tests.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SimulationResult;
import org.snnc.compiler.sim.SpikingSimulator;
import org.snnc.emulator.Chip;
import org.snnc.emulator.Runner;
import org.snnc.emulator.config.ConfigurationLoader;
import org.snnc.tests.ChipCompilation;

/**
 * For {@link ZooBenchmark}: the emulator loads a compiled configuration and runs one image of random u8 pixels for
 * {@value #STEPS} steps, and the float simulator runs the quantized graph it was emitted from on the same pixels, as
 * {@code snnc run} and {@code snnc simulate quantized.snn} do. The check gives, per step, whether both predict the
 * same class and count the same spike-driven synaptic operations. The analog input's operations are left out: the
 * emulator counts its input synapse table entries at load and the simulator the ANN's MACs of the layers reading the
 * input (docs/configuration.md), so both series are compared from step 1 on, as differences to step 1.
 */
final class EmulatorCheck {

    static final int STEPS = 10;

    private EmulatorCheck() {
    }

    /** Runs both, records the emulator's load and run as stages of {@code compilation}, and gives the verdict. */
    static String run(Graph quantized, byte[] configuration, ChipCompilation compilation, int threads, long seed) {
        long start = System.nanoTime();
        Chip chip = Chip.build(ConfigurationLoader.parse(new String(configuration, StandardCharsets.UTF_8),
                "config.json"), "config.json");
        long loaded = System.nanoTime();
        compilation.record("emulator: load config.json", loaded - start);
        Random random = new Random(seed);
        int[] pixels = new int[quantized.input().shape().size()];
        double[] values = new double[pixels.length];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = random.nextInt(256);
            values[k] = pixels[k];
        }
        Runner.Result emulated = Runner.run(chip, new int[][] {pixels}, STEPS, threads, false, (done, total) -> { });
        long ran = System.nanoTime();
        compilation.record("emulator: 1 image × " + STEPS + " steps", ran - loaded);
        SimulationResult simulated = new SpikingSimulator(quantized,
                new SimulationOptions(Schedule.PIPELINED, STEPS, threads)).run(new double[][] {values}, Progress.NONE);
        compilation.record("float simulator: the same on quantized.snn", System.nanoTime() - ran);
        int samePredictions = 0;
        int sameOperations = 0;
        long[] chipOps = emulated.synapticOps()[0];
        double[] floatOps = simulated.synapticOpsPerImage();
        for (int t = 0; t < STEPS; t++) {
            samePredictions += emulated.predictions()[t][0] == simulated.predictions()[t][0] ? 1 : 0;
            sameOperations += chipOps[t] - chipOps[0] == floatOps[t] - floatOps[0] ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "  emulator against float simulator, %d steps: same class at %d, same "
                + "spike-driven synaptic operations at %d; operations at step %d: %,d and %,.0f%n", STEPS,
                samePredictions, sameOperations, STEPS, chipOps[STEPS - 1], floatOps[STEPS - 1]);
        return samePredictions == STEPS && sameOperations == STEPS ? "emulated, agrees at every step"
                : "emulated, differs (" + samePredictions + "/" + sameOperations + " of " + STEPS + " steps)";
    }
}
