package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.testing.PythonCheck;

/** Writes hand-built NIR graphs and reads them back with {@link NirReader}, jhdf and h5py. */
class NirWriterTest {

    @TempDir
    Path dir;

    private static Tensor tensor(double... values) {
        return Tensor.of(Shape.of(values.length), values);
    }

    private static Tensor scalar(double value) {
        return Tensor.of(Shape.of(), new double[] {value});
    }

    /** One node of every type NIR defines, a nested graph among them, with float32 and float64 values. */
    static NirGraph everyNodeType() {
        Map<String, NirNode> inner = new LinkedHashMap<>();
        inner.put("in", new NirNode.Input(List.of(2)));
        inner.put("lif", new NirNode.LIF(tensor(0.01, 0.02), tensor(1, 1), tensor(0, 0), tensor(1, 0.1),
                tensor(0, 0)));
        inner.put("out", new NirNode.Output(List.of(2)));
        NirGraph nested = new NirGraph(inner, List.of(new NirEdge("in", "lif"), new NirEdge("lif", "out")),
                Map.of("origin", "nested"));
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        nodes.put("input", new NirNode.Input(List.of(1, 4, 4)));
        nodes.put("conv", new NirNode.Conv2d(Tensor.of(Shape.of(2, 1, 3, 3), new double[18]), tensor(0.5, -0.25),
                List.of(1, 1), List.of(1, 1), "", List.of(1, 1), 1, List.of(4, 4)));
        nodes.put("conv_same", new NirNode.Conv2d(Tensor.of(Shape.of(2, 1, 1, 1), new double[] {1, 2}),
                tensor(0, 0), List.of(1, 1), List.of(), "same", List.of(1, 1), 2, List.of()));
        nodes.put("conv1d", new NirNode.Conv1d(Tensor.of(Shape.of(1, 2, 3), new double[6]), tensor(0.1), 2, 1, "",
                1, 1, List.of(8)));
        nodes.put("sum", new NirNode.SumPool2d(List.of(2, 2), List.of(2, 2), List.of(0, 0)));
        nodes.put("avg", new NirNode.AvgPool2d(List.of(2, 3), List.of(1, 2), List.of(1, 0)));
        nodes.put("flat", new NirNode.Flatten(0, -1, List.of(2, 2, 2)));
        nodes.put("affine", new NirNode.Affine(Tensor.of(Shape.of(2, 8), new double[16]), tensor(0.1, 0.2)));
        nodes.put("linear", new NirNode.Linear(Tensor.of(Shape.of(2, 2), new double[] {1, 0, 0, 1})));
        nodes.put("scale", new NirNode.Scale(tensor(2, 3)));
        nodes.put("delay", new NirNode.Delay(tensor(0.001, 0.002)));
        nodes.put("threshold", new NirNode.Threshold(scalar(0.5)));
        nodes.put("i", new NirNode.I(tensor(1, 1)));
        nodes.put("if", new NirNode.IF(tensor(1, 1), tensor(254259.5, 3), tensor(0, 0)));
        nodes.put("li", new NirNode.LI(tensor(0.02, 0.02), tensor(1, 1), tensor(0, 0)));
        nodes.put("cubali", new NirNode.CubaLI(tensor(0.005), tensor(0.01), tensor(1), tensor(0), tensor(1)));
        nodes.put("cubalif", new NirNode.CubaLIF(tensor(0.005), tensor(0.01), tensor(1), tensor(0), tensor(1),
                tensor(0), tensor(4)));
        nodes.put("block", new NirNode.Graph(nested));
        nodes.put("output", new NirNode.Output(List.of(2)));
        List<NirEdge> edges = List.of(new NirEdge("input", "conv"), new NirEdge("conv", "sum"),
                new NirEdge("sum", "flat"), new NirEdge("flat", "affine"), new NirEdge("affine", "if"),
                new NirEdge("scale", "if"), new NirEdge("if", "block"), new NirEdge("block", "output"));
        return new NirGraph(nodes, edges, Map.of("snnc.network", "every", "snnc.units", "float"));
    }

    @Test
    void everyNodeTypeReadsBackEqual() {
        NirGraph graph = everyNodeType();
        Path file = dir.resolve("every.nir");
        NirWriter.write(graph, file);
        assertEquals(graph, NirReader.read(file));
    }

    @Test
    void aGraphWithoutEdgesOrMetadataReadsBackEqual() {
        NirGraph graph = new NirGraph(Map.of("only", new NirNode.Input(List.of(3))), List.of(), Map.of());
        Path file = dir.resolve("lone.nir");
        NirWriter.write(graph, file);
        assertEquals(graph, NirReader.read(file));
    }

    @Test
    void tensorsAreFloat32WhenExactElseFloat64AndIntegersInt64() {
        NirGraph graph = everyNodeType();
        Path file = dir.resolve("types.nir");
        NirWriter.write(graph, file);
        try (HdfFile hdf = new HdfFile(file)) {
            assertEquals(NirWriter.NIR_VERSION, hdf.getDatasetByPath("version").getData());
            assertEquals(float.class, hdf.getDatasetByPath("node/nodes/if/v_threshold").getJavaType());
            assertEquals(double.class, hdf.getDatasetByPath("node/nodes/affine/bias").getJavaType());
            assertEquals(long.class, hdf.getDatasetByPath("node/nodes/conv/stride").getJavaType());
            assertEquals(Long.class, hdf.getDatasetByPath("node/nodes/flat/start_dim").getJavaType());
            assertTrue(hdf.getDatasetByPath("node/nodes/threshold/threshold").isScalar());
            assertEquals("same", hdf.getDatasetByPath("node/nodes/conv_same/padding").getData());
            assertEquals("NIRGraph", hdf.getDatasetByPath("node/nodes/block/type").getData());
        }
    }

    @Test
    void refusesATargetThatIsNotARegularFileAndLeavesNothing() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("taken.nir"));
        CompilationException e = assertThrows(CompilationException.class,
                () -> NirWriter.write(everyNodeType(), folder));
        assertEquals(DiagnosticCode.FILE_UNWRITABLE, e.diagnostics().get(0).code());
        assertTrue(Files.isDirectory(folder));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(folder), files.toList());
        }
    }

    @Test
    void aMissingFolderIsAnErrorNamingTheTarget() {
        Path target = dir.resolve("missing/net.nir");
        CompilationException e = assertThrows(CompilationException.class,
                () -> NirWriter.write(everyNodeType(), target));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    }

    /**
     * h5py reads the layout that NIR's Python reader walks (nir/serialization.py): a version, the graph under
     * {@code node}, string edges [E, 2], node fields by NIR's names. Debian's python3 with h5py is needed under CI;
     * elsewhere its absence skips the test.
     */
    @Test
    void h5pyReadsWhatNirPythonReads() throws Exception {
        Path file = dir.resolve("py.nir");
        NirWriter.write(everyNodeType(), file);
        String script = "import sys, h5py\n"
                + "f = h5py.File(sys.argv[1], 'r')\n"
                + "g = f['node']\n"
                + "print(f['version'][()].decode(), g['type'][()].decode())\n"
                + "print([(a.decode(), b.decode()) for a, b in g['edges'][()]][:2])\n"
                + "n = g['nodes']\n"
                + "print(n['if/v_threshold'].dtype, n['if/v_threshold'][()].tolist(), n['conv/stride'].dtype)\n"
                + "print(n['block/nodes/lif/type'][()].decode(), g['metadata/snnc.network'][()].decode())\n";
        String out = PythonCheck.run(script, "h5py", file.toString());
        assertEquals("""
                1.0.7 NIRGraph
                [('input', 'conv'), ('conv', 'sum')]
                float32 [254259.5, 3.0] int64
                LIF every
                """, out);
    }
}
