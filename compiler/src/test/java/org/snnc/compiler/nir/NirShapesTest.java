package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.nir.NirGraphs.chain;
import static org.snnc.compiler.nir.NirGraphs.scalar;
import static org.snnc.compiler.nir.NirGraphs.series;
import static org.snnc.compiler.nir.NirGraphs.tensor;
import static org.snnc.compiler.nir.NirGraphs.vector;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.nir.NirConventions.Flavor;

/** The shape check refuses what does not fit with E1105, naming the node, its type and the field. */
class NirShapesTest {

    private static final NirConventions TEXT = NirConventions.of(Flavor.NIR_TEXT, OptionalDouble.of(1));

    private static NirInterpreter interpreter(NirGraph graph) {
        return new NirInterpreter(graph, TEXT, SourceSpan.ofFile("model.nir"));
    }

    /** The single diagnostic of {@code code} that making (or running) fails with, formatted. */
    private static String fails(DiagnosticCode code, Executable executable) {
        CompilationException e = assertThrows(CompilationException.class, executable);
        assertEquals(code, e.diagnostics().get(0).code(), e.getMessage());
        assertTrue(e.getMessage().contains("model.nir"), e.getMessage());
        return e.getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' is not in: " + message);
        }
    }

    @Test
    void shapesFollowTheEdges() {
        NirNode.Conv2d conv = new NirNode.Conv2d(tensor(new int[] {4, 2, 3, 3}, new double[72]), vector(0, 0, 0, 0),
                List.of(2, 2), List.of(0, 0), "", List.of(1, 1), 1, List.of(7, 7));
        NirInterpreter interpreter = interpreter(chain(List.of(2, 7, 7), conv,
                new NirNode.IF(scalar(1), scalar(1), scalar(0)), new NirNode.Flatten(0, -1, List.of()),
                new NirNode.Affine(tensor(new int[] {3, 36}, new double[108]), vector(1, 2, 3))));
        assertEquals(Shape.of(4, 3, 3), interpreter.shapeOf("n0"));
        assertEquals(Shape.of(36), interpreter.shapeOf("n2"));
        assertEquals(Shape.of(3), interpreter.shapeOf("out"));
    }

    @Test
    void affineInputSizeMustMatchItsWeight() {
        NirGraph graph = chain(List.of(4), new NirNode.Affine(tensor(new int[] {2, 3}, new double[6]), vector(0, 0)));
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(graph)), "E1105", "node 'n0' (Affine)",
                "field 'weight'", "[2,3]", "[4]");
    }

    @Test
    void summedInputsMustHaveOneShape() {
        NirGraph graph = new NirGraph(Map.of("in", new NirNode.Input(List.of(3)),
                "a", new NirNode.Linear(tensor(new int[] {2, 3}, new double[6])),
                "b", new NirNode.Linear(tensor(new int[] {4, 3}, new double[12])),
                "sum", new NirNode.Output(List.of())),
                List.of(new NirEdge("in", "a"), new NirEdge("in", "b"), new NirEdge("a", "sum"),
                        new NirEdge("b", "sum")), Map.of());
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(graph)), "node 'sum' (Output)",
                "'a' gives [2]", "'b' gives [4]");
    }

    @Test
    void aConv2dNeedsAKnownInputSize() {
        NirNode.Conv2d conv = new NirNode.Conv2d(tensor(new int[] {1, 1, 1, 1}, 1), vector(0), List.of(1, 1),
                List.of(0, 0), "", List.of(1, 1), 1, List.of());
        NirGraph graph = new NirGraph(Map.of("in", new NirNode.Input(List.of(1)), "conv", conv,
                "out", new NirNode.Output(List.of(1))), List.of(new NirEdge("in", "out")), Map.of());
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(graph)), "node 'conv' (Conv2d)",
                "'input_shape'");
    }

    @Test
    void aConv2dInputMustMatchItsDeclaredSizeAndChannels() {
        NirNode.Conv2d conv = new NirNode.Conv2d(tensor(new int[] {1, 2, 1, 1}, 1, 1), vector(0), List.of(1, 1),
                List.of(0, 0), "", List.of(1, 1), 1, List.of(5, 5));
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(chain(List.of(2, 4, 4), conv))),
                "node 'n0' (Conv2d)", "field 'input_shape' is [5, 5]", "[2,4,4]");
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(chain(List.of(3, 5, 5), conv))),
                "field 'weight'", "2 channels");
        NirNode.Conv2d wide = new NirNode.Conv2d(tensor(new int[] {1, 2, 3, 3}, new double[18]), vector(0),
                List.of(1, 1), List.of(0, 0), "", List.of(2, 2), 1, List.of());
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(chain(List.of(2, 4, 4), wide))),
                "does not fit");
    }

    @Test
    void neuronParametersFitTheirInput() {
        NirNode.LIF lif = new NirNode.LIF(vector(1, 2, 3), scalar(1), scalar(0), scalar(1), scalar(0));
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(chain(List.of(4), lif))),
                "node 'n0' (LIF)", "field 'tau' has shape [3]", "[4]");
    }

    @Test
    void flattenAxesAndDeclaredInput() {
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH,
                () -> interpreter(chain(List.of(2, 3), new NirNode.Flatten(0, 2, List.of())))),
                "node 'n0' (Flatten)", "field 'end_dim'");
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH,
                () -> interpreter(chain(List.of(2, 3), new NirNode.Flatten(0, -1, List.of(3, 2))))),
                "field 'input_type' is [3,2]");
    }

    @Test
    void aBackEdgeMustCarryTheShapeItsTargetTakes() {
        NirGraph graph = new NirGraph(Map.of("in", new NirNode.Input(List.of(2)), "n", new NirNode.I(scalar(1)),
                "rec", new NirNode.Linear(tensor(new int[] {3, 2}, new double[6])), "out",
                new NirNode.Output(List.of(2))),
                List.of(new NirEdge("in", "n"), new NirEdge("n", "rec"), new NirEdge("rec", "n"),
                        new NirEdge("n", "out")), Map.of());
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(graph)), "node 'n' (I)",
                "back edge rec → n carries [3]");
    }

    @Test
    void theOutputShapeMustMatchWhatReachesIt() {
        NirGraph graph = new NirGraph(Map.of("in", new NirNode.Input(List.of(2)), "out",
                new NirNode.Output(List.of(3))), List.of(new NirEdge("in", "out")), Map.of());
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter(graph)), "node 'out' (Output)",
                "field 'shape' is [3]");
    }

    @Test
    void theDataMustMatchTheInputNode() {
        NirInterpreter interpreter = interpreter(chain(List.of(2), new NirNode.Scale(scalar(1))));
        contains(fails(DiagnosticCode.NIR_SHAPE_MISMATCH, () -> interpreter.run(series(1, 2), Set.of())),
                "node 'in' (Input)", "field 'shape' is [2]", "[2,1]");
        contains(fails(DiagnosticCode.UNKNOWN_NAME,
                () -> interpreter.run(NirGraphs.steps(new double[] {1, 2}), Set.of("nope"))), "'nope'");
    }

    @Test
    void anEdgeToNoNodeIsRefused() {
        NirGraph graph = new NirGraph(Map.of("in", new NirNode.Input(List.of(2))),
                List.of(new NirEdge("in", "ghost")), Map.of());
        contains(fails(DiagnosticCode.NIR_BAD_EDGE, () -> interpreter(graph)), "E1104", "in → ghost", "'ghost'");
    }

    @Test
    void aTimeConstantMustBePositive() {
        NirNode.LI li = new NirNode.LI(scalar(0), scalar(1), scalar(0));
        contains(fails(DiagnosticCode.NIR_BAD_FIELD, () -> interpreter(chain(List.of(1), li))),
                "node 'n0' (LI), field 'tau'");
        NirNode.Delay delay = new NirNode.Delay(scalar(-1));
        contains(fails(DiagnosticCode.NIR_BAD_FIELD, () -> interpreter(chain(List.of(1), delay))),
                "node 'n0' (Delay), field 'delay'");
    }
}
