package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.nir.NirConventions;
import org.snnc.compiler.nir.NirConventions.IntegratorStep;
import org.snnc.compiler.nir.NirConventions.LayerDelay;
import org.snnc.compiler.nir.NirConventions.Reset;
import org.snnc.compiler.nir.NirGraph;
import org.snnc.compiler.nir.NirInterpreter;
import org.snnc.compiler.nir.NirNode;
import org.snnc.compiler.nir.NirReader;
import org.snnc.compiler.nir.NirRecording;
import org.snnc.emulator.Emulator;
import org.snnc.emulator.EmulatorException;

/**
 * Third-party NIR graphs compiled for the generic chip run on the emulator exactly as the NIR interpreter runs the
 * compiled network, spike for spike in every population at every step, on the frames the framework was given.
 *
 * <p>The chain: {@code snnc compile model.nir --nir-flavor F --target generic}, then {@code snnc export OUT_DIR}
 * (the quantized network in integer LSB units, v_threshold = θ − 0.5 so that NIR's v > θ is the chip's v ≥ θ), read
 * back and interpreted with the chip's reading: IF integrates r·x per step, the flavor's reset (subtraction for
 * sinabs, to zero for Norse), one spike per step, and one step of delay per neuron layer, which is the chip's
 * pipeline: frame k reaches the first population in step k + 1 (counted from 1) and every population's spikes reach
 * the next one step later. So the emulator's spikes in step t are the interpreter's recorded output at step t (the
 * recording of a delayed neuron layer shows, at step t, what it computed at t − 1), for every layer alike.
 *
 * <p>They agree until a register saturates, which the interpreter does not model. sinabs' graph drives its second
 * population at more than one spike per step (sinabs fires several per step, the chip one), so those membranes grow
 * by the excess every step until the generic chip's 24-bit membrane saturates in step 34; the comparison covers the
 * 33 steps before. Norse's graph never saturates and is compared over all 39 steps the recording has.
 */
class NirChipAgreementTest {

    @TempDir
    Path folder;

    @ParameterizedTest
    @CsvSource({"sinabs_iaf_cnn, sinabs, SUBTRACT, 33", "norse_iaf_conv, norse, ZERO, 39"})
    void emulatorSpikesAsTheInterpreterOfTheCompiledNetwork(String caseName, String flavor, Reset reset,
            int minimumExactSteps) throws Exception {
        Path sharedCase = Locations.shared().resolve("nir").resolve(caseName);
        Path out = folder.resolve("out");
        CliRun compiled = CliRun.of("compile", sharedCase.resolve("model.nir").toString(), "--nir-flavor", flavor,
                "--target", "generic", "-o", out.toString());
        assertEquals(0, compiled.exitCode(), compiled.err());
        Path exported = folder.resolve("quantized.nir");
        CliRun export = CliRun.of("export", out.toString(), "--format", "nir", "-o", exported.toString());
        assertEquals(0, export.exitCode(), export.err());

        NpyArray x = NpzReader.read(sharedCase.resolve("input.npz")).get("x");
        int steps = x.shape()[0];
        NirGraph quantized = NirReader.read(exported);
        NirConventions chipReading = NirConventions.of(NirConventions.Flavor.NIR_TEXT, OptionalDouble.of(1))
                .withIntegratorStep(IntegratorStep.UNIT).withReset(reset)
                .withLayerDelay(LayerDelay.ONE_STEP_PER_NEURON_LAYER);
        Map<String, String> populations = new LinkedHashMap<>();
        quantized.nodes().forEach((name, node) -> {
            if (node instanceof NirNode.IF) {
                populations.put(name, name);
            }
        });
        NirRecording interpreted = new NirInterpreter(quantized, chipReading, SourceSpan.ofFile(exported.toString()))
                .run(Tensor.wrap(Shape.of(x.shape()), x.values()), populations.keySet());

        EmulatorAgreementTest.Probe probe = EmulatorAgreementTest.Probe.of(
                Files.readAllBytes(out.resolve("config.json")), caseName);
        int[] frames = EmulatorAgreementTest.ints(longs(x.values()));
        int exactSteps = stepsBeforeOverflow(probe, frames, steps);
        assertTrue(exactSteps >= minimumExactSteps, caseName + ": a register saturates in step " + (exactSteps + 1));
        Emulator emulator = new Emulator(probe.chip, true);
        emulator.load(frames);
        long spikes = 0;
        for (int t = 1; t <= exactSteps; t++) {
            emulator.step();
            Map<String, BitSet> chip = probe.spikes(emulator, 0);
            for (String population : populations.keySet()) {
                BitSet expected = spikesAt(interpreted.output(population), t);
                BitSet actual = chip.getOrDefault(irName(population, chip), new BitSet());
                assertEquals(expected, actual, caseName + " step " + t + ", population " + population);
                spikes += actual.cardinality();
            }
        }
        assertTrue(spikes > 100, caseName + ": only " + spikes + " spikes; the comparison must see activity");
    }

    /**
     * The steps the chip runs before a register saturates (at most {@code steps} − 1, the steps the recording can be
     * compared on): from then on the chip clips a membrane the interpreter lets grow.
     */
    private static int stepsBeforeOverflow(EmulatorAgreementTest.Probe probe, int[] frames, int steps) {
        Emulator strict = new Emulator(probe.chip, true);
        strict.load(frames);
        for (int t = 1; t < steps; t++) {
            try {
                strict.step();
            } catch (EmulatorException overflow) {
                return t - 1;
            }
        }
        return steps - 1;
    }

    /** The chip's name of a NIR population: the export wrote IR names with '.' as '_'. */
    private static String irName(String nirName, Map<String, BitSet> chip) {
        return chip.keySet().stream().filter(name -> name.replace('.', '_').equals(nirName)).findFirst()
                .orElse(nirName);
    }

    /** The neurons spiking at step t of a recording of shape [T, ...]. */
    static BitSet spikesAt(Tensor recording, int t) {
        int neurons = recording.size() / recording.shape().dim(0);
        BitSet spikes = new BitSet();
        for (int i = 0; i < neurons; i++) {
            if (recording.get(t * neurons + i) != 0) {
                spikes.set(i);
            }
        }
        return spikes;
    }

    private static long[] longs(double[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = Math.round(values[i]);
        }
        return longs;
    }
}
