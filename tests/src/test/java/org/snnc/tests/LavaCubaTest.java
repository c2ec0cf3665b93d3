package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.emulator.CycleStepper;
import org.snnc.emulator.Emulator;

/**
 * lava-dl's CUBA network (../shared/nir/lavadl_cuba_dense: slayer's Dense(6→8) → Dense(8→4), CubaLIF with
 * current_decay 0.25, voltage_decay 0.03, θ = 1.25, weights on lava-dl's 8-bit grid) compiled for {@code loihi} from
 * its NIR file, {@code snnc compile model.nir --nir-flavor lava --target loihi}, runs on the emulator spike for spike
 * as lava-dl's fixed-point path computed it.
 *
 * <p>The flavor steps CubaLIF by forward Euler at lava's dt = 10⁻⁴ s, so δu = dt/τ_syn = 0.25 → 1024 and
 * δv = dt/τ_mem = 0.030029… → 123, lava-dl's own iDecay and vDecay, and it pins the scale at 4096 LSBs per unit, so
 * θ = 1.25·4096 = 5120 = vThMant·64 and the weights are lava-dl's integers times 64: lava_netx.h5's numbers exactly.
 * Both fire at v &gt; θ and reset to 0.
 *
 * <p>The step offset: lava-dl delays each block's output by one step (delay_shift), and the chip delivers each
 * population's spikes one step later to the next, while frame k reaches the first population in step k + 1
 * (counted from 1). So the chip's spikes of either population in step t are lava-dl's spk_0[t], spk_1[t] (counted
 * from 0): the chip's step t is lava's index t, for t = 1 … T − 1, and lava's index 0 is silent.
 */
class LavaCubaTest {

    @TempDir
    Path folder;

    @Test
    void theEmulatorSpikesAsLavaDlBitForBit() throws Exception {
        Path lava = Locations.shared().resolve("nir").resolve("lavadl_cuba_dense");
        Path out = folder.resolve("out");
        CliRun compiled = CliRun.of("compile", lava.resolve("model.nir").toString(), "--nir-flavor", "lava",
                "--target", "loihi", "-o", out.toString());
        assertEquals(0, compiled.exitCode(), compiled.err());
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"decay_u\" : 1024") && config.contains("\"decay_v\" : 123")
                && config.contains("\"threshold\" : 5120"), "lava-dl's iDecay, vDecay and θ: " + config);

        Map<String, NpyArray> input = NpzReader.read(lava.resolve("input.npz"));
        Map<String, NpyArray> output = NpzReader.read(lava.resolve("output.npz"));
        NpyArray x = input.get("x");
        int steps = x.shape()[0];
        Map<String, NpyArray> expected = Map.of("n0_cuba", output.get("spk_0"), "n1_cuba", output.get("spk_1"));
        expected.values().forEach(spikes -> assertTrue(spikesAt(spikes, 0).isEmpty(), "lava's index 0 is silent"));

        EmulatorAgreementTest.Probe probe = EmulatorAgreementTest.Probe.of(
                Files.readAllBytes(out.resolve("config.json")), "lavadl_cuba_dense");
        int[] frames = new int[x.values().length];
        for (int k = 0; k < frames.length; k++) {
            frames[k] = (int) x.values()[k];
        }
        Emulator chunked = new Emulator(probe.chip, true);
        chunked.load(frames);
        chunked.advance(steps - 1);
        CycleStepper plain = new CycleStepper(probe.chip, true);
        plain.load(frames);
        long spikes = 0;
        for (int t = 1; t < steps; t++) {
            plain.step();
            Map<String, BitSet> stepped = spikes(probe, plain);
            Map<String, BitSet> inChunk = probe.spikes(chunked, t - 1);
            for (Map.Entry<String, NpyArray> population : expected.entrySet()) {
                BitSet lavaSpikes = spikesAt(population.getValue(), t);
                String where = "step " + t + ", population " + population.getKey();
                assertEquals(lavaSpikes, stepped.getOrDefault(population.getKey(), new BitSet()), where);
                assertEquals(lavaSpikes, inChunk.getOrDefault(population.getKey(), new BitSet()), where);
                spikes += lavaSpikes.cardinality();
            }
        }
        assertTrue(spikes > 20, "only " + spikes + " spikes; the comparison must see activity");
    }

    /** A chip without decaying neurons refuses the network with E0901, naming the population and the feature. */
    @ParameterizedTest
    @ValueSource(strings = {"speck", "generic"})
    void aChipWithoutCubaDecayRefusesIt(String target) {
        Path lava = Locations.shared().resolve("nir").resolve("lavadl_cuba_dense");
        CliRun refused = CliRun.of("compile", lava.resolve("model.nir").toString(), "--nir-flavor", "lava",
                "--target", target, "-o", folder.resolve(target).toString());
        assertEquals(1, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("[E0901]") && refused.err().contains("'n0_cuba'")
                && refused.err().contains("features.cuba_decay"), refused.err());
    }

    /** The plain stepper's spikes of every population in its last step, by name, as flat indices. */
    private static Map<String, BitSet> spikes(EmulatorAgreementTest.Probe probe, CycleStepper stepper) {
        Map<String, BitSet> spikes = new HashMap<>();
        for (int c = 0; c < probe.neuronNode.length; c++) {
            for (int i = 0; i < probe.neuronNode[c].length; i++) {
                if (stepper.spiked(c, i)) {
                    spikes.computeIfAbsent(probe.neuronNode[c][i], node -> new BitSet()).set(probe.neuronIndex[c][i]);
                }
            }
        }
        return spikes;
    }

    /** The neurons spiking at index t of lava-dl's [T, N] output. */
    private static BitSet spikesAt(NpyArray recording, int t) {
        int neurons = recording.shape()[1];
        BitSet spikes = new BitSet();
        for (int i = 0; i < neurons; i++) {
            if (recording.values()[t * neurons + i] != 0) {
                spikes.set(i);
            }
        }
        return spikes;
    }
}
