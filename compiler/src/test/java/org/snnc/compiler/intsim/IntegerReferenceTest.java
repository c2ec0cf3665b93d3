package org.snnc.compiler.intsim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.compiler.sim.Schedule;
import org.snnc.compiler.sim.SimulationOptions;
import org.snnc.compiler.sim.SimulationResult;
import org.snnc.compiler.sim.SpikingSimulator;

/** Hand-computed tiny quantized networks, determinism, and agreement with the float simulator on real networks. */
class IntegerReferenceTest {

    // ---- tiny networks -------------------------------------------------------------------------------------------

    /** One neuron p driven by the analog input x through weight 1 (and an optional current), read out. */
    private static Graph oneNeuron(String ifArgs, double current) {
        String text = """
                network one
                input x: u8[1]
                e = encode(x, mode=analog)
                d = dense(e, units=1, weight="d.weight")
                p = if(d, current="p.current", %s)
                output r = readout(p, mode=membrane)
                """.formatted(ifArgs);
        return SnnTextFrontEnd.parse(text, "one.snn").graph().toBuilder()
                .weight("d.weight", Tensor.of(Shape.of(1, 1), new double[] {1}))
                .weight("p.current", Tensor.of(Shape.of(1), new double[] {current})).build();
    }

    private static String fixed(long threshold, String more) {
        return "threshold=" + threshold + ", weight_bits=8, weight_exponent=0, accumulator_bits=16, state_bits=16, "
                + "overflow=saturate, fire=ge" + (more.isEmpty() ? "" : ", " + more);
    }

    private static IntegerResult run(Graph graph, long[] x, int steps, boolean strict) {
        IntegerReference reference = new IntegerReference(graph);
        return reference.run(new long[][] {x},
                IntegerReference.RunOptions.of(steps).withStrict(strict).withTrace(Set.of(0), true));
    }

    private static SpikeTrace trace(Graph graph, long[] x, int steps) {
        return run(graph, x, steps, false).trace(0).orElseThrow();
    }

    private static long membrane(SpikeTrace trace, String population, int step, int neuron) {
        return trace.membrane(population, step).orElseThrow()[neuron];
    }

    @Test
    void constantInputSpikesAtTheHandComputedSteps() {
        // θ = 10, 3 per step: v = 3, 6, 9, 12 → spike at 4 (v 2), 5, 8, 11 → 7 (v 1), 4, 7, 10 → 10 (v 0).
        assertEquals(List.of(4, 7, 10), trace(oneNeuron(fixed(10, ""), 0), new long[] {3}, 12).spikeSteps("p", 0));
        // The same from the current instead of the analog input.
        assertEquals(List.of(4, 7, 10), trace(oneNeuron(fixed(10, ""), 3), new long[] {0}, 12).spikeSteps("p", 0));
        // Reset to zero loses the surplus 2: spikes every 4 steps.
        assertEquals(List.of(4, 8, 12),
                trace(oneNeuron(fixed(10, "reset=zero"), 0), new long[] {3}, 12).spikeSteps("p", 0));
        // θ = 9: v reaches θ exactly, so both resets leave 0.
        assertEquals(List.of(3, 6, 9, 12), trace(oneNeuron(fixed(9, ""), 0), new long[] {3}, 12).spikeSteps("p", 0));
        assertEquals(List.of(3, 6, 9, 12),
                trace(oneNeuron(fixed(9, "reset=zero"), 0), new long[] {3}, 12).spikeSteps("p", 0));
    }

    /**
     * Two classes driven by x = 1 through weights 3 and 1, θ = 5, reset by subtraction: θ·n + v + q is 3t and t after
     * step t, a margin of 2t LSBs. A margin of 5 held for 2 steps is first complete at t = 4: the image stops there as
     * class 0, having spiked at t = 2 and 4 (not at 5, as it would run on), and its later steps repeat step 4.
     */
    @Test
    void anEarlyExitStopsTheImageAtTheHandComputedStep() {
        Graph graph = SnnTextFrontEnd.parse("""
                network two
                input x: u8[1]
                e = encode(x, mode=analog)
                d = dense(e, units=2, weight="d.weight")
                p = if(d, current="p.current", %s)
                output r = readout(p, mode=membrane)
                """.formatted(fixed(5, "")), "two.snn").graph().toBuilder()
                .weight("d.weight", Tensor.of(Shape.of(2, 1), new double[] {3, 1}))
                .weight("p.current", Tensor.of(Shape.of(2), new double[] {0, 0})).build();
        IntegerResult stopped = new IntegerReference(graph).run(new long[][] {{1}},
                IntegerReference.RunOptions.of(10).withEarlyExit(Optional.of(new EarlyExit(5, 2))));
        assertArrayEquals(new int[] {4}, stopped.stepsRun());
        assertArrayEquals(new long[] {2, 4, 6, 8, 8, 8, 8, 8, 8, 8}, stopped.margins()[0]);
        for (int t = 0; t < 10; t++) {
            assertEquals(0, stopped.predictions()[t][0]);
        }
        assertArrayEquals(new long[] {2}, stopped.spikesPerPopulation().get("p"));
    }

    @Test
    void geFiresAtTheThresholdAndGtAboveIt() {
        String gt = fixed(10, "").replace("fire=ge", "fire=gt");
        assertEquals(List.of(2, 4, 6, 8), trace(oneNeuron(fixed(10, ""), 0), new long[] {5}, 8).spikeSteps("p", 0));
        // gt: v = 5, 10 (no spike), 15 → spike (v 5), 10, 15 → spike, ...
        assertEquals(List.of(3, 5, 7), trace(oneNeuron(gt, 0), new long[] {5}, 8).spikeSteps("p", 0));
    }

    @Test
    void theAccumulatorSaturatesOrWraps() {
        // a = 10 does not fit 4 bits: saturate → 7, wrap → 10 − 16 = −6; θ is out of reach.
        String saturate = fixed(100, "").replace("accumulator_bits=16", "accumulator_bits=4");
        String wrap = saturate.replace("overflow=saturate", "overflow=wrap");
        SpikeTrace s = trace(oneNeuron(saturate, 0), new long[] {10}, 3);
        SpikeTrace w = trace(oneNeuron(wrap, 0), new long[] {10}, 3);
        assertEquals(21, membrane(s, "p", 3, 0));
        assertEquals(-18, membrane(w, "p", 3, 0));
        FixedPointOverflowException e = assertThrows(FixedPointOverflowException.class,
                () -> run(oneNeuron(wrap, 0), new long[] {10}, 3, true));
        assertEquals("p", e.population());
        assertEquals(0, e.neuron());
        assertEquals(1, e.step());
        assertEquals("accumulator", e.register());
        assertEquals(10, e.value());
        assertTrue(e.getMessage().contains("population 'p', neuron 0, step 1"), e.getMessage());
    }

    @Test
    void theStateSaturatesOrWraps() {
        // 8-bit state, θ = 127 with gt never fires. Saturate: 100, 127, 127. Wrap: 100, 200 − 256 = −56, 44, 144 − 256.
        String saturate = fixed(127, "").replace("state_bits=16", "state_bits=8").replace("fire=ge", "fire=gt");
        String wrap = saturate.replace("overflow=saturate", "overflow=wrap");
        SpikeTrace s = trace(oneNeuron(saturate, 0), new long[] {100}, 4);
        SpikeTrace w = trace(oneNeuron(wrap, 0), new long[] {100}, 4);
        for (int t = 1; t <= 4; t++) {
            assertEquals(List.of(100L, 127L, 127L, 127L).get(t - 1), membrane(s, "p", t, 0));
            assertEquals(List.of(100L, -56L, 44L, -112L).get(t - 1), membrane(w, "p", t, 0));
        }
        assertEquals(List.of(), s.spikeSteps("p", 0));
        FixedPointOverflowException e = assertThrows(FixedPointOverflowException.class,
                () -> run(oneNeuron(saturate, 0), new long[] {100}, 4, true));
        assertEquals(2, e.step());
        assertEquals("state", e.register());
        assertEquals(200, e.value());
    }

    @Test
    void theFloorClampsTheMembraneFromBelow() {
        SpikeTrace floored = trace(oneNeuron(fixed(10, "floor=-12"), -5), new long[] {0}, 4);
        SpikeTrace free = trace(oneNeuron(fixed(10, ""), -5), new long[] {0}, 4);
        assertEquals(List.of(-5L, -10L, -12L, -12L), List.of(membrane(floored, "p", 1, 0),
                membrane(floored, "p", 2, 0), membrane(floored, "p", 3, 0), membrane(floored, "p", 4, 0)));
        assertEquals(-20, membrane(free, "p", 4, 0));
        // The floor is dynamics, not an overflow: a strict run accepts it.
        run(oneNeuron(fixed(10, "floor=-12"), -5), new long[] {0}, 4, true);
    }

    /** p1 → p2 → p3, each firing every step once driven: one step per hop. */
    @Test
    void eachHopCostsOneStep() {
        String text = """
                network chain
                input x: u8[1]
                e = encode(x, mode=analog)
                d1 = dense(e, units=1, weight="w")
                p1 = if(d1, %1$s)
                d2 = dense(p1, units=1, weight="w4")
                p2 = if(d2, %1$s)
                d3 = dense(p2, units=1, weight="w4")
                p3 = if(d3, %1$s)
                output r = readout(p3, mode=membrane)
                """.formatted(fixed(4, ""));
        Graph graph = SnnTextFrontEnd.parse(text, "chain.snn").graph().toBuilder()
                .weight("w", Tensor.of(Shape.of(1, 1), new double[] {1}))
                .weight("w4", Tensor.of(Shape.of(1, 1), new double[] {4})).build();
        SpikeTrace trace = trace(graph, new long[] {4}, 5);
        assertEquals(List.of(1, 2, 3, 4, 5), trace.spikeSteps("p1", 0));
        assertEquals(List.of(2, 3, 4, 5), trace.spikeSteps("p2", 0));
        assertEquals(List.of(3, 4, 5), trace.spikeSteps("p3", 0));
    }

    /**
     * A sequence input of frames x[0] = [1, 0], x[1] = [2, 1], x[2] = [0, 1] into 2 neurons p (θ = 5) through
     * W = [[3, 1], [−1, 5]], then p into one more neuron o (θ = 1, reset to zero) through weights 1. Frame t−1
     * reaches p in step t: W·x = [3, −1], [7, 3], [1, 5], then 0, so v0 = 3, 10 → 5 (spike), 6 → 1 (spike), 1 and
     * v1 = −1, 2, 7 → 2 (spike), 2; o fires one step after each of p's spikes. Operations: 2 per event (2 targets)
     * plus 1 per spike of p.
     */
    @Test
    void eachFrameReachesTheFirstLayerInItsOwnStepThenTheInputIsSilent() {
        String text = """
                network events
                input x: u8[2]
                e = encode(x, mode=sequence)
                d = dense(e, units=2, weight="d.weight")
                p = if(d, %s)
                h = dense(p, units=1, weight="h.weight")
                o = if(h, %s)
                output r = readout(p, mode=membrane)
                """.formatted(fixed(5, ""), fixed(1, "reset=zero"));
        Graph graph = SnnTextFrontEnd.parse(text, "events.snn").graph().toBuilder()
                .weight("d.weight", Tensor.of(Shape.of(2, 2), new double[] {3, 1, -1, 5}))
                .weight("h.weight", Tensor.of(Shape.of(1, 2), new double[] {1, 1})).build();
        IntegerReference reference = new IntegerReference(graph);
        assertTrue(reference.sequenceInput());
        IntegerResult result = run(graph, new long[] {1, 0, 2, 1, 0, 1}, 5, true);
        SpikeTrace trace = result.trace(0).orElseThrow();
        long[][] v = new long[5][];
        for (int t = 1; t <= 5; t++) {
            v[t - 1] = trace.membrane("p", t).orElseThrow();
        }
        assertArrayEquals(new long[][] {{3, -1}, {5, 2}, {1, 2}, {1, 2}, {1, 2}}, v);
        assertEquals(List.of(2, 3), trace.spikeSteps("p", 0));
        assertEquals(List.of(3), trace.spikeSteps("p", 1));
        assertEquals(List.of(3, 4), trace.spikeSteps("o", 0));
        assertArrayEquals(new long[] {2, 9, 13, 13, 13}, result.eventOps()[0]);
        assertEquals(0, result.analogMacs());
        // After step 1 the readout is θ·n + v + q = [3, −1]: the next frame is not yet in q.
        assertEquals(4, result.margins()[0][0]);
        // Any number of frames, none included; whole frames of counts only.
        assertArrayEquals(new long[5], run(graph, new long[0], 5, true).eventOps()[0]);
        assertThrows(IllegalArgumentException.class, () -> run(graph, new long[] {1, 0, 1}, 5, true));
        assertThrows(IllegalArgumentException.class, () -> run(graph, new long[] {1, -1}, 5, true));
    }

    /** Four neurons [1,2,2] driven by x through a 1×1 convolution, gated 2×2 into one output read by a dense. */
    private static Graph gated(String gateArgs, int gateOutputs) {
        String text = """
                network gated
                input x: u8[1,2,2]
                e = encode(x, mode=analog)
                c = conv2d(e, filters=1, kernel=1, weight="c.weight")
                p = if(c, %s)
                g = maxpool_gate(p, %s)
                f = flatten(g)
                d = dense(f, units=1, weight="d.weight")
                o = if(d, %s)
                output r = readout(o, mode=membrane)
                """.formatted(fixed(10, ""), gateArgs, fixed(1000, ""));
        return SnnTextFrontEnd.parse(text, "gated.snn").graph().toBuilder()
                .weight("c.weight", Tensor.of(Shape.of(1, 1, 1, 1), new double[] {1}))
                .weight("d.weight", Tensor.of(Shape.of(1, gateOutputs), ones(gateOutputs))).build();
    }

    private static double[] ones(int n) {
        double[] x = new double[n];
        java.util.Arrays.fill(x, 1);
        return x;
    }

    @Test
    void gatesPassTheSpikeOfTheHighestRunningCountWithTiesToTheFirst() {
        // x = 7: spikes 2, 3, 5, 6 (n 1, 2, 2, 3, 4); x = 5: spikes 2, 4, 6 (n 1, 2, 3).
        // First 7 then 5: step 4 ties 2:2 and the first input, which did not spike, wins: no output.
        IntegerResult tie = run(gated("kernel=2", 1), new long[] {7, 5, 0, 0}, 6, true);
        SpikeTrace t = tie.trace(0).orElseThrow();
        assertEquals(List.of(2, 3, 5, 6), t.spikeSteps("p", 0));
        assertEquals(List.of(2, 4, 6), t.spikeSteps("p", 1));
        assertEquals(List.of(2, 3, 5, 6), t.spikeSteps("g", 0));
        // Passed gate spikes cost one operation each (one dense unit); blocked spikes none, and p feeds no synapse.
        assertArrayEquals(new long[] {0, 1, 2, 2, 3, 4}, tie.eventOps()[0]);
        // First 5 then 7: at step 3 the counts including this step are 1:2, so the second input's spike passes
        // (with the counts before the step, 1:1, the first would win and block it); step 4 ties 2:2, first spiked.
        SpikeTrace running = trace(gated("kernel=2", 1), new long[] {5, 7, 0, 0}, 6);
        assertEquals(List.of(2, 3, 4, 5, 6), running.spikeSteps("g", 0));
    }

    @Test
    void paddingNeverWinsAGateWindow() {
        // kernel 2, stride 2, padding 1 on 2×2: four windows, each with one real input.
        SpikeTrace trace = trace(gated("kernel=2, stride=2, padding=1", 4), new long[] {0, 7, 0, 0}, 6);
        assertEquals(List.of(), trace.spikeSteps("g", 0));
        assertEquals(List.of(2, 3, 5, 6), trace.spikeSteps("g", 1));
        assertEquals(List.of(), trace.spikeSteps("g", 2));
        assertEquals(List.of(), trace.spikeSteps("g", 3));
    }

    /** h fires every step; o reads it through weights w, so after step 1 o has v = 0, n = 0 and q = w. */
    private static Graph readout(double[] w, long outThreshold, String mode) {
        String text = """
                network ro
                input x: u8[1]
                e = encode(x, mode=analog)
                d1 = dense(e, units=1, weight="w1")
                h = if(d1, %s)
                d2 = dense(h, units=2, weight="w2")
                o = if(d2, %s)
                output r = readout(o, mode=%s)
                """.formatted(fixed(1, ""), fixed(outThreshold, ""), mode);
        return SnnTextFrontEnd.parse(text, "ro.snn").graph().toBuilder()
                .weight("w1", Tensor.of(Shape.of(1, 1), new double[] {1}))
                .weight("w2", Tensor.of(Shape.of(2, 1), w)).build();
    }

    @Test
    void theMembraneReadoutIsThetaTimesCountPlusMembranePlusPendingInput() {
        // After step 1 only q differs (3 vs 5): class 1. Without q it would tie and go to class 0.
        int[][] p = run(readout(new double[] {3, 5}, 4, "membrane"), new long[] {1}, 4, true).predictions();
        assertEquals(1, p[0][0]);
        // θ = 4, after step 3: class 0 has n 1 (step 3), v 2, q 3 → 9; class 1 n 2 (steps 2, 3), v 2, q 5 → 15.
        assertEquals(1, p[2][0]);
        // Equal weights: equal scores at every step, ties to the lowest class.
        int[][] tied = run(readout(new double[] {4, 4}, 4, "membrane"), new long[] {1}, 4, true).predictions();
        for (int[] step : tied) {
            assertEquals(0, step[0]);
        }
        // The spike count readout: class 1 first spikes at step 2 (v 5 ≥ 4), class 0 at step 3 (v 6).
        int[][] counted = run(readout(new double[] {3, 5}, 4, "spikecount"), new long[] {1}, 4, true).predictions();
        assertEquals(0, counted[0][0]);
        assertEquals(1, counted[1][0]);
        // The float simulator's pipelined readout, n·θ + v read after the end-of-step delivery, agrees.
        SimulationResult fl = new SpikingSimulator(readout(new double[] {3, 5}, 4, "membrane"),
                new SimulationOptions(Schedule.PIPELINED, 4, 1)).run(new double[][] {{1}}, Progress.NONE);
        assertEquals(1, fl.predictions()[0][0]);
    }

    @Test
    void synapticOperationsCountReachedTargetsWithoutPadding() {
        String text = """
                network ops
                input x: u8[1,3,3]
                e = encode(x, mode=analog)
                c1 = conv2d(e, filters=1, kernel=1, weight="c1.weight")
                p = if(c1, %1$s)
                c2 = conv2d(p, filters=2, kernel=3, padding=1, weight="c2.weight")
                o = if(c2, %2$s)
                f = flatten(o)
                d = dense(f, units=1, weight="d.weight")
                out = if(d, %2$s)
                output r = readout(out, mode=membrane)
                """.formatted(fixed(5, ""), fixed(1000, ""));
        Graph graph = SnnTextFrontEnd.parse(text, "ops.snn").graph().toBuilder()
                .weight("c1.weight", Tensor.of(Shape.of(1, 1, 1, 1), new double[] {1}))
                .weight("c2.weight", Tensor.of(Shape.of(2, 1, 3, 3), ones(18)))
                .weight("d.weight", Tensor.of(Shape.of(1, 18), ones(18))).build();
        IntegerReference reference = new IntegerReference(graph);
        // A corner neuron spiking every step reaches 2 filters × 2 × 2 positions; the centre 2 × 3 × 3.
        long[] corner = new long[9];
        corner[0] = 5;
        long[] centre = new long[9];
        centre[4] = 5;
        IntegerResult result = reference.run(new long[][] {corner, centre}, 3);
        assertEquals(9, result.analogMacs());
        assertArrayEquals(new long[] {8, 16, 24}, result.eventOps()[0]);
        assertArrayEquals(new long[] {18, 36, 54}, result.eventOps()[1]);
        assertArrayEquals(new long[] {17, 25, 33}, result.synapticOps(0));
        assertEquals((9L + 18 + 1) * 3, result.neuronUpdatesPerImage());
    }

    @Test
    void refusesAGraphThatIsNotQuantized() {
        String text = """
                network f
                input x: u8[1]
                e = encode(x, mode=analog)
                d = dense(e, units=1, weight="w")
                p = if(d, threshold=1.5)
                output r = readout(p, mode=membrane)
                """;
        Graph graph = SnnTextFrontEnd.parse(text, "f.snn").graph().toBuilder()
                .weight("w", Tensor.of(Shape.of(1, 1), new double[] {0.5})).build();
        CompilationException e = assertThrows(CompilationException.class, () -> new IntegerReference(graph));
        assertEquals(DiagnosticCode.NOT_SIMULATABLE, e.diagnostics().get(0).code());
        assertTrue(e.getMessage().contains("quantize"), e.getMessage());
    }

    // ---- real networks -------------------------------------------------------------------------------------------

    private static Graph quantized(String name) {
        try {
            Path file = Path.of(IntegerReferenceTest.class.getResource("/quantized/" + name + "/quantized.snn").toURI());
            return ModelLoader.load(file, LoadOptions.DEFAULT).graph();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Path DEV = Path.of("..", "examples", "data", "mnist_dev.npz");

    @Test
    void resultsDoNotDependOnThreads() {
        Graph graph = quantized("lenet-generic");
        IntegerReference reference = new IntegerReference(graph);
        long[][] x = IntegerReference.loadRaw(DEV, graph.input(), 12).inputs();
        IntegerReference.RunOptions options = IntegerReference.RunOptions.of(30).withStrict(true)
                .withTrace(Set.of(0, 5, 11), true);
        IntegerResult one = reference.run(x, options);
        IntegerResult three = reference.run(x, options.withThreads(3));
        assertArrayEquals(one.predictions(), three.predictions());
        assertArrayEquals(one.spikeCountPredictions(), three.spikeCountPredictions());
        assertArrayEquals(one.eventOps(), three.eventOps());
        for (int image : List.of(0, 5, 11)) {
            SpikeTrace a = one.trace(image).orElseThrow();
            SpikeTrace b = three.trace(image).orElseThrow();
            for (String node : reference.tracedNodes()) {
                for (int t = 1; t <= 30; t++) {
                    assertEquals(a.spikes(node, t), b.spikes(node, t), node + " at " + t);
                }
            }
            assertArrayEquals(a.membrane("probs", 30).orElseThrow(), b.membrane("probs", 30).orElseThrow());
        }
        assertTrue(one.trace(1).isEmpty());
    }

    @Test
    void agreesWithTheFloatSimulatorOnLenet() {
        agreement("lenet-generic");
    }

    @Test
    void agreesWithTheFloatSimulatorOnSmallBnMaxpool() {
        agreement("small-generic");
    }

    /**
     * Same predictions on all 100 dev digits and the same synaptic operations (to 1e-9 relative, the float
     * simulator's rounding) at every one of 200 steps: the quantized network's weights, biases and thresholds are
     * integers times a power of two, which the float simulator represents exactly.
     */
    private static void agreement(String name) {
        Graph graph = quantized(name);
        int steps = 200;
        int images = 100;
        long[][] raw = IntegerReference.loadRaw(DEV, graph.input(), images).inputs();
        double[][] scaled = new double[images][];
        for (int i = 0; i < images; i++) {
            scaled[i] = java.util.Arrays.stream(raw[i]).asDoubleStream().toArray();
        }
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        IntegerResult integer = new IntegerReference(graph).run(raw,
                IntegerReference.RunOptions.of(steps).withThreads(threads));
        SimulationResult fl = new SpikingSimulator(graph, new SimulationOptions(Schedule.PIPELINED, steps, threads))
                .run(scaled, Progress.NONE);
        for (int t = 1; t <= steps; t++) {
            assertArrayEquals(fl.predictions()[t - 1], integer.predictions()[t - 1], name + " t=" + t);
            double floatOps = fl.synapticOpsPerImage()[t - 1];
            assertEquals(floatOps, integer.meanSynapticOpsPerImage()[t - 1], 1e-9 * floatOps, name + " t=" + t);
        }
        System.out.printf("%s: speed %.0f image·steps/s (%d threads)%n", name, integer.imageStepsPerSecond(), threads);
    }
}
