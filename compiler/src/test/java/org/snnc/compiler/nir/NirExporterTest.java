package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/** The IR → NIR mapping on small hand-written spiking graphs, float and quantized. */
class NirExporterTest {

    @TempDir
    Path dir;

    /** A residual join (add), a grouped conv, an average pool, a one-to-one affine, flatten and dense. */
    private static final String RESIDUAL = """
            network residual

            input x: u8[2,4,4] scale 1/255
            e = encode(x, mode=analog)
            c = conv2d(e, filters=2, kernel=3, padding=1, groups=2, weight="c.weight")
            a = if(c, v0=0.5, current="a.current")
            c2 = conv2d(a, filters=2, kernel=3, padding=1, weight="c2.weight")
            r = affine(a, scale="r.scale")
            j = add(c2, r)
            b = if(j, threshold=2, reset=zero, current="b.current")
            p.synapses = avgpool(b, kernel=2)
            p = if(p.synapses, v0=0.5)
            f = flatten(p)
            d = dense(f, units=3, weight="d.weight")
            o = if(d, v0=0.5)
            output o.readout = readout(o, mode=spikecount)
            """;

    private static Tensor ramp(int... dims) {
        Shape shape = Shape.of(dims);
        double[] values = new double[shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 7 - 3) / 8.0;
        }
        return Tensor.of(shape, values);
    }

    private static Tensor perChannel(double... channels) {
        double[] values = new double[channels.length * 16];
        for (int i = 0; i < values.length; i++) {
            values[i] = channels[i / 16];
        }
        return Tensor.of(Shape.of(channels.length, 4, 4), values);
    }

    static Graph residual() {
        return SnnTextFrontEnd.parse(RESIDUAL, "residual.snn").graph().toBuilder()
                .weight("c.weight", ramp(2, 1, 3, 3)).weight("a.current", perChannel(0.25, -0.5))
                .weight("c2.weight", ramp(2, 2, 3, 3)).weight("r.scale", Tensor.of(Shape.of(2), new double[] {2, 3}))
                .weight("b.current", perChannel(0.125, 0)).weight("d.weight", ramp(3, 8)).build();
    }

    @Test
    void residualGraphMapsNodeByNodeWithTheAddAsTwoEdges() {
        Graph graph = residual();
        NirExporter.Result result = NirExporter.export(graph, NirExporter.Options.STRICT);
        NirGraph nir = result.graph();
        assertEquals(Set.of("x", "c", "a", "c2", "r", "b", "p_synapses", "p", "f", "d", "o", "output"),
                nir.nodes().keySet());
        assertEquals("p_synapses", result.nirNames().get("p.synapses"));
        assertEquals("output", result.nirNames().get("o.readout"));
        assertEquals(Set.of("x→c", "c→a", "a→c2", "a→r", "c2→b", "r→b", "b→p_synapses", "p_synapses→p", "p→f",
                "f→d", "d→o", "o→output"), nir.edges().stream().map(e -> e.source() + "→" + e.target())
                .collect(Collectors.toSet()));
        NirNode.Conv2d grouped = assertInstanceOf(NirNode.Conv2d.class, nir.nodes().get("c"));
        assertEquals(1, grouped.groups());
        Tensor groupedWeight = graph.weights().get("c.weight").orElseThrow();
        assertEquals(NirExporter.ungrouped(groupedWeight, 2, 2), grouped.weight());
        assertEquals(0.0, grouped.weight().get(9), "filter 0 does not read channel 1");
        assertEquals(groupedWeight.get(9), grouped.weight().get(27), "filter 1 reads channel 1");
        assertEquals(Tensor.of(Shape.of(2), new double[] {0.25, -0.5}), grouped.bias());
        assertEquals(List.of(1, 1), grouped.padding());
        assertEquals(List.of(4, 4), grouped.inputShape());
        assertEquals(Tensor.of(Shape.of(2), new double[] {0.125, 0}),
                assertInstanceOf(NirNode.Conv2d.class, nir.nodes().get("c2")).bias());
        NirNode.Scale scale = assertInstanceOf(NirNode.Scale.class, nir.nodes().get("r"));
        assertEquals(Shape.of(2, 4, 4), scale.scale().shape());
        assertEquals(3.0, scale.scale().get(31));
        NirNode.IF b = assertInstanceOf(NirNode.IF.class, nir.nodes().get("b"));
        assertEquals(Shape.of(2, 4, 4), b.vThreshold().shape());
        assertEquals(Math.nextDown(2.0), b.vThreshold().get(17));
        assertEquals(1.0, b.r().get(0));
        assertEquals(0.0, b.vReset().get(0));
        assertEquals(new NirNode.AvgPool2d(List.of(2, 2), List.of(2, 2), List.of(0, 0)),
                nir.nodes().get("p_synapses"));
        assertEquals(new NirNode.Flatten(0, -1, List.of(2, 2, 2)), nir.nodes().get("f"));
        NirNode.Affine dense = assertInstanceOf(NirNode.Affine.class, nir.nodes().get("d"));
        assertEquals(graph.weights().get("d.weight").orElseThrow(), dense.weight());
        assertEquals(Tensor.of(Shape.of(3), new double[3]), dense.bias());
        assertInstanceOf(NirNode.IF.class, nir.nodes().get("o"));
        assertEquals(new NirNode.Output(List.of(3)), nir.nodes().get("output"));
        assertEquals("threshold=2 reset=zero v0=0 fire=ge", nir.metadata().get("snnc.population.b"));
        assertEquals("threshold=1 reset=subtract v0=0.5 fire=ge", nir.metadata().get("snnc.population.a"));
        assertTrue(nir.metadata().get("snnc.readout").startsWith("spikecount"));
        assertTrue(result.notes().stream().allMatch(n -> n.kind() == NirExporter.Note.Kind.CONVENTION));
    }

    @Test
    void theExportedGraphIsWrittenAndReadBackUnchanged() {
        NirGraph nir = NirExporter.export(residual(), NirExporter.Options.STRICT).graph();
        Path file = dir.resolve("residual.nir");
        NirWriter.write(nir, file);
        assertEquals(nir, NirReader.read(file));
    }

    @Test
    void sumPoolFoldsTheKernelAreaIntoTheThreshold() {
        NirExporter.Result result = NirExporter.export(residual(), new NirExporter.Options(false, true));
        assertEquals(new NirNode.SumPool2d(List.of(2, 2), List.of(2, 2), List.of(0, 0)),
                result.graph().nodes().get("p_synapses"));
        assertEquals(Math.nextDown(4.0), ((NirNode.IF) result.graph().nodes().get("p")).vThreshold().get(5));
        assertEquals("threshold=4 reset=subtract v0=2 fire=ge sumpool_fold=4",
                result.graph().metadata().get("snnc.population.p"));
    }

    /** A quantized population: integer LSB values, and θ − 0.5 so that NIR's v &gt; θ' is snnc's v ≥ θ. */
    @Test
    void quantizedExportWritesIntegersAndThresholdMinusAHalf() {
        String text = """
                network q

                input x: u8[4]
                e = encode(x, mode=analog)
                d = dense(e, units=2, weight="d.weight")
                p = if(d, threshold=64, v0=32, current="p.current", weight_bits=4, weight_exponent=1, \
                accumulator_bits=16, state_bits=16, overflow=saturate, fire=ge)
                d2 = dense(p, units=2, weight="d2.weight")
                g = if(d2, threshold=9, weight_bits=4, weight_exponent=0, accumulator_bits=16, state_bits=16, \
                overflow=saturate, fire=gt)
                output r = readout(g, mode=spikecount)
                """;
        Graph graph = SnnTextFrontEnd.parse(text, "q.snn").graph().toBuilder()
                .weight("d.weight", Tensor.of(Shape.of(2, 4), new double[] {2, -14, 0, 6, 4, 4, -2, 14}))
                .weight("p.current", Tensor.of(Shape.of(2), new double[] {3, -5}))
                .weight("d2.weight", Tensor.of(Shape.of(2, 2), new double[] {1, -7, 7, 0})).build();
        NirGraph nir = NirExporter.export(graph, NirExporter.Options.STRICT).graph();
        NirNode.Affine dense = (NirNode.Affine) nir.nodes().get("d");
        assertEquals(graph.weights().get("d.weight").orElseThrow(), dense.weight());
        assertEquals(Tensor.of(Shape.of(2), new double[] {3, -5}), dense.bias());
        assertEquals(Tensor.of(Shape.of(2), new double[] {63.5, 63.5}),
                ((NirNode.IF) nir.nodes().get("p")).vThreshold());
        assertEquals(Tensor.of(Shape.of(2), new double[] {9, 9}), ((NirNode.IF) nir.nodes().get("g")).vThreshold());
        assertEquals("threshold=64 reset=subtract v0=32 fire=ge weight_bits=4 weight_exponent=1 accumulator_bits=16 "
                + "state_bits=16 overflow=saturate", nir.metadata().get("snnc.population.p"));
        assertTrue(nir.metadata().get("snnc.input").contains("raw stored values"));
    }

    @Test
    void aMembraneReadoutOfASubtractingPopulationIsAnIntegrator() {
        Graph graph = SnnTextFrontEnd.parse(RESIDUAL.replace("mode=spikecount", "mode=membrane"), "m.snn").graph()
                .toBuilder().weights(residual().weights()).build();
        NirGraph nir = NirExporter.export(graph, NirExporter.Options.STRICT).graph();
        assertEquals(new NirNode.I(Tensor.of(Shape.of(3), new double[] {1, 1, 1})), nir.nodes().get("o"));
        assertTrue(nir.metadata().get("snnc.readout").startsWith("membrane"));
    }

    @Test
    void aMaxPoolGateIsRefusedAtItsLineUnlessLossy() throws Exception {
        String text = """
                network gated

                input x: u8[1,4,4]
                e = encode(x, mode=analog)
                c = conv2d(e, filters=1, kernel=1, weight="c.weight")
                a = if(c)
                m = maxpool_gate(a, kernel=2)
                f = flatten(m)
                d = dense(f, units=2, weight="d.weight")
                o = if(d)
                output r = readout(o, mode=spikecount)
                """;
        Graph graph = SnnTextFrontEnd.parse(text, "gated.snn").graph().toBuilder()
                .weight("c.weight", Tensor.of(Shape.of(1, 1, 1, 1), new double[] {1}))
                .weight("d.weight", ramp(2, 4)).build();
        CompilationException refused = assertThrows(CompilationException.class,
                () -> NirExporter.export(graph, NirExporter.Options.STRICT));
        Diagnostic diagnostic = refused.diagnostics().get(0);
        assertEquals(DiagnosticCode.NIR_NOT_EXPORTABLE, diagnostic.code());
        assertTrue(diagnostic.format().startsWith("gated.snn:7:"), diagnostic.format());
        assertTrue(diagnostic.message().contains("'m'") && diagnostic.message().contains("--lossy"),
                diagnostic.message());
        NirExporter.Result lossy = NirExporter.export(graph, new NirExporter.Options(true, false));
        assertInstanceOf(NirNode.AvgPool2d.class, lossy.graph().nodes().get("m"));
        assertEquals(List.of("m"), lossy.notes().stream().filter(n -> n.kind() == NirExporter.Note.Kind.LOSS)
                .findFirst().orElseThrow().nodes());
        CompilationException unfoldable = assertThrows(CompilationException.class,
                () -> NirExporter.export(graph, new NirExporter.Options(true, true)));
        assertTrue(unfoldable.getMessage().contains("--sumpool"), unfoldable.getMessage());
        assertEquals(List.of(), Files.list(dir).toList());
    }

    @Test
    void anAnnOperatorIsRefused() {
        String text = """
                network ann

                input x: f32[4]
                d = dense(x, units=2, weight="d.weight")
                output y = relu(d)
                """;
        Graph graph = SnnTextFrontEnd.parse(text, "ann.snn").graph().toBuilder().weight("d.weight", ramp(2, 4))
                .build();
        CompilationException refused = assertThrows(CompilationException.class,
                () -> NirExporter.export(graph, NirExporter.Options.STRICT));
        assertTrue(refused.getMessage().contains("[E1107]") && refused.getMessage().contains("convert"),
                refused.getMessage());
    }
}
