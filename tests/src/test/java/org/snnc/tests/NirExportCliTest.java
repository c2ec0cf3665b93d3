package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.nir.NirGraph;
import org.snnc.compiler.nir.NirNode;
import org.snnc.compiler.nir.NirReader;

/** {@code snnc export --format nir} of the shared LeNet, converted and compiled, and of a network NIR cannot hold. */
class NirExportCliTest {

    @TempDir
    Path temp;

    private Path convert(String name) {
        Path network = temp.resolve(name + ".snn");
        CliRun run = CliRun.of("convert", Locations.sharedModel(name), "--input-dtype", "u8",
                "--input-scale", "1/255", "--calibration", Locations.sharedCalibration(), "--calibration-limit", "100",
                "-o", network.toString());
        assertEquals(0, run.exitCode(), run.err());
        return network;
    }

    private static Graph load(Path network) {
        return ModelLoader.load(network, LoadOptions.DEFAULT).graph();
    }

    private static Tensor weights(Graph graph, String key) {
        return graph.weights().get(key).orElseThrow();
    }

    @Test
    void convertedLeNetExportsNodeForNodeWithTheIrsParameters() {
        Path network = convert("lenet");
        Path nirFile = temp.resolve("lenet.nir");
        CliRun run = CliRun.of("export", network.toString(), "--format", "nir", "-o", nirFile.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith(nirFile + ": 15 NIR nodes, 14 edges"), run.out());
        assertTrue(run.out().contains("metadata:  resets by subtraction"), run.out());
        Graph graph = load(network);
        NirGraph nir = NirReader.read(nirFile);
        assertEquals(List.of("input", "n0_0_Conv", "n0_1_Relu", "n0_2_AveragePool_synapses", "n0_2_AveragePool",
                "n0_3_Conv", "n0_4_Relu", "n0_5_AveragePool_synapses", "n0_5_AveragePool", "n0_6_Flatten",
                "n0_7_Gemm", "n0_8_Relu", "n0_9_Gemm", "probs", "output"), chain(nir));
        assertEquals(Set.of("input", "n0_0_Conv", "n0_1_Relu", "n0_2_AveragePool_synapses", "n0_2_AveragePool",
                "n0_3_Conv", "n0_4_Relu", "n0_5_AveragePool_synapses", "n0_5_AveragePool", "n0_6_Flatten",
                "n0_7_Gemm", "n0_8_Relu", "n0_9_Gemm", "probs", "output"), nir.nodes().keySet());
        for (String layer : List.of("n0.0_Conv", "n0.3_Conv")) {
            Conv2d conv = (Conv2d) graph.node(layer);
            NirNode.Conv2d written = assertInstanceOf(NirNode.Conv2d.class, nir.nodes().get(layer.replace('.', '_')));
            assertEquals(weights(graph, conv.weight().key()), written.weight());
            IfNeurons population = (IfNeurons) graph.node(graph.users(layer).get(0));
            Tensor current = weights(graph, population.current().orElseThrow().key());
            int perChannel = current.size() / conv.filters();
            for (int f = 0; f < conv.filters(); f++) {
                assertEquals(current.get(f * perChannel), written.bias().get(f), layer + " bias " + f);
            }
        }
        for (String layer : List.of("n0.7_Gemm", "n0.9_Gemm")) {
            Dense dense = (Dense) graph.node(layer);
            NirNode.Affine written = assertInstanceOf(NirNode.Affine.class, nir.nodes().get(layer.replace('.', '_')));
            assertEquals(weights(graph, dense.weight().key()), written.weight());
            IfNeurons population = (IfNeurons) graph.node(graph.users(layer).get(0));
            assertEquals(weights(graph, population.current().orElseThrow().key()), written.bias());
        }
        NirNode.IF relu = assertInstanceOf(NirNode.IF.class, nir.nodes().get("n0_1_Relu"));
        assertEquals(Shape.of(6, 24, 24), relu.vThreshold().shape());
        assertEquals(Math.nextDown(1.0), relu.vThreshold().get(100), "v > the largest double below θ is v ≥ θ");
        assertEquals(new NirNode.AvgPool2d(List.of(2, 2), List.of(2, 2), List.of(0, 0)),
                nir.nodes().get("n0_2_AveragePool_synapses"));
        assertEquals(new NirNode.Flatten(0, -1, List.of(16, 4, 4)), nir.nodes().get("n0_6_Flatten"));
        assertInstanceOf(NirNode.I.class, nir.nodes().get("probs"));
        assertEquals(List.of(1, 28, 28), ((NirNode.Input) nir.nodes().get("input")).shape());
        assertEquals("threshold=1 reset=subtract v0=0.5 fire=ge", nir.metadata().get("snnc.population.n0_1_Relu"));
    }

    /** The nodes from the input along the edges, for a graph that is a chain. */
    private static List<String> chain(NirGraph nir) {
        List<String> order = new java.util.ArrayList<>(List.of("input"));
        while (true) {
            String last = order.get(order.size() - 1);
            List<String> next = nir.edges().stream().filter(e -> e.source().equals(last)).map(e -> e.target())
                    .toList();
            if (next.isEmpty()) {
                return order;
            }
            assertEquals(1, next.size(), last + " → " + next);
            order.add(next.get(0));
        }
    }

    @Test
    void compiledLeNetExportsItsQuantizedNetworkInIntegersWithThresholdsMinusAHalf() {
        Path out = temp.resolve("out");
        CliRun compile = CliRun.of("compile", Locations.sharedModel("lenet"), "--input-dtype", "u8",
                "--input-scale", "1/255", "--target", "generic", "--calibration", Locations.sharedCalibration(),
                "--calibration-limit", "100", "-o", out.toString());
        assertEquals(0, compile.exitCode(), compile.err());
        Path nirFile = temp.resolve("q.nir");
        CliRun run = CliRun.of("export", out.toString(), "--format", "nir", "-o", nirFile.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("quantized.snn"), run.out());
        Graph quantized = load(out.resolve("quantized.snn"));
        NirGraph nir = NirReader.read(nirFile);
        for (NirNode node : nir.nodes().values()) {
            if (node instanceof NirNode.Conv2d conv) {
                assertIntegers(conv.weight());
                assertIntegers(conv.bias());
            } else if (node instanceof NirNode.Affine affine) {
                assertIntegers(affine.weight());
                assertIntegers(affine.bias());
            }
        }
        IfNeurons relu = (IfNeurons) quantized.node("n0.1_Relu");
        NirNode.IF written = assertInstanceOf(NirNode.IF.class, nir.nodes().get("n0_1_Relu"));
        assertEquals(relu.threshold() - 0.5, written.vThreshold().get(0));
        assertEquals(weights(quantized, ((Conv2d) quantized.node("n0.0_Conv")).weight().key()),
                ((NirNode.Conv2d) nir.nodes().get("n0_0_Conv")).weight());
        assertTrue(nir.metadata().get("snnc.units").startsWith("integers"), nir.metadata().toString());
        assertTrue(nir.metadata().get("snnc.input").contains("raw stored values"), nir.metadata().toString());
    }

    private static void assertIntegers(Tensor tensor) {
        for (int i = 0; i < tensor.size(); i++) {
            assertEquals(Math.rint(tensor.get(i)), tensor.get(i), "value " + i);
        }
    }

    @Test
    void maxPoolGatesAreRefusedAtTheirLinesWithoutLossyAndNothingIsWritten() {
        Path network = convert("small_bn_maxpool");
        Path nirFile = temp.resolve("gated.nir");
        CliRun refused = CliRun.of("export", network.toString(), "--format", "nir", "-o", nirFile.toString());
        assertEquals(1, refused.exitCode(), refused.err());
        assertFalse(refused.printedStackTrace(), refused.err());
        assertTrue(refused.err().contains(network + ":8:1: error: 'n0.3_MaxPool' cannot be written as NIR")
                && refused.err().contains("[E1107]") && refused.err().contains("--lossy"), refused.err());
        assertFalse(Files.exists(nirFile));
        CliRun lossy = CliRun.of("export", network.toString(), "--format", "nir", "-o", nirFile.toString(),
                "--lossy");
        assertEquals(0, lossy.exitCode(), lossy.err());
        assertTrue(lossy.out().contains("lost:      NIR has no max-pool gate") && lossy.out().contains("n0.7_MaxPool"),
                lossy.out());
        assertInstanceOf(NirNode.AvgPool2d.class, NirReader.read(nirFile).nodes().get("n0_3_MaxPool"));
        CliRun sumPool = CliRun.of("export", network.toString(), "--format", "nir", "-o",
                temp.resolve("sum.nir").toString(), "--lossy", "--sumpool");
        assertEquals(1, sumPool.exitCode(), sumPool.err());
        assertTrue(sumPool.err().contains("--sumpool"), sumPool.err());
        assertFalse(Files.exists(temp.resolve("sum.nir")));
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        Path nirFile = temp.resolve("x.onnx");
        CliRun run = CliRun.of("export", convert("lenet").toString(), "--format", "onnx", "-o", nirFile.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("snnc exports nir"), run.err());
        assertFalse(Files.exists(nirFile));
        assertEquals(Set.of("lenet.snn", "lenet.npz"), fileNames());
    }

    private Set<String> fileNames() {
        try (var files = Files.list(temp)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
