package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.nir.NirConventions.Reset;

/**
 * A recurrent NIR graph imported into the IR: snnTorch's RLeaky ({@code 1.lif → 1.w_rec → 1.lif}) becomes a
 * {@code previous} edge out of the population, and the float simulator (sync schedule, every layer within a step, as
 * snnTorch steps it) spikes exactly as the NIR interpreter under snnTorch's conventions, which reproduces snnTorch's own
 * output on the shared file (NirInterpreterSharedCasesTest). The shared file gives every neuron its own β, which snnc's
 * one decay per population cannot hold, so the graph here is that file with one τ for each LIF layer; its recurrent
 * weights and bias are snnTorch's. The reset is subtraction in the step of the spike, snnc's own (the flavor's delayed
 * subtraction spikes alike).
 */
class NirRecurrenceTest {

    private static final SourceSpan SPAN = SourceSpan.ofFile("rleaky.nir");

    @Test
    void rleakyImportsAsARecurrentEdgeAndSimulatesAsTheInterpreter() {
        NirSharedCase shared = NirSharedCase.load("snntorch_rleaky");
        NirGraph uniform = withOneTauPerLayer(shared.graph().flattened());
        Graph graph = NirImporter.importGraph(uniform, "rleaky", SPAN, NirImportOptions.of(Flavor.SNNTORCH)).graph();
        PreviousStep edge = assertInstanceOf(PreviousStep.class, graph.node("n1.lif.previous"));
        assertEquals("n1.lif", edge.source());
        assertEquals(Shape.of(8), edge.shape());

        NirConventions snntorch = NirConventions.of(Flavor.SNNTORCH, OptionalDouble.empty()).withReset(Reset.SUBTRACT);
        NirRecording interpreted = new NirInterpreter(uniform, snntorch, SPAN).run(
                Map.of("input", shared.x()), Set.of("1.lif", "3"));
        int steps = shared.x().shape().dim(0);
        Map<String, BitSet[]> simulated = NirSimulation.raster(graph, shared.x().toArray(), steps);
        Map<String, String> populations = new LinkedHashMap<>();
        populations.put("1.lif", "n1.lif");
        populations.put("3", "n3");
        long spikes = 0;
        for (Map.Entry<String, String> population : populations.entrySet()) {
            Tensor expected = interpreted.output(population.getKey());
            BitSet[] actual = simulated.get(population.getValue());
            int size = expected.size() / steps;
            for (int t = 0; t < steps; t++) {
                BitSet want = new BitSet();
                for (int i = 0; i < size; i++) {
                    if (expected.get(t * size + i) != 0) {
                        want.set(i);
                    }
                }
                assertEquals(want, actual[t], population.getKey() + " at step " + (t + 1));
                spikes += want.cardinality();
            }
        }
        assertTrue(spikes > 40, "only " + spikes + " spikes: the comparison must see activity");
        Graph cut = NirImporter.importGraph(withoutRecurrence(uniform), "cut", SPAN,
                NirImportOptions.of(Flavor.SNNTORCH)).graph();
        BitSet[] withoutEdge = NirSimulation.raster(cut, shared.x().toArray(), steps).get("n1.lif");
        assertNotEquals(Arrays.asList(simulated.get("n1.lif")), Arrays.asList(withoutEdge),
                "the recurrent weights must change the spikes, or the comparison does not test them");
    }

    /** The graph with the recurrent Affine's weights and bias zero. */
    private static NirGraph withoutRecurrence(NirGraph graph) {
        Map<String, NirNode> nodes = new LinkedHashMap<>(graph.nodes());
        NirNode.Affine recurrent = (NirNode.Affine) nodes.get("1.w_rec");
        nodes.put("1.w_rec", new NirNode.Affine(Tensor.wrap(recurrent.weight().shape(),
                new double[recurrent.weight().size()]), Tensor.wrap(recurrent.bias().shape(),
                new double[recurrent.bias().size()])));
        return new NirGraph(nodes, graph.edges(), graph.metadata());
    }

    /** The graph with every LIF node's τ and r replaced by the mean over its neurons (r·dt/τ stays 1). */
    private static NirGraph withOneTauPerLayer(NirGraph graph) {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        graph.nodes().forEach((name, node) -> {
            if (node instanceof NirNode.LIF lif) {
                int size = lif.tau().size();
                double tau = 0.001;
                nodes.put(name, new NirNode.LIF(filled(size, tau), filled(size, tau / 1e-4), lif.vLeak(),
                        lif.vThreshold(), lif.vReset()));
            } else {
                nodes.put(name, node);
            }
        });
        return new NirGraph(nodes, graph.edges(), graph.metadata());
    }

    private static Tensor filled(int size, double value) {
        double[] values = new double[size];
        Arrays.fill(values, value);
        return Tensor.wrap(Shape.of(size), values);
    }
}
