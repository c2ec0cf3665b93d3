package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snnc compile} on the shared models for every target: what it writes, what it refuses, and that it is
 * deterministic and schema-valid. Uses 100 calibration images to stay fast; the figures of the closing note use 1000.
 */
class CompileCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private static String calibration() {
        return Locations.root().resolve("examples/data/mnist_calib.npz").toString();
    }

    private CliRun compile(String modelName, String target, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("compile", Locations.sharedModel(modelName), "--input-dtype", "u8",
                "--input-scale", "1/255", "--calibration", calibration(), "--calibration-limit", "100",
                "--target", target, "-o", out.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    @Test
    void lenetCompilesForEveryTargetIntoASchemaValidConfiguration() throws IOException {
        for (String target : List.of("generic", "loihi", "speck")) {
            Path out = temp.resolve("lenet-" + target);
            CliRun run = compile("lenet", target, out);
            assertEquals(0, run.exitCode(), target + ": " + run.err());
            for (String file : List.of("config.json", "resources.txt", "resources.json", "quantized.snn",
                    "quantized.npz")) {
                assertTrue(Files.isRegularFile(out.resolve(file)), target + " wrote no " + file);
            }
            JsonNode config = read(out.resolve("config.json"));
            assertEquals(List.of(), ConfigurationSchema.validate(config), target);
            ((com.fasterxml.jackson.databind.node.ObjectNode) config).put("version", 1);
            ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("cores").get(0)).remove("routes");
            assertEquals(2, ConfigurationSchema.validate(config).size(), "the schema must catch a tampered file");
            config = read(out.resolve("config.json"));
            assertEquals(target, config.get("chip").get("name").asText());
            JsonNode resources = read(out.resolve("resources.json"));
            int used = resources.get("resources").get("cores_used").asInt();
            assertEquals(config.get("cores").size(), used);
            assertTrue(used <= config.get("chip").get("cores").asInt());
            assertTrue(run.out().contains("compiled for " + target), run.out());
            assertEquals(0, CliRun.of("check", out.resolve("quantized.snn").toString()).exitCode());
        }
    }

    @Test
    void loihiResetsToZeroAndSpeckHoldsOneLayerPerCore() throws IOException {
        Path loihi = temp.resolve("loihi");
        CliRun run = compile("lenet", "loihi", loihi);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("resets by zero only"), run.err());
        for (JsonNode core : read(loihi.resolve("config.json")).get("cores")) {
            core.get("neurons").forEach(block -> assertEquals("zero", block.get("reset").asText()));
        }
        Path speck = temp.resolve("speck");
        assertEquals(0, compile("lenet", "speck", speck).exitCode());
        for (JsonNode core : read(speck.resolve("config.json")).get("cores")) {
            assertEquals(1, core.get("neurons").size(), core.toString());
            assertTrue(core.get("usage").get("destinations").asInt() <= 2);
        }
    }

    @Test
    void maxPoolingIsRefusedWithoutAGateUnitUnlessReplacedExplicitly() throws IOException {
        for (String target : List.of("loihi", "speck")) {
            Path out = temp.resolve("sbm-" + target);
            CliRun refused = compile("small_bn_maxpool", target, out);
            assertEquals(1, refused.exitCode(), refused.err());
            assertTrue(refused.err().contains("[E0901]") && refused.err().contains("--maxpool-to-avgpool"),
                    refused.err());
            assertFalse(refused.printedStackTrace(), refused.err());
            assertFalse(Files.exists(out), "a refused compile must write nothing");
            CliRun replaced = compile("small_bn_maxpool", target, out, "--maxpool-to-avgpool");
            assertEquals(0, replaced.exitCode(), replaced.err());
            assertTrue(replaced.err().contains("[W0902]"), replaced.err());
            assertTrue(Files.isRegularFile(out.resolve("config.json")));
        }
        Path generic = temp.resolve("sbm-generic");
        assertEquals(0, compile("small_bn_maxpool", "generic", generic).exitCode());
        assertEquals(2, read(generic.resolve("config.json")).get("gates").size());
    }

    @Test
    void theSameCompileGivesByteIdenticalFilesOnAnyThreadCount() throws IOException {
        Path one = temp.resolve("one");
        Path two = temp.resolve("two");
        assertEquals(0, compile("small_bn_maxpool", "generic", one, "--threads", "1").exitCode());
        assertEquals(0, compile("small_bn_maxpool", "generic", two, "--threads", "2").exitCode());
        for (String file : List.of("config.json", "resources.txt", "quantized.snn", "quantized.npz")) {
            assertArrayEquals(Files.readAllBytes(one.resolve(file)), Files.readAllBytes(two.resolve(file)), file);
        }
    }

    @Test
    void badTargetsAreCleanErrors() throws IOException {
        Path out = temp.resolve("never");
        CliRun unknown = compile("lenet", "truenorth", out);
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("[E0805]") && unknown.err().contains("generic"), unknown.err());
        Path spec = temp.resolve("chip.json");
        Files.writeString(spec, "{\n  \"format\": \"snnc-chip/1\",\n  \"name\": \"tiny\",\n  \"cores\": -3\n}\n");
        CliRun malformed = compile("lenet", spec.toString(), out);
        assertEquals(1, malformed.exitCode());
        assertTrue(malformed.err().contains("chip.json:4:"), malformed.err());
        assertFalse(malformed.printedStackTrace(), malformed.err());
        assertFalse(Files.exists(out));
        try (Stream<Path> left = Files.list(temp)) {
            assertEquals(List.of(spec), left.toList());
        }
    }

    @Test
    void aNetworkTooBigForSpeckNamesTheLayerAndTheResource() throws IOException {
        Path network = temp.resolve("wide.snn");
        Files.writeString(network, """
                network wide
                weights "wide.npz"

                input x: u8[1,28,28] scale 1/255
                c = conv2d(x, filters=64, kernel=3, padding=1, weight="c.weight", bias="c.bias")
                r = relu(c)
                f = flatten(r)
                d = dense(f, units=10, weight="d.weight", bias="d.bias")
                output p = softmax(d)
                """);
        RandomWeights.writeFor(network);
        CliRun run = CliRun.of("compile", network.toString(), "--calibration", calibration(), "--calibration-limit",
                "20", "--target", "speck", "-o", temp.resolve("wide-out").toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("wide.snn:") && run.err().contains("does not fit target speck"), run.err());
        assertFalse(run.printedStackTrace(), run.err());
        assertFalse(Files.exists(temp.resolve("wide-out")));
    }

    @Test
    void theAllocatorIsAChoiceAndPackingNeverUsesMoreCores() throws IOException {
        Path greedy = temp.resolve("greedy");
        Path packed = temp.resolve("packed");
        assertEquals(0, compile("lenet", "generic", greedy).exitCode());
        CliRun run = compile("lenet", "generic", packed, "--allocator", "packed");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode packedConfig = read(packed.resolve("config.json"));
        assertEquals("packed", packedConfig.get("allocator").asText());
        assertTrue(packedConfig.get("cores").size() <= read(greedy.resolve("config.json")).get("cores").size());
        CliRun unknown = compile("lenet", "generic", temp.resolve("none"), "--allocator", "random");
        assertEquals(2, unknown.exitCode(), unknown.err());
        assertTrue(unknown.err().contains("greedy"), unknown.err());
    }
}
