package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/** Networks written in the network language with hand-picked weights, and the pass runs the pass tests share. */
final class PassFixtures {

    private PassFixtures() {
    }

    /** A network parsed from its statements, one per argument, with the weights still to be attached. */
    static Network network(String... statements) {
        String text = "network t\n\n" + String.join("\n", statements) + "\n";
        return new Network(SnnTextFrontEnd.parse(text, "t.snn").graph().toBuilder());
    }

    /** A parsed network to which tests attach weights. */
    static final class Network {
        private final GraphBuilder builder;

        private Network(GraphBuilder builder) {
            this.builder = builder;
        }

        Network weight(String key, Shape shape, double... values) {
            builder.weight(key, Tensor.of(shape, values));
            return this;
        }

        Graph build() {
            return builder.build();
        }
    }

    static Shape shape(int... dims) {
        return Shape.of(dims);
    }

    /** Runs {@code passes} on {@code graph} through a {@link PassManager}, so that each result is verified. */
    static PipelineResult runAll(Graph graph, Pass... passes) {
        return new PassManager(List.of(passes), IrDumps.NONE).run(graph, CompilationInputs.none());
    }

    /** The graph {@code pass} makes of {@code graph}, verified by the manager. */
    static Graph run(Pass pass, Graph graph) {
        return runAll(graph, pass).graph();
    }

    /** The single run's statistics of {@code pass} on {@code graph}. */
    static Map<String, Long> statistics(Pass pass, Graph graph) {
        return runAll(graph, pass).runs().get(0).statistics();
    }

    /** The values of the tensor that {@code role} of node {@code node} refers to. */
    static double[] parameter(Graph graph, String node, String role) {
        Node n = graph.node(node);
        String key = n.parameters().get(role).key();
        return graph.weights().get(key).orElseThrow().toArray();
    }

    /** The network text of {@code graph} without its header, one statement a line. */
    static String statements(Graph graph) {
        String printed = SnnPrinter.print(graph);
        return printed.substring(printed.indexOf("\n\n") + 2);
    }

    static String lines(String... statements) {
        return String.join("\n", statements) + "\n";
    }

    static void assertValues(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, () -> "lengths of " + Arrays.toString(actual));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "value " + i + " of " + Arrays.toString(actual));
        }
    }

    /** Asserts that both ANNs compute the same outputs, to {@code tolerance}, on each of {@code inputs}. */
    static void assertSameFunction(Graph expected, Graph actual, double tolerance, double[]... inputs) {
        AnnInterpreter before = new AnnInterpreter(expected);
        AnnInterpreter after = new AnnInterpreter(actual);
        for (double[] input : inputs) {
            assertValues(before.evaluate(input), after.evaluate(input), tolerance);
        }
    }
}
