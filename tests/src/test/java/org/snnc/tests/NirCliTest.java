package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.io.npy.NpzWriter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.nir.NirImportOptions;

/** {@code snnc import}, {@code compile} and {@code simulate} on the shared NIR graphs of sinabs and Norse. */
class NirCliTest {

    private static final List<String[]> CASES = List.of(new String[] {"sinabs_iaf_cnn", "sinabs"},
            new String[] {"norse_iaf_conv", "norse"});

    @TempDir
    Path temp;

    private static Path nir(String caseName) {
        return Locations.shared().resolve("nir").resolve(caseName).resolve("model.nir");
    }

    @Test
    void importWritesANetworkThatReloadsToTheImportedGraph() {
        for (String[] shared : CASES) {
            Path out = temp.resolve(shared[0] + ".snn");
            CliRun run = CliRun.of("import", nir(shared[0]).toString(), "--nir-flavor", shared[1], "-o",
                    out.toString());
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(Files.isRegularFile(temp.resolve(shared[0] + ".npz")));
            assertTrue(run.err().contains("note: read as " + shared[1]), run.err());
            assertTrue(run.err().contains("warning: "), run.err());
            Graph imported = ModelLoader.load(nir(shared[0]), new LoadOptions(false,
                    OnnxImportOptions.DEFAULT,
                    NirImportOptions.of(Flavor.named(shared[1])))).graph();
            Graph reloaded = ModelLoader.load(out, LoadOptions.DEFAULT).graph();
            assertEquals(imported.nodes().keySet(), reloaded.nodes().keySet());
            assertEquals(imported.weights(), reloaded.weights());
            assertEquals(0, CliRun.of("check", out.toString()).exitCode());
        }
    }

    @Test
    void compileForTheGenericTargetNeedsNoCalibrationNorConversion() throws IOException {
        for (String[] shared : CASES) {
            Path out = temp.resolve(shared[0]);
            CliRun run = CliRun.of("compile", nir(shared[0]).toString(), "--nir-flavor", shared[1], "--target",
                    "generic", "-o", out.toString());
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("compiled for generic"), run.out());
            JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
            assertTrue(config.toString().contains("\"sequence\""), "the configuration names the sequence input");
            JsonNode passes = new ObjectMapper().readTree(out.resolve("resources.json").toFile()).get("passes");
            assertEquals(1, passes.size(), "an imported spiking network is quantized, not converted");
            assertEquals("quantize", passes.get(0).get("pass").asText());
            assertEquals(0, CliRun.of("check", out.resolve("quantized.snn").toString()).exitCode());
        }
    }

    @Test
    void simulateRunsTheFramesOfEachSequence() {
        NpyArray x = NpzReader.open(nir("norse_iaf_conv").resolveSibling("input.npz")).get("x");
        int[] shape = x.shape();
        int[] batched = {1, shape[0], shape[1], shape[2], shape[3]};
        Path data = temp.resolve("norse_data.npz");
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("x", new NpyArray(NpyElementType.F4, batched, x.values()));
        arrays.put("y", new NpyArray(NpyElementType.I8, new int[] {1}, new double[] {0}));
        NpzWriter.write(data, arrays);
        CliRun run = CliRun.of("simulate", nir("norse_iaf_conv").toString(), "--nir-flavor", "norse", "--data",
                data.toString(), "--steps", "40", "--schedule", "sync", "--threads", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("on 1 images, sync schedule, spikecount readout"), run.out());
        arrays.put("x", new NpyArray(NpyElementType.F4, new int[] {1, 4, 2, 8, 8}, new double[4 * 128]));
        Path images = temp.resolve("wrong_frames.npz");
        NpzWriter.write(images, arrays);
        CliRun frames = CliRun.of("simulate", nir("norse_iaf_conv").toString(), "--nir-flavor", "norse", "--data",
                images.toString(), "--steps", "4");
        assertEquals(1, frames.exitCode());
        assertTrue(frames.err().contains("is neither N sequences [N, T, ...] nor one sequence")
                && frames.err().contains("[E0502]"), frames.err());
        assertFalse(frames.printedStackTrace(), frames.err());
    }

    @Test
    void whatSnncCannotHoldIsALocatedErrorWithoutAStackTrace() {
        CliRun noFlavor = CliRun.of("import", nir("norse_iaf_conv").toString(), "-o", temp.resolve("a.snn").toString());
        assertEquals(1, noFlavor.exitCode());
        assertTrue(noFlavor.err().contains("model.nir: error: ") && noFlavor.err().contains("--nir-flavor")
                && noFlavor.err().contains("[E1106]"), noFlavor.err());
        CliRun leaky = CliRun.of("import", nir("snntorch_leaky_zero_nodelay").toString(), "--nir-flavor", "snntorch",
                "-o", temp.resolve("b.snn").toString());
        assertEquals(1, leaky.exitCode());
        assertTrue(leaky.err().contains("(LIF) cannot be compiled") && leaky.err().contains("[E1106]"),
                leaky.err());
        CliRun notNir = CliRun.of("check", Locations.root().resolve("examples/lenet/lenet.snn").toString(),
                "--nir-flavor", "norse");
        assertEquals(2, notNir.exitCode(), notNir.err());
        assertTrue(notNir.err().contains("--nir-flavor applies to NIR graphs"), notNir.err());
        for (CliRun run : List.of(noFlavor, leaky, notNir)) {
            assertFalse(run.printedStackTrace(), run.err());
            assertFalse(Files.exists(temp.resolve("a.snn")) || Files.exists(temp.resolve("b.snn")));
        }
    }
}
