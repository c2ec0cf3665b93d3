package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.snnc.compiler.nir.NirGraphs.chain;
import static org.snnc.compiler.nir.NirGraphs.run;
import static org.snnc.compiler.nir.NirGraphs.scalar;
import static org.snnc.compiler.nir.NirGraphs.series;
import static org.snnc.compiler.nir.NirGraphs.steps;
import static org.snnc.compiler.nir.NirGraphs.tensor;
import static org.snnc.compiler.nir.NirGraphs.vector;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.nir.NirConventions.CubaCurrent;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.nir.NirConventions.Integration;
import org.snnc.compiler.nir.NirConventions.IntegratorStep;
import org.snnc.compiler.nir.NirConventions.LayerDelay;
import org.snnc.compiler.nir.NirConventions.Recurrence;
import org.snnc.compiler.nir.NirConventions.Reset;
import org.snnc.compiler.nir.NirConventions.SynapseInput;

/** Hand-computed steps of every node type and every convention. */
class NirInterpreterTest {

    /** NIR's text at dt = 1, with I and IF stepping by one unit. */
    private static final NirConventions UNIT = NirConventions.of(Flavor.NIR_TEXT, OptionalDouble.of(1))
            .withIntegratorStep(IntegratorStep.UNIT);

    private static final NirNode.IF IF_THRESHOLD_ONE = new NirNode.IF(scalar(1), scalar(1), scalar(0));

    private static double[] values(Tensor t) {
        return t.toArray();
    }

    @Test
    void sinabsIntegrateAndFireEmitsSeveralSpikesAndFloorsAtMinusThreshold() {
        NirGraph graph = chain(List.of(1), IF_THRESHOLD_ONE);
        Tensor x = series(2.5, -3, 0.5, 1.5);
        NirConventions sinabs = NirConventions.of(Flavor.SINABS);
        NirRecording floored = run(graph, sinabs, x, "n0");
        // v = 2.5 ≥ 1: ⌊2.5⌋ = 2 spikes, v = 0.5; v = −2.5, floored at −1; v = −0.5; v = 1.0 ≥ 1: one spike, v = 0
        assertArrayEquals(new double[] {2, 0, 0, 1}, values(floored.output("out")));
        assertArrayEquals(new double[] {0.5, -1, -0.5, 0}, values(floored.state("n0", "v")));
        NirRecording unfloored = run(graph, sinabs.withFloorAtMinusThreshold(false), x, "n0");
        assertArrayEquals(new double[] {2, 0, 0, 0}, values(unfloored.output("out")));
        assertArrayEquals(new double[] {0.5, -2.5, -2, -0.5}, values(unfloored.state("n0", "v")));
        NirRecording strict = run(graph, sinabs.withFire(NirConventions.Fire.GREATER), x, "n0");
        assertArrayEquals(new double[] {2, 0, 0, 0}, values(strict.output("out")), "1.0 > 1 is false");
    }

    @Test
    void leakyIntegratorEulerAgainstExactDecay() {
        NirGraph graph = chain(List.of(1), new NirNode.LIF(scalar(2), scalar(1), scalar(0), scalar(10), scalar(0)));
        Tensor x = series(1, 1, 1);
        NirRecording euler = run(graph, UNIT, x, "n0");
        assertArrayEquals(new double[] {0.5, 0.75, 0.875}, values(euler.state("n0", "v")), 1e-15);
        NirRecording exact = run(graph, UNIT.withIntegration(Integration.EXACT), x, "n0");
        double[] expected = {1 - Math.exp(-0.5), 1 - Math.exp(-1), 1 - Math.exp(-1.5)};
        assertArrayEquals(expected, values(exact.state("n0", "v")), 1e-15);
        assertArrayEquals(new double[3], values(exact.output("out")), "no spike below 10");
    }

    @Test
    void leakyIntegratorEmitsItsMembraneAndLeaksTowardsVLeak() {
        NirGraph graph = chain(List.of(1), new NirNode.LI(scalar(4), scalar(2), scalar(1)));
        // v ← 0.75·v + 0.25·(1 + 2·x) at dt = 1
        NirRecording run = run(graph, UNIT, series(1, 0), "n0");
        assertArrayEquals(new double[] {0.75, 0.75 * 0.75 + 0.25}, values(run.output("out")), 1e-15);
        assertArrayEquals(values(run.output("out")), values(run.state("n0", "v")));
    }

    @Test
    void integratorStepsByDtUnderNirText() {
        NirGraph graph = chain(List.of(1), new NirNode.I(scalar(2)));
        NirConventions text = NirConventions.of(Flavor.NIR_TEXT, OptionalDouble.of(0.25));
        assertArrayEquals(new double[] {0.5, 1.0}, values(run(graph, text, series(1, 1)).output("out")));
        assertArrayEquals(new double[] {2, 4}, values(run(graph, UNIT, series(1, 1)).output("out")));
    }

    /** {@code in → n (I, r = 1) → rec (Affine 0.5·v + 1) → n}: the DFS from {@code in} closes the cycle at rec → n. */
    private static NirGraph recurrentIntegrator() {
        return new NirGraph(Map.of("in", new NirNode.Input(List.of(1)), "n", new NirNode.I(scalar(1)), "rec",
                new NirNode.Affine(tensor(new int[] {1, 1}, 0.5), vector(1)), "out", new NirNode.Output(List.of(1))),
                List.of(new NirEdge("in", "n"), new NirEdge("n", "rec"), new NirEdge("rec", "n"),
                        new NirEdge("n", "out")), Map.of());
    }

    @Test
    void aBackEdgeCarriesThePreviousStep() {
        Tensor x = series(1, 0, 0);
        // closing edge rec → n: v_t = v_{t−1} + x_t + rec_{t−1}, rec_t = 0.5·v_t + 1, and 0 before the first step
        NirRecording closing = run(recurrentIntegrator(), UNIT, x, "rec");
        assertArrayEquals(new double[] {1, 2.5, 4.75}, values(closing.output("out")));
        assertArrayEquals(new double[] {1.5, 2.25, 3.375}, values(closing.output("rec")));
        // the edge out of the neuron n → rec: rec_t = 0.5·v_{t−1} + 1, its bias counted from the first step
        NirRecording afterNeuron = run(recurrentIntegrator(), UNIT.withRecurrence(Recurrence.NEURON_OUTPUT), x,
                "rec");
        assertArrayEquals(new double[] {2, 4, 7}, values(afterNeuron.output("out")));
        assertArrayEquals(new double[] {1, 2, 3}, values(afterNeuron.output("rec")));
    }

    @Test
    void layerDelayHoldsEachNeuronLayerOneStep() {
        NirNode.IF neuron = new NirNode.IF(scalar(1), scalar(0.5), scalar(0));
        NirNode.Linear identity = new NirNode.Linear(tensor(new int[] {1, 1}, 1));
        NirGraph graph = chain(List.of(1), identity, neuron, identity, neuron);
        Tensor x = series(1, 0, 0, 0);
        assertArrayEquals(new double[] {1, 0, 0, 0}, values(run(graph, UNIT, x).output("out")));
        NirRecording delayed = run(graph, UNIT.withLayerDelay(LayerDelay.ONE_STEP_PER_NEURON_LAYER), x, "n1");
        assertArrayEquals(new double[] {0, 0, 1, 0}, values(delayed.output("out")));
        assertArrayEquals(new double[] {0, 1, 0, 0}, values(delayed.output("n1")), "emitted one step late");
        assertArrayEquals(new double[] {0, 0, 0, 0}, values(delayed.state("n1", "v")), "reset when it fired");
    }

    @Test
    void resetsZeroSubtractDelayedAndPerNode() {
        NirGraph graph = chain(List.of(1), IF_THRESHOLD_ONE);
        Tensor x = series(1.5, 0.6, 0);
        NirRecording zero = run(graph, UNIT, x, "n0");
        assertArrayEquals(new double[] {1, 0, 0}, values(zero.output("out")));
        assertArrayEquals(new double[] {0, 0.6, 0.6}, values(zero.state("n0", "v")), 1e-15);
        NirRecording subtract = run(graph, UNIT.withReset(Reset.SUBTRACT), x, "n0");
        assertArrayEquals(new double[] {1, 1, 0}, values(subtract.output("out")));
        assertArrayEquals(new double[] {0.5, 0.1, 0.1}, values(subtract.state("n0", "v")), 1e-15);
        // the membrane a step leaves is the one that spiked; the subtraction lands before the next spike test
        NirRecording delayed = run(graph, UNIT.withReset(Reset.SUBTRACT_DELAYED), x, "n0");
        assertArrayEquals(new double[] {1, 1, 0}, values(delayed.output("out")));
        assertArrayEquals(new double[] {1.5, 1.1, 0.1}, values(delayed.state("n0", "v")), 1e-15);
        NirRecording none = run(graph, UNIT.withResetOf("n0", Reset.NONE), x, "n0");
        assertArrayEquals(new double[] {1, 1, 1}, values(none.output("out")));
        assertArrayEquals(new double[] {1.5, 2.1, 2.1}, values(none.state("n0", "v")), 1e-15);
    }

    @Test
    void cubaSynapseInputAndCurrentChoices() {
        NirGraph graph = chain(List.of(1),
                new NirNode.CubaLIF(scalar(2), scalar(2), scalar(1), scalar(0), scalar(10), scalar(0), scalar(1)));
        Tensor x = series(1, 0);
        // τ = 2, dt = 1: I ← 0.5·I + 0.5·x, v ← 0.5·v + 0.5·I
        NirRecording integrated = run(graph, UNIT, x, "n0");
        assertArrayEquals(new double[] {0.5, 0.25}, values(integrated.state("n0", "i")));
        assertArrayEquals(new double[] {0.25, 0.25}, values(integrated.state("n0", "v")));
        NirRecording last = run(graph, UNIT.withCubaCurrent(CubaCurrent.LAST_STEP), x, "n0");
        assertArrayEquals(new double[] {0, 0.25}, values(last.state("n0", "v")));
        // jump: I ← 0.5·I + x
        NirRecording jump = run(graph, UNIT.withSynapseInput(SynapseInput.JUMP), x, "n0");
        assertArrayEquals(new double[] {1, 0.5}, values(jump.state("n0", "i")));
        assertArrayEquals(new double[] {0.5, 0.5}, values(jump.state("n0", "v")));
    }

    @Test
    void delayNodeHoldsEachElementItsOwnNumberOfSteps() {
        NirGraph graph = chain(List.of(2), new NirNode.Delay(vector(0, 2e-3)));
        NirConventions text = NirConventions.of(Flavor.NIR_TEXT, OptionalDouble.of(1e-3));
        NirRecording run = run(graph, text, steps(new double[] {1, 10}, new double[] {2, 20},
                new double[] {3, 30}, new double[] {4, 40}));
        assertArrayEquals(new double[] {1, 0, 2, 0, 3, 10, 4, 20}, values(run.output("out")));
    }

    @Test
    void thresholdNodeFollowsTheFireConvention() {
        NirGraph graph = chain(List.of(3), new NirNode.Threshold(scalar(1)));
        Tensor x = steps(new double[] {0.5, 1, 1.5});
        assertArrayEquals(new double[] {0, 0, 1}, values(run(graph, UNIT, x).output("out")));
        assertArrayEquals(new double[] {0, 1, 1},
                values(run(graph, UNIT.withFire(NirConventions.Fire.GREATER_OR_EQUAL), x).output("out")));
    }

    @Test
    void convolutionWithStridePaddingAndASumPool() {
        // 3×3 input 1…9, kernel of ones 2×2, padding 1, stride 2: windows {1}, {2,3}, {4,7}, {5,6,8,9}
        NirNode.Conv2d conv = new NirNode.Conv2d(tensor(new int[] {1, 1, 2, 2}, 1, 1, 1, 1), vector(0.5),
                List.of(2, 2), List.of(1, 1), "", List.of(1, 1), 1, List.of(3, 3));
        NirGraph graph = chain(List.of(1, 3, 3), conv);
        Tensor x = tensor(new int[] {1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        NirRecording run = run(graph, UNIT, x);
        assertEquals(Shape.of(1, 1, 2, 2), run.output("out").shape());
        assertArrayEquals(new double[] {1.5, 5.5, 11.5, 28.5}, values(run.output("out")));
        NirGraph pooled = chain(List.of(1, 3, 3), new NirNode.SumPool2d(List.of(2, 2), List.of(2, 2),
                List.of(1, 1)));
        assertArrayEquals(new double[] {1, 5, 11, 28}, values(run(pooled, UNIT, x).output("out")));
        NirGraph averaged = chain(List.of(1, 3, 3), new NirNode.AvgPool2d(List.of(2, 2), List.of(1, 1),
                List.of(0, 0)));
        assertArrayEquals(new double[] {3, 4, 6, 7}, values(run(averaged, UNIT, x).output("out")));
    }

    @Test
    void convolutionSamePaddingDilationAndGroups() {
        // groups 2, kernel 3×3 dilated by 2 with only its centre set: each channel scaled by its own weight
        double[] kernel = new double[2 * 9];
        kernel[4] = 2;
        kernel[9 + 4] = 3;
        NirNode.Conv2d conv = new NirNode.Conv2d(tensor(new int[] {2, 1, 3, 3}, kernel), vector(0, 0),
                List.of(1, 1), List.of(), "same", List.of(2, 2), 2, List.of());
        Tensor x = tensor(new int[] {1, 2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8);
        NirRecording run = run(chain(List.of(2, 2, 2), conv), UNIT, x);
        assertArrayEquals(new double[] {2, 4, 6, 8, 15, 18, 21, 24}, values(run.output("out")));
        // a corner tap of the dilated kernel reads 2 rows and 2 columns away: here only from (0, 0) to (2, 2)
        double[] corner = new double[9];
        corner[8] = 1;
        NirNode.Conv2d shifted = new NirNode.Conv2d(tensor(new int[] {1, 1, 3, 3}, corner), vector(0),
                List.of(1, 1), List.of(), "same", List.of(2, 2), 1, List.of(3, 3));
        Tensor image = tensor(new int[] {1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertArrayEquals(new double[] {9, 0, 0, 0, 0, 0, 0, 0, 0},
                values(run(chain(List.of(1, 3, 3), shifted), UNIT, image).output("out")));
    }

    @Test
    void conv1dFlattenAffineAndScale() {
        NirNode.Conv1d conv = new NirNode.Conv1d(tensor(new int[] {1, 1, 2}, 1, -1), vector(0), 1, 0, "", 1, 1,
                List.of(4));
        NirNode.Flatten flatten = new NirNode.Flatten(0, -1, List.of(1, 3));
        NirNode.Affine affine = new NirNode.Affine(tensor(new int[] {2, 3}, 1, 1, 1, 1, 0, -1), vector(10, 20));
        NirNode.Scale scale = new NirNode.Scale(vector(2, -1));
        NirGraph graph = chain(List.of(1, 4), conv, flatten, affine, scale);
        // conv: [1−2, 2−4, 4−8] = [−1, −2, −4]; affine: [10 − 7, 20 − 1 + 4]; scale: [6, −23]
        NirRecording run = run(graph, UNIT, tensor(new int[] {1, 1, 4}, 1, 2, 4, 8), "n0", "n1");
        assertArrayEquals(new double[] {-1, -2, -4}, values(run.output("n0")));
        assertEquals(Shape.of(1, 3), run.output("n1").shape());
        assertArrayEquals(new double[] {6, -23}, values(run.output("out")));
    }

    @Test
    void severalEdgesIntoOneNodeAreSummed() {
        NirGraph graph = new NirGraph(Map.of("in", new NirNode.Input(List.of(2)),
                "a", new NirNode.Scale(vector(1, 2)), "b", new NirNode.Scale(scalar(10)),
                "out", new NirNode.Output(List.of(2))),
                List.of(new NirEdge("in", "a"), new NirEdge("in", "b"), new NirEdge("a", "out"),
                        new NirEdge("b", "out")), Map.of());
        assertArrayEquals(new double[] {11, 24}, values(run(graph, UNIT, steps(new double[] {1, 2})).output("out")));
    }

    @Test
    void nestedGraphsRunInlined() {
        NirGraph inner = chain(List.of(1), new NirNode.Scale(scalar(3)));
        NirGraph outer = new NirGraph(Map.of("input", new NirNode.Input(List.of(1)), "g", new NirNode.Graph(inner),
                "output", new NirNode.Output(List.of(1))),
                List.of(new NirEdge("input", "g"), new NirEdge("g", "output")), Map.of());
        NirInterpreter interpreter = new NirInterpreter(outer, UNIT, org.snnc.compiler.diag.SourceSpan.GENERATED);
        assertEquals(List.of("input"), interpreter.inputNodes());
        assertEquals(List.of("output"), interpreter.outputNodes());
        NirRecording run = interpreter.run(series(2), java.util.Set.of("g.n0"));
        assertArrayEquals(new double[] {6}, values(run.output("output")));
        assertArrayEquals(new double[] {6}, values(run.output("g.n0")));
    }
}
