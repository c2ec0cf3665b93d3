package org.snnc.compiler.nir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/** Small hand-built NIR graphs and values for the interpreter's tests. */
final class NirGraphs {

    private NirGraphs() {
    }

    /** A vector. */
    static Tensor vector(double... values) {
        return Tensor.of(Shape.of(values.length), values);
    }

    /** A 0-d scalar, which broadcasts. */
    static Tensor scalar(double value) {
        return Tensor.of(Shape.of(), new double[] {value});
    }

    /** A tensor of the given shape. */
    static Tensor tensor(int[] shape, double... values) {
        return Tensor.of(Shape.of(shape), values);
    }

    /** {@code in → n0 → n1 → … → out}, with an Input node of shape {@code input}. */
    static NirGraph chain(List<Integer> input, NirNode... nodes) {
        Map<String, NirNode> named = new LinkedHashMap<>();
        named.put("in", new NirNode.Input(input));
        List<NirEdge> edges = new ArrayList<>();
        String previous = "in";
        for (int k = 0; k < nodes.length; k++) {
            named.put("n" + k, nodes[k]);
            edges.add(new NirEdge(previous, "n" + k));
            previous = "n" + k;
        }
        named.put("out", new NirNode.Output(List.of()));
        edges.add(new NirEdge(previous, "out"));
        return new NirGraph(named, edges, Map.of());
    }

    /** Runs {@code graph} over the steps of {@code x} (T, *input shape), recording {@code recorded}. */
    static NirRecording run(NirGraph graph, NirConventions conventions, Tensor x, String... recorded) {
        return new NirInterpreter(graph, conventions, SourceSpan.ofFile("test.nir")).run(x, Set.of(recorded));
    }

    /** The steps of a vector input: one row per step. */
    static Tensor steps(double[]... rows) {
        double[] values = new double[rows.length * rows[0].length];
        for (int t = 0; t < rows.length; t++) {
            System.arraycopy(rows[t], 0, values, t * rows[0].length, rows[0].length);
        }
        return Tensor.of(Shape.of(rows.length, rows[0].length), values);
    }

    /** A scalar per step, as input of shape (T, 1). */
    static Tensor series(double... values) {
        return Tensor.of(Shape.of(values.length, 1), values);
    }
}
