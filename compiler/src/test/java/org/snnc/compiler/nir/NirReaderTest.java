package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.testing.SharedData;

/** Reads every shared third-party NIR file; the expected contents are those h5py lists for the same files. */
class NirReaderTest {

    private static NirGraph read(String caseName) {
        return NirReader.read(SharedData.folder().resolve("nir").resolve(caseName).resolve("model.nir"));
    }

    @Test
    void readsSinabsConvolutionalNetwork() {
        NirGraph graph = read("sinabs_iaf_cnn");
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "input", "output"),
                List.copyOf(graph.nodes().keySet()));
        NirNode.Conv2d conv = assertInstanceOf(NirNode.Conv2d.class, graph.nodes().get("0"));
        assertEquals(Shape.of(4, 2, 3, 3), conv.weight().shape());
        assertEquals(List.of(1, 1), conv.padding());
        assertEquals(List.of(8, 8), conv.inputShape());
        assertEquals(0.042204265f, (float) conv.bias().get(0));
        NirNode.IF neurons = assertInstanceOf(NirNode.IF.class, graph.nodes().get("1"));
        assertEquals(Shape.of(4, 8, 8), neurons.vThreshold().shape());
        NirNode.SumPool2d pool = assertInstanceOf(NirNode.SumPool2d.class, graph.nodes().get("2"));
        assertEquals(List.of(2, 2), pool.kernelSize());
        NirNode.Flatten flatten = assertInstanceOf(NirNode.Flatten.class, graph.nodes().get("5"));
        assertEquals(List.of(6, 2, 2), flatten.inputShape());
        assertEquals(-1, flatten.endDim());
        assertEquals(List.of(2, 8, 8), assertInstanceOf(NirNode.Input.class, graph.nodes().get("input")).shape());
        assertEquals(9, graph.edges().size());
        assertTrue(graph.edges().contains(new NirEdge("7", "output")));
    }

    @Test
    void readsFloat64CompressedFieldsAndInlinedRecurrentNodes() {
        NirGraph graph = read("snntorch_rleaky");
        NirNode.LIF lif = assertInstanceOf(NirNode.LIF.class, graph.nodes().get("1.lif"));
        assertEquals(Shape.of(8), lif.tau().shape());
        assertEquals(0.0009999997615814777, lif.tau().get(0));
        assertTrue(graph.edges().contains(new NirEdge("1.w_rec", "1.lif")));
        NirNode.LIF output = assertInstanceOf(NirNode.LIF.class, graph.nodes().get("3"));
        assertEquals(0.8f, (float) output.vThreshold().get(2));
    }

    @Test
    void readsEveryCuba() {
        NirNode.CubaLIF cuba = assertInstanceOf(NirNode.CubaLIF.class, read("lavadl_cuba_dense").nodes().get("1_cuba"));
        assertEquals(4.0, cuba.wIn().get(3));
        assertEquals(1.25, cuba.vThreshold().get(0));
        assertInstanceOf(NirNode.Linear.class, read("lavadl_cuba_dense").nodes().get("0_dense"));
    }

    @Test
    void flattenedInlinesNestedGraphs() {
        NirGraph inner = new NirGraph(Map.of("in", new NirNode.Input(List.of(2)), "out",
                new NirNode.Output(List.of(2))), List.of(new NirEdge("in", "out")), Map.of());
        NirGraph outer = new NirGraph(
                Map.of("input", new NirNode.Input(List.of(2)), "g", new NirNode.Graph(inner), "output",
                        new NirNode.Output(List.of(2))),
                List.of(new NirEdge("input", "g"), new NirEdge("g", "output")), Map.of());
        NirGraph flat = outer.flattened();
        assertTrue(flat.nodes().containsKey("g.in") && flat.nodes().containsKey("g.out"));
        assertEquals(List.of(new NirEdge("g.in", "g.out"), new NirEdge("input", "g.in"),
                new NirEdge("g.out", "output")), flat.edges());
    }

}
