package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Decay;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.testing.SharedData;

/** Imports the shared sinabs and Norse graphs and hand-built ones: what each becomes, or why it is refused. */
class NirImporterTest {

    private static final SourceSpan SPAN = SourceSpan.ofFile("test.nir");

    static Path caseFolder(String caseName) {
        return SharedData.folder().resolve("nir").resolve(caseName);
    }

    static NirGraph read(String caseName) {
        return NirReader.read(caseFolder(caseName).resolve("model.nir"));
    }

    static Graph importCase(String caseName, Flavor flavor) {
        return NirImporter.importGraph(read(caseName), "net", SPAN, NirImportOptions.of(flavor)).graph();
    }

    private static Tensor weight(Graph graph, String key) {
        return graph.weights().get(key).orElseThrow();
    }

    @Test
    void sinabsNetworkBecomesThreeSubtractingPopulationsWithTheBiasesAsCurrents() {
        NirGraph nir = read("sinabs_iaf_cnn");
        NirImporter.Imported imported = NirImporter.importGraph(nir, "net", SPAN,
                NirImportOptions.of(Flavor.SINABS));
        Graph graph = imported.graph();
        assertFalse(Verifier.check(graph).hasErrors());
        SpikeEncoder encoder = assertInstanceOf(SpikeEncoder.class, graph.node("input.encoded"));
        assertEquals(InputEncoding.SEQUENCE, encoder.encoding());
        assertEquals(Shape.of(2, 8, 8), graph.input().shape());
        for (String population : List.of("n1", "n4", "n7")) {
            IfNeurons neurons = assertInstanceOf(IfNeurons.class, graph.node(population));
            assertEquals(1.0, neurons.threshold());
            assertEquals(ResetMode.SUBTRACT, neurons.reset());
            assertEquals(0.0, neurons.initialMembrane());
        }
        NirNode.Conv2d first = (NirNode.Conv2d) nir.nodes().get("0");
        assertEquals(first.weight(), weight(graph, "n0.weight"));
        assertArrayEquals(perChannel(first.bias(), 64), weight(graph, "n1.current").toArray());
        NirNode.Affine last = (NirNode.Affine) nir.nodes().get("6");
        assertEquals(last.weight(), weight(graph, "n6.weight"));
        assertArrayEquals(perChannel(last.bias(), 1), weight(graph, "n7.current").toArray());
        assertTrue(((IfNeurons) graph.node("n4")).current().isEmpty(), "conv '3' has a zero bias");

        // The 2×2 sum pool is taken into conv '3': a 6×6 kernel of stride 2 whose 2×2 blocks repeat the file's taps.
        Conv2d pooled = assertInstanceOf(Conv2d.class, graph.node("n3"));
        assertEquals("n1", pooled.input());
        assertEquals(6, pooled.window().kernelH());
        assertEquals(2, pooled.window().strideH());
        Tensor file = ((NirNode.Conv2d) nir.nodes().get("3")).weight();
        Tensor composed = weight(graph, "n3.weight");
        assertEquals(Shape.of(6, 4, 6, 6), composed.shape());
        for (int fc = 0; fc < 24; fc++) {
            for (int row = 0; row < 6; row++) {
                for (int col = 0; col < 6; col++) {
                    assertEquals(file.get((fc * 3 + row / 2) * 3 + col / 2), composed.get((fc * 6 + row) * 6 + col));
                }
            }
        }
        Readout readout = assertInstanceOf(Readout.class, graph.node(graph.output()));
        assertEquals("n7", readout.input());
        assertEquals(ReadoutMode.SPIKE_COUNT, readout.mode());
        assertTrue(imported.notes().stream().anyMatch(n -> n.warning() && n.text().contains("⌊v/θ⌋")));
    }

    @Test
    void norseNetworkBecomesTwoZeroResetPopulationsWithTheFileWeights() {
        NirGraph nir = read("norse_iaf_conv");
        NirImporter.Imported imported = NirImporter.importGraph(nir, "net", SPAN,
                NirImportOptions.of(Flavor.NORSE));
        Graph graph = imported.graph();
        assertFalse(Verifier.check(graph).hasErrors());
        assertEquals(List.of("input_tensor", "input_tensor.encoded", "_0", "_1", "_2", "_3", "output"),
                List.copyOf(graph.nodes().keySet()));
        for (String population : List.of("_1", "_3")) {
            IfNeurons neurons = (IfNeurons) graph.node(population);
            assertEquals(1.0, neurons.threshold());
            assertEquals(ResetMode.ZERO, neurons.reset());
        }
        NirNode.Conv2d first = (NirNode.Conv2d) nir.nodes().get("_0");
        NirNode.Conv2d second = (NirNode.Conv2d) nir.nodes().get("_2");
        assertEquals(first.weight(), weight(graph, "_0.weight"));
        assertEquals(second.weight(), weight(graph, "_2.weight"));
        assertArrayEquals(perChannel(first.bias(), 49), weight(graph, "_1.current").toArray());
        assertEquals(2, ((Conv2d) graph.node("_2")).window().strideH());
        assertTrue(imported.notes().stream().anyMatch(n -> n.warning() && n.text().contains("v > θ")));
    }

    /** {@code bias} repeated over each channel's {@code positions}, as a population's current holds it. */
    private static double[] perChannel(Tensor bias, int positions) {
        double[] values = new double[bias.size() * positions];
        for (int i = 0; i < values.length; i++) {
            values[i] = bias.get(i / positions);
        }
        return values;
    }

    @Test
    void nonUniformThresholdsFoldIntoWeightsAndCurrentsWithTheSameSpikes() {
        Random random = new Random(7);
        double[] w1 = randoms(random, 12, 0.8);
        double[] b1 = randoms(random, 3, 0.2);
        double[] w2 = randoms(random, 6, 1.5);
        double[] theta1 = {0.5, 1, 2};
        double[] theta2 = {1, 4};
        double[] r2 = {1, 2};
        int steps = 30;
        double[] frames = new double[steps * 4];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = random.nextDouble() < 0.4 ? 1 : 0;
        }
        Map<Flavor, ResetMode> resets = Map.of(Flavor.NIR_TEXT, ResetMode.ZERO, Flavor.SNNTORCH, ResetMode.SUBTRACT);
        for (Flavor flavor : List.of(Flavor.NIR_TEXT, Flavor.SNNTORCH)) {
            Map<String, NirNode> nodes = new LinkedHashMap<>();
            nodes.put("in", new NirNode.Input(List.of(4)));
            nodes.put("fc1", new NirNode.Affine(tensor(w1, 3, 4), tensor(b1, 3)));
            nodes.put("lif1", new NirNode.IF(tensor(new double[] {1}), tensor(theta1, 3), tensor(new double[] {0})));
            nodes.put("fc2", new NirNode.Linear(tensor(w2, 2, 3)));
            nodes.put("lif2", new NirNode.IF(tensor(r2, 2), tensor(theta2, 2), tensor(new double[2], 2)));
            nodes.put("out", new NirNode.Output(List.of(2)));
            NirGraph nir = new NirGraph(nodes, edges("in", "fc1", "lif1", "fc2", "lif2", "out"), Map.of());
            NirImporter.Imported imported = NirImporter.importGraph(nir, "net", SPAN, NirImportOptions.of(flavor));
            Graph graph = imported.graph();
            assertEquals(resets.get(flavor), ((IfNeurons) graph.node("lif1")).reset());
            assertEquals(flavor == Flavor.SNNTORCH, imported.notes().stream().anyMatch(note -> note.warning()
                    && note.text().contains("subtracts θ at the start of the step after a spike")), flavor.cliName());
            assertEquals(1.0, ((IfNeurons) graph.node("lif1")).threshold());
            assertEquals(1.0, ((IfNeurons) graph.node("lif2")).threshold());
            assertEquals(w2[3] * r2[1] / theta2[1], weight(graph, "fc2.weight").get(3));

            Map<String, BitSet[]> raster = NirSimulation.raster(graph, frames, steps);
            List<BitSet[]> reference = reference(frames, w1, b1, theta1, w2, r2, theta2, resets.get(flavor), steps);
            assertArrayEquals(reference.get(0), raster.get("lif1"), flavor.cliName());
            assertArrayEquals(reference.get(1), raster.get("lif2"), flavor.cliName());
            assertTrue(NirSimulation.count(raster.get("lif2")) > 0, "the output fires");
        }
    }

    /**
     * The two populations stepped directly with their own thresholds, snnc's way (v ≥ θ, one spike per step, the
     * second population reads the first's spikes of the same step), accumulating in the simulator's order.
     */
    private static List<BitSet[]> reference(double[] frames, double[] w1, double[] b1, double[] theta1, double[] w2,
            double[] r2, double[] theta2, ResetMode reset, int steps) {
        double[] v1 = new double[3];
        double[] v2 = new double[2];
        BitSet[] s1 = new BitSet[steps];
        BitSet[] s2 = new BitSet[steps];
        for (int t = 0; t < steps; t++) {
            s1[t] = new BitSet();
            s2[t] = new BitSet();
            for (int u = 0; u < 3; u++) {
                double input = 0;
                for (int k = 0; k < 4; k++) {
                    input += frames[t * 4 + k] != 0 ? w1[u * 4 + k] : 0;
                }
                v1[u] = v1[u] + input + b1[u];
                if (v1[u] >= theta1[u]) {
                    s1[t].set(u);
                    v1[u] = reset == ResetMode.ZERO ? 0 : v1[u] - theta1[u];
                }
            }
            for (int u = 0; u < 2; u++) {
                double input = 0;
                for (int k = 0; k < 3; k++) {
                    input += s1[t].get(k) ? w2[u * 3 + k] : 0;
                }
                v2[u] = v2[u] + r2[u] * input;
                if (v2[u] >= theta2[u]) {
                    s2[t].set(u);
                    v2[u] = reset == ResetMode.ZERO ? 0 : v2[u] - theta2[u];
                }
            }
        }
        return List.of(s1, s2);
    }

    @Test
    void uniformRAndThresholdBecomeThePopulationsThreshold() {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        nodes.put("in", new NirNode.Input(List.of(2)));
        nodes.put("fc", new NirNode.Affine(tensor(new double[] {1, 2, 3, 4}, 2, 2), tensor(new double[] {1, 0.5}, 2)));
        nodes.put("scale", new NirNode.Scale(tensor(new double[] {2, 2}, 2)));
        nodes.put("if", new NirNode.IF(tensor(new double[] {4}), tensor(new double[] {2, 2}, 2),
                tensor(new double[] {0})));
        nodes.put("out", new NirNode.Output(List.of(2)));
        NirGraph nir = new NirGraph(nodes, edges("in", "fc", "scale", "if", "out"), Map.of());
        Graph graph = NirImporter.importGraph(nir, "net", SPAN, NirImportOptions.of(Flavor.NIR_TEXT)).graph();
        IfNeurons neurons = (IfNeurons) graph.node("if");
        // u = r·s·(W·x + b) = 8·(W·x + b) against θ = 2: W·x + b against θ / 8.
        assertEquals(0.25, neurons.threshold());
        assertEquals(List.of(1.0, 0.5), boxed(weight(graph, "if.current").toArray()));
        assertEquals(Tensor.of(Shape.of(2, 2), new double[] {1, 2, 3, 4}), weight(graph, "fc.weight"));
    }

    @Test
    void summedEdgesBecomeAnAdd() {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        nodes.put("in", new NirNode.Input(List.of(2)));
        nodes.put("a", new NirNode.Linear(tensor(new double[] {1, 0, 0, 1}, 2, 2)));
        nodes.put("b", new NirNode.Affine(tensor(new double[] {0, 1, 1, 0}, 2, 2), tensor(new double[] {0.25, 0}, 2)));
        nodes.put("if", new NirNode.IF(tensor(new double[] {1}), tensor(new double[] {1}), tensor(new double[] {0})));
        nodes.put("out", new NirNode.Output(List.of(2)));
        List<NirEdge> edges = new ArrayList<>(edges("in", "a", "if", "out"));
        edges.add(new NirEdge("in", "b"));
        edges.add(new NirEdge("b", "if"));
        Graph graph = NirImporter.importGraph(new NirGraph(nodes, edges, Map.of()), "net", SPAN,
                NirImportOptions.of(Flavor.NORSE)).graph();
        assertEquals(List.of("a", "b"), graph.node("if.sum").inputs());
        assertEquals("if.sum", ((IfNeurons) graph.node("if")).input());
        assertEquals(List.of(0.25, 0.0), boxed(weight(graph, "if.current").toArray()));
        assertInstanceOf(Dense.class, graph.node("b"));
    }

    @Test
    void leakyNeuronsWithoutADtOrWithALeakPotentialAreRefusedNamingTheNode() {
        CompilationException noDt = assertRefused(lif(0), "leaky", "LIF");
        assertTrue(noDt.getMessage().contains("dt"), noDt.getMessage());
        CompilationException leak = assertThrows(CompilationException.class,
                () -> NirImporter.importGraph(lif(0.5), "net", SPAN, NirImportOptions.of(Flavor.SNNTORCH)));
        assertTrue(leak.getMessage().contains("node 'leaky' (LIF)") && leak.getMessage().contains("v_leak"),
                leak.getMessage());
    }

    @Test
    void aLifBecomesAPopulationWhoseVoltageDecaysByDtOverTau() {
        Graph graph = NirImporter.importGraph(lif(0), "net", SPAN, NirImportOptions.of(Flavor.SNNTORCH)).graph();
        IfNeurons leaky = (IfNeurons) graph.node("leaky");
        // dt = 1e-4, τ = 1e-2, r = 1: δv = 0.01, and the input factor r·dt/τ = 0.01 moves into θ = 1/0.01
        assertEquals(Optional.of(new Decay(1, 1e-4 / 0.01)), leaky.decay());
        assertEquals(1 / (1e-4 / 0.01), leaky.threshold(), 1e-9);
    }

    @Test
    void lavaDlsCubaLifBecomesAPopulationWithLavasOwnDecaysAndThreshold() {
        Graph graph = importCase("lavadl_cuba_dense", Flavor.LAVA);
        for (String population : List.of("n0_cuba", "n1_cuba")) {
            IfNeurons neurons = (IfNeurons) graph.node(population);
            Decay decay = neurons.decay().orElseThrow();
            assertEquals(1024, Math.rint(decay.current() * 4096), population);
            assertEquals(123, Math.rint(decay.voltage() * 4096), population);
            assertEquals(1.25, neurons.threshold(), 1e-12, population);
            assertEquals(ResetMode.ZERO, neurons.reset(), population);
        }
    }

    /** in → Linear → LIF 'leaky' (τ = 0.01, r = 1, θ = 1, v_reset = 0, v_leak as given) → out. */
    private static NirGraph lif(double vLeak) {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        nodes.put("in", new NirNode.Input(List.of(2)));
        nodes.put("fc", new NirNode.Linear(tensor(new double[] {1, 0, 0, 1}, 2, 2)));
        nodes.put("leaky", new NirNode.LIF(tensor(new double[] {0.01}), tensor(new double[] {1}),
                tensor(new double[] {vLeak}), tensor(new double[] {1}), tensor(new double[] {0})));
        nodes.put("out", new NirNode.Output(List.of(2)));
        return new NirGraph(nodes, edges("in", "fc", "leaky", "out"), Map.of());
    }

    @Test
    void aCycleThroughAPopulationIsARecurrentEdgeOutOfIt() {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        nodes.put("in", new NirNode.Input(List.of(2)));
        nodes.put("fc", new NirNode.Linear(tensor(new double[] {1, 0, 0, 1}, 2, 2)));
        nodes.put("if", new NirNode.IF(tensor(new double[] {1}), tensor(new double[] {1}), tensor(new double[] {0})));
        nodes.put("rec", new NirNode.Linear(tensor(new double[] {0, 1, 1, 0}, 2, 2)));
        nodes.put("out", new NirNode.Output(List.of(2)));
        List<NirEdge> edges = new ArrayList<>(edges("in", "fc", "if", "out"));
        edges.add(new NirEdge("if", "rec"));
        edges.add(new NirEdge("rec", "if"));
        Graph graph = NirImporter.importGraph(new NirGraph(nodes, edges, Map.of()), "net", SPAN,
                NirImportOptions.of(Flavor.NIR_TEXT)).graph();
        String text = SnnPrinter.print(graph);
        assertTrue(text.contains("if.previous = previous(if, shape=[2])\n"
                + "rec = dense(if.previous, units=2, weight=\"rec.weight\")\n"
                + "if.sum = add(fc, rec)\n"
                + "if = if(if.sum, reset=zero)\n"), text);
    }

    @Test
    void aCycleWithoutANeuronIsRefusedNamingANodeOnIt() {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        nodes.put("in", new NirNode.Input(List.of(2)));
        nodes.put("fc", new NirNode.Linear(tensor(new double[] {1, 0, 0, 1}, 2, 2)));
        nodes.put("rec", new NirNode.Linear(tensor(new double[] {0, 1, 1, 0}, 2, 2)));
        nodes.put("if", new NirNode.IF(tensor(new double[] {1}), tensor(new double[] {1}), tensor(new double[] {0})));
        nodes.put("out", new NirNode.Output(List.of(2)));
        List<NirEdge> edges = new ArrayList<>(edges("in", "fc", "if", "out"));
        edges.add(new NirEdge("fc", "rec"));
        edges.add(new NirEdge("rec", "fc"));
        CompilationException error = assertRefused(new NirGraph(nodes, edges, Map.of()), "fc", "Linear");
        assertTrue(error.getMessage().contains("rec → fc") && error.getMessage().contains("without a neuron node"),
                error.getMessage());
        // snnTorch's RLeaky is a cycle through a neuron, but its file gives every neuron its own β
        CompilationException perNeuron = assertRefused(read("snntorch_rleaky").flattened(), "1.lif", "LIF");
        assertTrue(perNeuron.getMessage().contains("differs between neurons"), perNeuron.getMessage());
    }

    @Test
    void aNonZeroResetIsRefusedNamingTheNode() {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        nodes.put("in", new NirNode.Input(List.of(2)));
        nodes.put("fc", new NirNode.Linear(tensor(new double[] {1, 0, 0, 1}, 2, 2)));
        nodes.put("if", new NirNode.IF(tensor(new double[] {1}), tensor(new double[] {1}),
                tensor(new double[] {-0.5})));
        nodes.put("out", new NirNode.Output(List.of(2)));
        CompilationException error = assertRefused(new NirGraph(nodes, edges("in", "fc", "if", "out"), Map.of()),
                "if", "IF");
        assertTrue(error.getMessage().contains("v_reset = -0.5"), error.getMessage());
    }

    @Test
    void theFlavorIsRequiredUnlessTheMetadataNamesIt() {
        NirGraph nir = read("norse_iaf_conv");
        CompilationException missing = assertThrows(CompilationException.class,
                () -> NirImporter.importGraph(nir, "net", SPAN, NirImportOptions.DEFAULT));
        assertEquals(DiagnosticCode.NIR_NOT_COMPILABLE, missing.diagnostics().get(0).code());
        assertTrue(missing.getMessage().contains("--nir-flavor"), missing.getMessage());
        NirGraph named = new NirGraph(nir.nodes(), nir.edges(), Map.of(Flavor.METADATA_KEY, "norse"));
        Graph graph = NirImporter.importGraph(named, "net", SPAN, NirImportOptions.DEFAULT).graph();
        assertEquals(ResetMode.ZERO, ((IfNeurons) graph.node("_1")).reset());
    }

    private static CompilationException assertRefused(NirGraph nir, String node, String type) {
        CompilationException error = assertThrows(CompilationException.class,
                () -> NirImporter.importGraph(nir, "net", SPAN, NirImportOptions.of(Flavor.NIR_TEXT)));
        assertEquals(DiagnosticCode.NIR_NOT_COMPILABLE, error.diagnostics().get(0).code());
        assertTrue(error.getMessage().contains("node '" + node + "' (" + type + ")"), error.getMessage());
        return error;
    }

    static List<NirEdge> edges(String... chain) {
        List<NirEdge> edges = new ArrayList<>();
        for (int i = 1; i < chain.length; i++) {
            edges.add(new NirEdge(chain[i - 1], chain[i]));
        }
        return edges;
    }

    private static Tensor tensor(double[] values, int... shape) {
        return Tensor.of(Shape.of(shape), values);
    }

    private static double[] randoms(Random random, int count, double scale) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = (random.nextDouble() - 0.3) * scale;
        }
        return values;
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
