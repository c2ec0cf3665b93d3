package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpzWriter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;

/**
 * Export then import: {@code snnc import} of a NIR graph that {@code snnc export} wrote reads it by the snnc flavor
 * its metadata names, and writes back the network it was exported from: the same .snn text and the same weights.
 */
class NirRoundTripTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "resnet_dev"})
    void convertedNetworkReadsBackAsTheSameIr(String name) throws IOException {
        Path network = Files.createDirectories(temp.resolve("converted")).resolve(name + ".snn");
        CliRun convert = CliRun.of("convert", Locations.sharedModel(name), "--input-dtype", "u8",
                "--input-scale", "1/255", "--calibration", Locations.sharedCalibration(), "--calibration-limit", "100",
                "-o", network.toString());
        assertEquals(0, convert.exitCode(), convert.err());
        assertReadsBackAsItself(network);
    }

    /** {@code nir-run --flavor snnc} steps each population of an exported network with its recorded reset and v0. */
    @Test
    void nirRunTakesEachPopulationsConventionsFromTheMetadata() throws IOException {
        Path network = temp.resolve("lenet.snn");
        CliRun convert = CliRun.of("convert", Locations.sharedModel("lenet"), "--input-dtype", "u8",
                "--input-scale", "1/255", "--calibration", Locations.sharedCalibration(), "--calibration-limit", "100",
                "-o", network.toString());
        assertEquals(0, convert.exitCode(), convert.err());
        Path nir = temp.resolve("lenet.nir");
        assertEquals(0, CliRun.of("export", network.toString(), "--format", "nir", "-o", nir.toString()).exitCode());
        Path input = temp.resolve("x.npz");
        NpzWriter.write(input, Map.of("x", new NpyArray(NpyElementType.F8, new int[] {3, 1, 28, 28},
                new double[3 * 28 * 28])));
        CliRun run = CliRun.of("nir-run", nir.toString(), "--input", input.toString(), "--flavor", "snnc", "-o",
                temp.resolve("out.npz").toString());
        assertEquals(0, run.exitCode(), run.err());
        for (String convention : List.of("reset of 'n0_1_Relu' = SUBTRACT", "v0 of 'n0_1_Relu' = 0.5",
                "θ subtracted by 'n0_1_Relu' = 1.0")) {
            assertTrue(run.out().contains(convention), run.out());
        }
    }

    @Test
    void quantizedLeNetReadsBackAsTheSameIr() throws IOException {
        Path out = temp.resolve("out");
        CliRun compile = CliRun.of("compile", Locations.sharedModel("lenet"), "--input-dtype", "u8",
                "--input-scale", "1/255", "--target", "generic", "--calibration", Locations.sharedCalibration(),
                "--calibration-limit", "100", "-o", out.toString());
        assertEquals(0, compile.exitCode(), compile.err());
        assertReadsBackAsItself(out.resolve("quantized.snn"));
    }

    /**
     * Exports {@code network}, imports the NIR file as a network of the same file name in another folder, and
     * compares: the text (which names the weights file after the network file, so that line is equal too) and every
     * weight tensor, bit for bit. Only the source spans differ: the imported nodes point into the NIR file.
     */
    private void assertReadsBackAsItself(Path network) throws IOException {
        String stem = network.getFileName().toString().replace(".snn", "");
        Path nir = temp.resolve(stem + ".nir");
        CliRun export = CliRun.of("export", network.toString(), "--format", "nir", "-o", nir.toString());
        assertEquals(0, export.exitCode(), export.err());
        Path back = Files.createDirectories(temp.resolve("back")).resolve(network.getFileName());
        CliRun imported = CliRun.of("import", nir.toString(), "-o", back.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        assertTrue(imported.err().contains("note: read as snnc, as its metadata snnc_flavor says"), imported.err());
        assertFalse(imported.err().contains("warning:"), imported.err());

        assertEquals(Files.readString(network), Files.readString(back));
        Graph original = ModelLoader.load(network, LoadOptions.DEFAULT).graph();
        Graph restored = ModelLoader.load(back, LoadOptions.DEFAULT).graph();
        assertEquals(original.weights().tensors().keySet(), restored.weights().tensors().keySet());
        original.weights().tensors().forEach((key, tensor) -> assertEquals(tensor,
                restored.weights().get(key).orElseThrow(), key));
    }
}
