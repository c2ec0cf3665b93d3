package org.snnc.compiler.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.sim.SpikingNets.blank;
import static org.snnc.compiler.sim.SpikingNets.filled;
import static org.snnc.compiler.sim.SpikingNets.parse;
import static org.snnc.compiler.sim.SpikingNets.simulate;
import static org.snnc.compiler.sim.SpikingNets.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Graph;

/** The simulator on tiny converted networks whose spikes, readouts and operation counts are worked out by hand. */
class SpikingSimulatorTest {

    private static final String ONE_NEURON = """
            network one
            input x: f32[1]
            e = encode(x)
            n = if(e, reset=%s, current="n.current")
            output o = readout(n)
            """;

    /** The steps at which {@code population} spikes, from its spike totals after 1, 2, … {@code steps} steps. */
    private static List<Integer> spikeTimes(Graph graph, Schedule schedule, String population, int steps) {
        List<Integer> times = new ArrayList<>();
        double before = 0;
        for (int t = 1; t <= steps; t++) {
            double total = simulate(graph, schedule, t, 1, blank(graph)).spikesPerLayer().get(population);
            if (total > before) {
                times.add(t);
            }
            before = total;
        }
        return times;
    }

    private static Graph oneNeuron(String reset, double current) {
        return parse(ONE_NEURON.formatted(reset)).weight("n.current", filled(current, 1)).build();
    }

    @Test
    void constantCurrentFiresAtTheStepsWhereItsSumCrossesTheThreshold() {
        // 3/8 per step, exact in binary: v = 0.375, 0.75, 1.125 → spike at 3, keeping 0.125 (subtract) or not (zero).
        assertEquals(List.of(3, 6, 8, 11, 14, 16),
                spikeTimes(oneNeuron("subtract", 0.375), Schedule.PIPELINED, "n", 16));
        assertEquals(List.of(3, 6, 9, 12, 15),
                spikeTimes(oneNeuron("zero", 0.375), Schedule.PIPELINED, "n", 16));
    }

    @Test
    void anInitialMembraneOfHalfTheThresholdRoundsTheSpikeCountToNearest() {
        // v starts at 1/2 and gains 3/8 per step: 0.875, 1.25 → spike at 2 keeping 0.25, then 0.625, 1.0 → 4, …; after
        // t steps n = ⌊3t/8 + 1/2⌋, the nearest integer to 3t/8, where v0 = 0 gives ⌊3t/8⌋.
        Graph graph = parse(ONE_NEURON.formatted("subtract").replace("reset=subtract,", "reset=subtract, v0=0.5,"))
                .weight("n.current", filled(0.375, 1)).build();
        assertEquals(List.of(2, 4, 7, 10, 12, 15), spikeTimes(graph, Schedule.PIPELINED, "n", 16));
    }

    /**
     * Class 1 gets 1 a step and, two hops behind, −1.25 for each of b's spikes (from the end of step 2), so
     * S1(t) = 1.25 − 0.25·t; class 0 gets 0.125 a step, S0(t) = 0.125·t. Over all steps class 1 leads while
     * 1.25 − 0.25·t > 0.125·t, through t = 3; over the later half, S(t) − S(⌊t/2⌋), the start-up lead is gone from
     * t = 2 on: at t = 2 and 3 the windows hold −0.25 and −0.5 against 0.125 and 0.25.
     */
    @Test
    void theLaterHalfWindowForgetsTheStartUpTransient() {
        String text = """
                network transient
                input x: f32[1]
                e = encode(x)
                a = if(e, current="a.current")
                ab = dense(a, units=1, weight="ab.weight")
                b = if(ab)
                bc = dense(b, units=2, weight="bc.weight")
                c = if(bc, current="c.current")
                output o = readout(c, window=%s)
                """;
        int[][] predictions = new int[2][];
        String[] windows = {"all", "half"};
        for (int w = 0; w < 2; w++) {
            Graph graph = parse(text.formatted(windows[w])).weight("a.current", filled(1.0, 1))
                    .weight("ab.weight", filled(1.0, 1, 1)).weight("bc.weight", tensor(new int[] {2, 1}, 0, -1.25))
                    .weight("c.current", tensor(new int[] {2}, 0.125, 1.0)).build();
            SimulationResult result = simulate(graph, Schedule.PIPELINED, 5, 1, blank(graph));
            predictions[w] = Arrays.stream(result.predictions()).mapToInt(step -> step[0]).toArray();
        }
        assertArrayEquals(new int[] {1, 1, 1, 0, 0}, predictions[0]);
        assertArrayEquals(new int[] {1, 0, 0, 0, 0}, predictions[1]);
    }

    @Test
    void currentPointThreeFollowsFloat64NotExactArithmetic() {
        // Exactly, 0.3 per step spikes at 4, 7, 10; in float64 the tenth sum after two subtractions is
        // 0.9999999999999998 < 1, so the third spike comes at 11, as in snn_ref.py's numpy arithmetic.
        assertEquals(List.of(4, 7, 11), spikeTimes(oneNeuron("subtract", 0.3), Schedule.PIPELINED, "n", 12));
        assertEquals(List.of(4, 8, 12), spikeTimes(oneNeuron("zero", 0.3), Schedule.PIPELINED, "n", 12));
    }

    private static Graph chain() {
        return parse("""
                network chain
                input x: f32[1]
                e = encode(x)
                a = if(e, current="a.current")
                ab = dense(a, units=1, weight="ab.weight")
                b = if(ab)
                bc = dense(b, units=1, weight="bc.weight")
                c = if(bc)
                output o = readout(c)
                """)
                .weight("a.current", filled(1.0, 1))
                .weight("ab.weight", filled(1.0, 1, 1))
                .weight("bc.weight", filled(1.0, 1, 1))
                .build();
    }

    @Test
    void pipelinedScheduleDelaysEachHopByOneStepAndSyncDoesNot() {
        Graph graph = chain();
        assertEquals(List.of(1, 2, 3, 4, 5), spikeTimes(graph, Schedule.PIPELINED, "a", 5));
        assertEquals(List.of(2, 3, 4, 5), spikeTimes(graph, Schedule.PIPELINED, "b", 5));
        assertEquals(List.of(3, 4, 5), spikeTimes(graph, Schedule.PIPELINED, "c", 5));
        assertEquals(List.of(1, 2, 3, 4, 5), spikeTimes(graph, Schedule.SYNC, "b", 5));
        assertEquals(List.of(1, 2, 3, 4, 5), spikeTimes(graph, Schedule.SYNC, "c", 5));
    }

    @Test
    void pipelinedMembraneReadoutIncludesTheInputDeliveredAtTheEndOfTheStep() {
        // Pipelined, after step 1 c holds nothing yet, but b's v already holds a's first spike.
        SimulationResult pipelined = simulate(chain(), Schedule.PIPELINED, 2, 1, blank(chain()));
        assertEquals(2.0 + 1.0, pipelined.synapticOpsPerImage()[1], "a fired twice and b once, 1 unit each");
        assertEquals(1.0, pipelined.synapticOpsPerImage()[0]);
    }

    /** A 1×1×2 population with currents {@code first}, {@code second}, gated by one 1×2 window into one unit. */
    private static Graph gated(double first, double second) {
        return gated(first, second, "");
    }

    private static Graph gated(double first, double second, String estimator) {
        return parse("""
                network gated
                input x: f32[1,1,2]
                e = encode(x)
                n = if(e, current="n.current")
                g = maxpool_gate(n, kernel=[1, 2]%s)
                f = flatten(g)
                d = dense(f, units=1, weight="d.weight")
                o = if(d)
                output r = readout(o)
                """.formatted(estimator))
                .weight("n.current", tensor(new int[] {1, 1, 2}, first, second))
                .weight("d.weight", filled(1.0, 1, 1))
                .build();
    }

    @Test
    void gatePassesTheSpikeOfTheHighestRunningCountWithTiesToTheFirst() {
        // Currents 1/2 and 3/8 give spike counts ⌊t/2⌋ and ⌊3t/8⌋: 8 steps, spikes at 2, 4, 6, 8 and at 3, 6, 8.
        // At step 3 the second neuron catches up (1 = 1): the tie goes to the first, which is silent, so the spike
        // is blocked. The dense unit behind the gate costs one operation per passed spike.
        Graph firstAhead = gated(0.5, 0.375);
        SimulationResult firstLeads = simulate(firstAhead, Schedule.PIPELINED, 8, 1, blank(firstAhead));
        assertEquals(7.0, firstLeads.spikesPerLayer().get("n"));
        assertEquals(4, firstLeads.synapticEvents(), "steps 2, 4, 6, 8 pass; step 3 is blocked");
        // Swapped, the first neuron catches up at step 3 and wins the tie while spiking, so its spike passes.
        SimulationResult secondLeads = simulate(gated(0.375, 0.5), Schedule.PIPELINED, 8, 1, blank(firstAhead));
        assertEquals(5, secondLeads.synapticEvents(), "steps 2, 3, 4, 6, 8 pass");
    }

    @Test
    void averagingGateForgetsOldSpikes() {
        // r ← r/2 + s/2. Step 2: r = (0.5, 0) → pass. Step 3: (0.25, 0.5): the second wins while spiking → pass,
        // where the running count blocked it. Step 4: (0.625, 0.25) → pass. Steps 6 and 8: both spike → pass.
        Graph graph = gated(0.5, 0.375, ", estimator=ema, decay=0.5");
        assertEquals(5, simulate(graph, Schedule.PIPELINED, 8, 1, blank(graph)).synapticEvents());
    }

    @Test
    void poissonSoftmaxReadoutFavoursTheClassOfHighestMembrane() {
        // Class 1 integrates 1 per step, the others 0: p = softmax((t, 0, 0)/t) ≈ (0.21, 0.58, 0.21) every step.
        Graph graph = parse("""
                network classes
                input x: f32[3]
                e = encode(x)
                n = if(e, current="n.current")
                output r = readout(n, mode=softmax, seed=3)
                """).weight("n.current", tensor(new int[] {3}, 0.0, 1.0, 0.0)).build();
        SimulationResult result = simulate(graph, Schedule.PIPELINED, 200, 1, blank(graph));
        assertEquals(1, result.predictions()[199][0]);
        SimulationResult again = simulate(graph, Schedule.PIPELINED, 200, 1, blank(graph));
        assertArrayEquals(result.predictions(), again.predictions());
    }

    @Test
    void convolutionFanOutCountsOnlyTheOutputsAPositionReaches() {
        // A 2×3×3 population spiking every step into a 3×3 conv, padding 1, 2 groups of 2 filters: along an axis
        // of 3 the positions reach 2, 3 and 2 outputs, so a channel's 9 spikes cost (2+3+2)² · 2 filters = 98.
        Graph graph = parse("""
                network fan
                input x: f32[2,3,3]
                e = encode(x)
                n = if(e, current="n.current")
                c = conv2d(n, filters=4, kernel=3, padding=1, groups=2, weight="c.weight")
                f = flatten(c)
                o = if(f)
                output r = readout(o)
                """)
                .weight("n.current", filled(1.0, 2, 3, 3))
                .weight("c.weight", filled(0.0, 4, 1, 3, 3))
                .build();
        SimulationResult result = simulate(graph, Schedule.PIPELINED, 5, 1, blank(graph));
        assertEquals(5 * 2 * 98, result.synapticEvents());
        assertTrue(AnnMacs.perLayer(graph).get("c") > 2 * 98, "the ANN also multiplies the zero padding");
        assertEquals(4L * 3 * 3 * 9, AnnMacs.perLayer(graph).get("c"));
    }

    @Test
    void stridedConvolutionAndOverlappingPoolCountTheirGeometry() {
        // Kernel 3, stride 2, padding 1 on 3 positions: outputs 0 and 1 read positions −1…1 and 1…3, so the
        // positions reach 1, 2 and 1 outputs: (1+2+1)² = 16 per filter. Avgpool kernel 2 stride 1 on 3 positions:
        // windows 0…1 and 1…2 cover the positions 1, 2 and 1 times: 16 as well.
        Graph graph = parse("""
                network strided
                input x: f32[1,3,3]
                e = encode(x)
                n = if(e, current="n.current")
                c = conv2d(n, filters=3, kernel=3, stride=2, padding=1, weight="c.weight")
                p = avgpool(n, kernel=2, stride=1)
                fc = flatten(c)
                fp = flatten(p)
                j = concat(fc, fp)
                o = if(j)
                output r = readout(o)
                """)
                .weight("n.current", filled(1.0, 1, 3, 3))
                .weight("c.weight", filled(0.0, 3, 1, 3, 3))
                .build();
        SimulationResult result = simulate(graph, Schedule.SYNC, 1, 1, blank(graph));
        assertEquals(3 * 16 + 16, result.synapticEvents());
    }

    @Test
    void analogInputCostsTheAnnMacsOfItsLayerOnceAndReachesItWithoutDelay() {
        Graph graph = parse("""
                network analog
                input x: f32[1,2,2]
                e = encode(x, mode=analog)
                c = conv2d(e, filters=1, kernel=2, weight="c.weight")
                f = flatten(c)
                o = if(f)
                output r = readout(o)
                """)
                .weight("c.weight", filled(1.0, 1, 1, 2, 2))
                .build();
        double[][] image = {{0.125, 0.25, 0.25, 0.375}};
        for (Schedule schedule : Schedule.values()) {
            SimulationResult result = simulate(graph, schedule, 3, 1, image);
            assertArrayEquals(new double[] {4, 4, 4}, result.synapticOpsPerImage(), schedule.spelling());
            assertEquals(0, result.synapticEvents());
            assertEquals(3.0, result.spikesPerLayer().get("o"), "W·x = 1 every step, from step 1");
            assertEquals(3.0, result.neuronUpdatesPerImage());
        }
    }

    private static Graph threeClasses(String mode) {
        return parse("""
                network classes
                input x: f32[3]
                e = encode(x)
                n = if(e, current="n.current")
                output r = readout(n, mode=%s)
                """.formatted(mode))
                .weight("n.current", tensor(new int[] {3}, 0.5, 0.75, 0.75))
                .build();
    }

    @Test
    void readoutsBreakTiesTowardsTheLowestClass() {
        // After step 1: no spikes, v = (0.5, 0.75, 0.75). After step 2: one spike each, v = (0, 0.5, 0.5).
        // Membrane n·θ + v: (0.5, 0.75, 0.75) → 1, then (1, 1.5, 1.5) → 1. Spike counts (0,0,0) → 0, (1,1,1) → 0.
        SimulationResult membrane = simulate(threeClasses("membrane"), Schedule.PIPELINED, 2, 1,
                blank(threeClasses("membrane")));
        assertArrayEquals(new int[][] {{1}, {1}}, membrane.predictions());
        assertArrayEquals(new int[][] {{0}, {0}}, membrane.spikeCountPredictions());
        SimulationResult count = simulate(threeClasses("spikecount"), Schedule.PIPELINED, 2, 1,
                blank(threeClasses("spikecount")));
        assertArrayEquals(new int[][] {{0}, {0}}, count.predictions());
    }

    private static Graph poisson(long seed) {
        return parse("""
                network noisy
                input x: f32[1,4,4]
                e = encode(x, mode=poisson, seed=%d)
                f = flatten(e)
                n = if(f)
                output r = readout(n, mode=spikecount)
                """.formatted(seed)).build();
    }

    @Test
    void poissonEncoderSpikesWithTheClampedProbabilityFromAGeneratorOfSeedAndImage() {
        double[][] sure = {{1.5, 1.0, -0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
        SimulationResult clamped = simulate(poisson(7), Schedule.PIPELINED, 10, 1, sure);
        assertEquals(2.0 * 9, clamped.spikesPerLayer().get("n"), "pixels 0 and 1 spike every step, one step late");
        assertEquals(0, clamped.synapticEvents(), "a flatten is no weighted synapse, so reaching n costs nothing");

        double[][] halves = new double[6][16];
        for (double[] image : halves) {
            Arrays.fill(image, 0.5);
        }
        int[][] first = simulate(poisson(7), Schedule.PIPELINED, 12, 1, halves).predictions();
        assertArrayEquals(first, simulate(poisson(7), Schedule.PIPELINED, 12, 1, halves).predictions());
        assertFalse(Arrays.stream(transpose(first)).allMatch(p -> Arrays.equals(p, transpose(first)[0])),
                "equal images with different indices draw different spikes");
        assertNotEquals(Arrays.deepToString(first),
                Arrays.deepToString(simulate(poisson(8), Schedule.PIPELINED, 12, 1, halves).predictions()));
    }

    private static int[][] transpose(int[][] byStep) {
        int[][] byImage = new int[byStep[0].length][byStep.length];
        for (int t = 0; t < byStep.length; t++) {
            for (int i = 0; i < byStep[t].length; i++) {
                byImage[i][t] = byStep[t][i];
            }
        }
        return byImage;
    }

    @Test
    void resultsAreIdenticalForAnyNumberOfThreads() {
        for (String encoding : List.of("analog", "poisson")) {
            Graph graph = SpikingNets.lenet(3, encoding);
            double[][] images = SpikingNets.images(5, 12, 784);
            for (Schedule schedule : Schedule.values()) {
                SimulationResult one = simulate(graph, schedule, 20, 1, images);
                SimulationResult three = simulate(graph, schedule, 20, 3, images);
                assertArrayEquals(one.predictions(), three.predictions());
                assertArrayEquals(one.spikeCountPredictions(), three.spikeCountPredictions());
                assertArrayEquals(one.synapticOpsPerImage(), three.synapticOpsPerImage());
                assertEquals(one.synapticEvents(), three.synapticEvents());
                assertEquals(one.spikesPerLayer(), three.spikesPerLayer());
                assertTrue(one.spikesPerLayer().values().stream().allMatch(n -> n > 0), one.spikesPerLayer()::toString);
            }
        }
    }

    private static String rejection(String text) {
        CompilationException thrown = assertThrows(CompilationException.class, () -> new SpikingSimulator(
                SpikingNets.parse(text).weight("w", filled(0.5, 2, 4)).weight("b", filled(0.5, 2)).build(),
                new SimulationOptions(Schedule.PIPELINED, 1, 1)));
        assertEquals(DiagnosticCode.NOT_SIMULATABLE, thrown.diagnostics().get(0).code());
        return thrown.getMessage();
    }

    @Test
    void rejectsGraphsThatAreNotFullyConverted() {
        String head = "network n\ninput x: f32[4]\n";
        assertTrue(rejection(head + "e = encode(x)\nd = dense(e, units=2, weight=\"w\", bias=\"b\")\nn = if(d)\n"
                + "output r = readout(n)\n").contains("run bias-as-current first: 'd' still has a bias"));
        assertTrue(rejection(head + "d = dense(x, units=2, weight=\"w\")\nn = if(d)\noutput r = readout(n)\n")
                .contains("run analog-input first: 'd' reads the input without an encoder"));
        assertTrue(rejection(head + "e = encode(x)\nd = dense(e, units=2, weight=\"w\")\noutput s = relu(d)\n")
                .contains("run to-spiking first: 's' is still a relu"));
        assertTrue(rejection(head + "e = encode(x)\nd = dense(e, units=2, weight=\"w\")\noutput n = if(d)\n")
                .contains("run readout first: the output 'n' is not a readout"));
        String pooled = "network n\ninput x: f32[1,2,4]\ne = encode(x)\nm = maxpool(e, kernel=2)\nf = flatten(m)\n"
                + "output n = if(f)\n";
        assertTrue(rejection(pooled).contains("run maxpool-gating first: 'm' is still a maxpool"));
    }
}
