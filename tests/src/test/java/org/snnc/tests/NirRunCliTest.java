package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;

/** {@code snnc nir-run}: a shared third-party NIR file run with its writer's flavor gives the framework's output. */
class NirRunCliTest {

    @TempDir
    Path temp;

    private static Path nirCase(String name) {
        return Locations.shared().resolve("nir").resolve(name);
    }

    private static CliRun nirRun(String caseName, Path output, String... options) {
        Path folder = nirCase(caseName);
        String[] args = new String[6 + options.length];
        args[0] = "nir-run";
        args[1] = folder.resolve("model.nir").toString();
        args[2] = "--input";
        args[3] = folder.resolve("input.npz").toString();
        args[4] = "-o";
        args[5] = output.toString();
        System.arraycopy(options, 0, args, 6, options.length);
        return CliRun.of(args);
    }

    private static void assertClose(NpyArray expected, NpyArray got) {
        assertArrayEquals(expected.shape(), got.shape());
        double[] want = expected.values();
        double[] have = got.values();
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], have[k], 1e-5 * Math.max(1, Math.abs(want[k])), "entry " + k);
        }
    }

    @Test
    void snntorchDefaultsReproduceTheFramework() {
        Path out = temp.resolve("out.npz");
        CliRun run = nirRun("snntorch_leaky_subtract_default", out, "--flavor", "snntorch", "--record", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("reset = SUBTRACT_DELAYED"), run.out());
        assertTrue(run.out().contains("dt inference: 1.0E-4 s"), run.out());
        Map<String, NpyArray> written = NpzReader.read(out);
        Map<String, NpyArray> framework = NpzReader.read(nirCase("snntorch_leaky_subtract_default")
                .resolve("output.npz"));
        assertArrayEquals(framework.get("spk_3").values(), written.get("output").values());
        assertArrayEquals(framework.get("spk_1").values(), written.get("1").values());
        assertClose(framework.get("mem_1"), written.get("1:v"));
    }

    /**
     * snnTorch's Synaptic network was run with reset_delay=False, which the file cannot say: the flavor's default
     * (subtract one step late) misses the framework's spikes, and --reset subtract reproduces them.
     */
    @Test
    void aConventionTheFileCannotSayIsGivenOnTheCommandLine() {
        Map<String, NpyArray> framework = NpzReader.read(nirCase("snntorch_synaptic").resolve("output.npz"));
        Path flavored = temp.resolve("flavored.npz");
        assertEquals(0, nirRun("snntorch_synaptic", flavored, "--flavor", "snntorch").exitCode());
        assertFalse(Arrays.equals(framework.get("spk_3").values(), NpzReader.read(flavored).get("output").values()));
        Path given = temp.resolve("given.npz");
        CliRun run = nirRun("snntorch_synaptic", given, "--flavor", "snntorch", "--reset", "subtract", "--record",
                "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("reset = SUBTRACT,"), run.out());
        assertArrayEquals(framework.get("spk_3").values(), NpzReader.read(given).get("output").values());
        assertArrayEquals(framework.get("spk_1").values(), NpzReader.read(given).get("1").values());
        CliRun unknown = nirRun("snntorch_synaptic", temp.resolve("unknown.npz"), "--flavor", "snntorch", "--reset",
                "halfway");
        assertEquals(2, unknown.exitCode(), unknown.err());
        assertTrue(unknown.err().contains("zero, subtract, subtract_delayed, none")
                || unknown.err().contains("ZERO, SUBTRACT, SUBTRACT_DELAYED, NONE"), unknown.err());
    }

    @Test
    void lavaDelaysEachLayerAndNirTextTakesTheProvenDt() {
        Map<String, NpyArray> framework = NpzReader.read(nirCase("lavadl_cuba_dense").resolve("output.npz"));
        Path lava = temp.resolve("lava.npz");
        assertEquals(0, nirRun("lavadl_cuba_dense", lava, "--flavor", "lava").exitCode());
        assertArrayEquals(framework.get("spk_1").values(), NpzReader.read(lava).get("output").values());
        Path text = temp.resolve("text.npz");
        CliRun run = nirRun("lavadl_cuba_dense", text, "--flavor", "nir-text");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("dt = 1.0E-4 s, integration = EULER"), run.out());
        assertFalse(Arrays.equals(framework.get("spk_1").values(), NpzReader.read(text).get("output")
                .values()), "without the layer delay the spikes come earlier");
    }

    @Test
    void nirTextNeedsADtWhenTheFileProvesNone() {
        Path out = temp.resolve("out.npz");
        CliRun run = nirRun("norse_lifbox", out, "--flavor", "nir-text");
        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("give --dt"), run.err());
        assertFalse(Files.exists(out));
        CliRun given = nirRun("norse_lifbox", out, "--flavor", "nir-text", "--dt", "1e-3");
        assertEquals(0, given.exitCode(), given.err());
        assertTrue(given.out().contains("dt inference: none"), given.out());
    }

    @Test
    void userErrorsAreDiagnosticsWithoutStackTraceOrOutput() {
        Path out = temp.resolve("out.npz");
        Path folder = nirCase("norse_lifbox");
        CliRun wrongInput = CliRun.of("nir-run", folder.resolve("model.nir").toString(), "--input",
                nirCase("norse_iaf_conv").resolve("input.npz").toString(), "--flavor", "norse", "-o", out.toString());
        assertEquals(1, wrongInput.exitCode());
        assertTrue(wrongInput.err().contains("E1105"), wrongInput.err());
        assertFalse(wrongInput.printedStackTrace(), wrongInput.err());
        CliRun unknownNode = nirRun("norse_lifbox", out, "--flavor", "norse", "--record", "nope");
        assertEquals(1, unknownNode.exitCode());
        assertTrue(unknownNode.err().contains("unknown value 'nope'"), unknownNode.err());
        CliRun unknownFlavor = nirRun("norse_lifbox", out, "--flavor", "loihi");
        assertEquals(2, unknownFlavor.exitCode());
        assertTrue(unknownFlavor.err().contains("snntorch, norse, sinabs, lava, nir-text"), unknownFlavor.err());
        assertFalse(Files.exists(out));
    }
}
