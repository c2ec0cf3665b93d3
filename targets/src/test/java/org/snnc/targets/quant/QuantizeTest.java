package org.snnc.targets.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.FixedPoint.IntegerDecay;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.PassContext;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.PassRun;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.RecordKey;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.net.InputSource;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.targets.testing.TestChips;

/** Hand-computed quantizations of tiny networks, and the errors for what a chip cannot hold. */
class QuantizeTest {

    /** x ∈ [0, 1] (u8 / 255) → dense → p1 (current [0.1, −0.3]) → dense → p2 → readout. */
    private static final String TWO_DENSE = String.join("\n",
            "input x: u8[2] scale 1/255",
            "e = encode(x, mode=analog)",
            "d1 = dense(e, units=2, weight=\"d1.weight\")",
            "p1 = if(d1%s, current=\"p1.current\")",
            "d2 = dense(p1, units=2, weight=\"d2.weight\")",
            "p2 = if(d2%s)",
            "output r = readout(p2, mode=membrane)");

    private static Graph twoDense(String reset) {
        String attribute = reset.isEmpty() ? "" : ", reset=" + reset;
        return network(String.format(TWO_DENSE, attribute, attribute))
                .weight("d1.weight", Shape.of(2, 2), 0.5, -0.25, 0.125, 1.0)
                .weight("p1.current", Shape.of(2), 0.1, -0.3)
                .weight("d2.weight", Shape.of(2, 2), 0.75, -0.5, 0.25, 0.3)
                .build();
    }

    @Test
    void twoDenseLayersOnTheGenericChip() {
        Run run = quantize(twoDense(""), TestChips.generic(), CompilationInputs.none());
        Graph result = run.graph();

        // p1: weights folded by 1/255 and read on raw pixels in [0, 255]. U⁺ = max(0.5 + 0.1, 1.125) = 1.125, so
        // the state caps θ at (2^23 − 1)/2.125 = 3947579; θ_e = 127·255·2^e = 32385·2^e fits up to e = 6.
        IfNeurons p1 = population(result, "p1");
        assertEquals(2072640, p1.threshold());
        assertEquals(new FixedPoint(8, 6, 24, 24, Overflow.SATURATE, OptionalLong.of(-(1L << 23)),
                FireComparison.GE), p1.fixed().orElseThrow());
        // m = w·127, half to even: 63.5 → 64, −31.75 → −32, 15.875 → 16, 127; stored as m·2^6.
        assertArrayEquals(new double[] {64 * 64, -32 * 64, 16 * 64, 127 * 64}, values(result, "d1.weight"));
        assertArrayEquals(new double[] {207264, -621792}, values(result, "p1.current"));

        // p2: spikes in [0, 1], max|w| = 0.75: θ_7 = ⌊127·128/0.75⌋ = 21674 is far below the state cap.
        IfNeurons p2 = population(result, "p2");
        assertEquals(21674, p2.threshold());
        assertEquals(7, p2.fixed().orElseThrow().weightExponent());
        // 0.75·21674/128 = 126.996 → 127, −0.5·… = −84.66 → −85, 0.25·… = 42.33 → 42, 0.3·… = 50.80 → 51.
        assertArrayEquals(new double[] {127 * 128, -85 * 128, 42 * 128, 51 * 128}, values(result, "d2.weight"));

        assertEquals(Scale.ONE, result.input().scale(), "the pixels' scale moved into d1");
        Verifier.verify(result);

        List<LayerQuantization> layers = layers(run);
        LayerQuantization first = layers.get(0);
        assertEquals("p1", first.population());
        assertEquals(3947579, first.thresholdCap());
        assertEquals("state_bits", first.limitedBy());
        assertEquals(8, first.weightBits());
        assertEquals(21, first.biasBits(), "|−621792| < 2^20");
        assertEquals(1.125, first.maxStepInput(), 1e-12);
        assertEquals(1.125, first.maxSynapticInput(), 1e-12);
        assertEquals(Math.sqrt(32 * 32 + 16 * 16 + 8 * 8) / Math.sqrt(4064.0 * 4064 + 2032 * 2032 + 1016 * 1016
                + 8128 * 8128), first.weightError(), 1e-12);
        assertFalse(first.clipped());
        assertNull(first.zLow());
        assertEquals(List.of("no calibration data: θ is not capped for the membrane floor"), first.notes());
        assertEquals(0, layers.get(1).biasBits());
        assertEquals(0, layers.get(1).biasError());
        assertEquals(Map.of("populations-quantized", 2L, "clipped", 0L), run.statistics());
    }

    @Test
    void aCapBelowTheFullMantissaLeavesTheMantissasFewerBits() {
        Run run = quantize(twoDense(""), TestChips.speck(), CompilationInputs.none());
        // p1 on 16-bit state: θ ≤ 32767/2.125 = 15419, but θ_0 = 32385 already, so e = 0 and θ = 15419, and the
        // mantissas are w·15419/255: 30.23 → 30, −15.12 → −15, 7.56 → 8, 60.47 → 60 (7 bits).
        IfNeurons p1 = population(run.graph(), "p1");
        assertEquals(15419, p1.threshold());
        assertArrayEquals(new double[] {30, -15, 8, 60}, values(run.graph(), "d1.weight"));
        assertArrayEquals(new double[] {1542, -4626}, values(run.graph(), "p1.current"));
        LayerQuantization first = layers(run).get(0);
        assertEquals(7, first.weightBits());
        assertEquals("state_bits", first.limitedBy());
    }

    @Test
    void theFloorCapsTheThresholdOfAPopulationDrivenBelowZero() {
        // Blank images: p1's input is its current, so z = [0.1, −0.3] and z_low = −0.3. The floor −2^23 over 256
        // steps caps θ at 2^23/(256·0.3) = 109226, and θ_1 = 64770 is the largest full-mantissa threshold below it.
        double[][] blank = new double[10][2];
        Run run = quantize(twoDense(""), TestChips.generic(),
                new CompilationInputs(Optional.of(blank), 1, Progress.NONE));
        IfNeurons p1 = population(run.graph(), "p1");
        assertEquals(64770, p1.threshold());
        assertArrayEquals(new double[] {64 * 2, -32 * 2, 16 * 2, 127 * 2}, values(run.graph(), "d1.weight"));
        LayerQuantization first = layers(run).get(0);
        assertEquals(-0.3, first.zLow(), 1e-12);
        assertEquals("floor", first.limitedBy());
        assertEquals(109226, first.thresholdCap());
        assertEquals((1L << 23) / (64770 * 0.3), first.floorSteps(), 1e-9);
        // p2 reads p1's rates clip(z) = [0.1, 0]: z = [0.075, 0.025], never negative, so no floor cap.
        LayerQuantization second = layers(run).get(1);
        assertEquals(0.025, second.zLow(), 1e-12);
        assertNull(second.floorSteps());
        assertEquals("state_bits", second.limitedBy());
    }

    @Test
    void theFloorNeverForcesFewerBitsThanTheSmallestExponentGives() {
        double[][] blank = new double[10][2];
        Graph graph = twoDense("");
        GraphBuilder deep = graph.toBuilder().weight("p1.current", Tensor.of(Shape.of(2), new double[] {0.1, -30}));
        Run run = quantize(deep.build(), TestChips.generic(),
                new CompilationInputs(Optional.of(blank), 1, Progress.NONE));
        // z_low = −30 caps θ at 2^23/(256·30) = 1092, below θ_0 = 32385: precision wins, θ = θ_0 with e = 0.
        assertEquals(32385, population(run.graph(), "p1").threshold());
        LayerQuantization first = layers(run).get(0);
        assertEquals(32385, first.thresholdCap());
        assertTrue(first.notes().get(0).startsWith("the floor would cap θ at 1092"), first.notes().toString());
    }

    @Test
    void anAveragePoolBecomesAGroupedConvolutionWithExactWeights() {
        Graph graph = network(
                "input x: u8[1,4,4] scale 1/255",
                "e = encode(x, mode=analog)",
                "c = conv2d(e, filters=2, kernel=1, weight=\"c.weight\")",
                "p = if(c)",
                "a.synapses = avgpool(p, kernel=2)",
                "a = if(a.synapses)",
                "f = flatten(a)",
                "d = dense(f, units=2, weight=\"d.weight\")",
                "o = if(d)",
                "output r = readout(o, mode=membrane)")
                .weight("c.weight", Shape.of(2, 1, 1, 1), 0.5, 1)
                .weight("d.weight", Shape.of(2, 8), 0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8,
                        0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1)
                .build();
        Run run = quantize(graph, TestChips.generic(), CompilationInputs.none());
        Graph result = run.graph();
        // Weights 1/4, one group per channel: θ_7 = 127·128·4 = 65024 and m = 65024/(4·128) = 127 exactly.
        Conv2d pool = (Conv2d) result.node("a.synapses");
        assertEquals(2, pool.groups());
        assertEquals(2, pool.filters());
        assertEquals(2, pool.window().kernelH());
        assertEquals(2, pool.window().strideH());
        assertEquals(65024, population(result, "a").threshold());
        double[] expected = new double[8];
        Arrays.fill(expected, 127 * 128);
        assertArrayEquals(expected, values(result, "a.synapses.weight"));
        assertEquals(0, layers(run).get(1).weightError());
        assertEquals(1L, run.statistics().get("avgpools-to-conv"));
        Verifier.verify(result);
    }

    @Test
    void aResetToZeroGetsTheThresholdToInputRatio() {
        Run run = quantize(twoDense("zero"), TestChips.generic(), CompilationInputs.none());
        Graph result = run.graph();
        // θ_float = 8 for both. p1: U⁺ = 1.125/8 θ, so the state allows θ ≤ (2^23−1)/1.140625 = 7354362, and
        // θ_e = 127·255·8·2^e fits up to e = 4: θ = 4145280, m = w·127 as before.
        assertEquals(4145280, population(result, "p1").threshold());
        assertArrayEquals(new double[] {64 * 16, -32 * 16, 16 * 16, 127 * 16}, values(result, "d1.weight"));
        // p1's current in θ_float = 8 units keeps its value: c = b·θ/8.
        assertArrayEquals(new double[] {51816, -155448}, values(result, "p1.current"));
        // p2 reads p1, whose rate the threshold 8 divides: its weights are 8·w = [6, −4, 2, 2.4] against θ_float 8,
        // which gives the same θ_7 = 21674 and mantissas as with subtraction.
        assertEquals(21674, population(result, "p2").threshold());
        assertArrayEquals(new double[] {127 * 128, -85 * 128, 42 * 128, 51 * 128}, values(result, "d2.weight"));
        assertEquals(Map.of("p1", 8, "p2", 8), run.records().get(Quantize.ZERO_RESET_RATIOS));
        assertEquals(2L, run.statistics().get("zero-reset-populations"));
    }

    @Test
    void theInitialMembraneKeepsItsFractionOfTheThresholdAndStaysBelowIt() {
        Graph graph = network(String.format(TWO_DENSE, ", reset=zero, v0=0.5", ", reset=zero, v0=0.99999999"))
                .weight("d1.weight", Shape.of(2, 2), 0.5, -0.25, 0.125, 1.0)
                .weight("p1.current", Shape.of(2), 0.1, -0.3)
                .weight("d2.weight", Shape.of(2, 2), 0.75, -0.5, 0.25, 0.3)
                .build();
        Graph result = quantize(graph, TestChips.generic(), CompilationInputs.none()).graph();
        // The thresholds of aResetToZeroGetsTheThresholdToInputRatio: θ_float = 8 scales v0 with it, so p1 starts
        // at 4/8 of θ = 4145280; p2's v0 = 0.99999999·21674 rounds to θ itself and is kept one below it.
        assertEquals(2072640, population(result, "p1").initialMembrane());
        assertEquals(21673, population(result, "p2").initialMembrane());
    }

    @Test
    void aRatioOfOneLeavesZeroResetPopulationsAtTheirThreshold() {
        Run run = quantize(twoDense("zero"), new QuantizeOptions(TestChips.generic(), 1),
                CompilationInputs.none());
        assertEquals(2072640, population(run.graph(), "p1").threshold());
        assertEquals(21674, population(run.graph(), "p2").threshold());
    }

    @Test
    void theZeroResetRatioIsAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new QuantizeOptions(TestChips.generic(), 6));
        assertThrows(IllegalArgumentException.class, () -> new QuantizeOptions(TestChips.generic(), -1));
        assertEquals(8, QuantizeOptions.of(TestChips.generic()).zeroResetRatio());
    }

    /** auto without calibration images falls back to R = 8; with them each population gets its own power of two. */
    @Test
    void anAutomaticRatioIsChosenPerPopulationFromTheCalibrationImages() {
        QuantizeOptions auto = new QuantizeOptions(TestChips.generic(), QuantizeOptions.AUTO_RATIO);
        assertEquals(Map.of("p1", 8, "p2", 8), quantize(twoDense("zero"), auto, CompilationInputs.none()).records()
                .get(Quantize.ZERO_RESET_RATIOS));
        double[][] images = {{0.5, 0.25}, {1, 0}, {0.75, 0.75}};
        Map<?, ?> chosen = (Map<?, ?>) quantize(twoDense("zero"), auto, new CompilationInputs(Optional.of(images), 1,
                Progress.NONE)).records().get(Quantize.ZERO_RESET_RATIOS);
        assertEquals(Set.of("p1", "p2"), chosen.keySet());
        for (Object ratio : chosen.values()) {
            int r = (Integer) ratio;
            assertTrue(r >= 1 && r <= ThresholdRatios.MAX_RATIO && Integer.bitCount(r) == 1, chosen.toString());
        }
    }

    @Test
    void aResetTheChipLacksIsAnErrorThatSaysHowToConvert() {
        Diagnostic error = refusal(twoDense(""), TestChips.loihi());
        assertEquals(DiagnosticCode.NOT_QUANTIZABLE, error.code());
        assertEquals("layer 'p1' cannot be quantized for target loihi: it resets by subtraction, but the chip resets "
                + "only to zero; convert with --reset zero", error.message());
    }

    @Test
    void loihiThresholdsAreMultiplesOfSixtyFour() {
        Graph result = quantize(twoDense("zero"), TestChips.loihi(), CompilationInputs.none()).graph();
        for (String name : List.of("p1", "p2")) {
            IfNeurons p = population(result, name);
            assertEquals(0, (long) p.threshold() % 64, name);
            assertEquals(FireComparison.GT, p.fixed().orElseThrow().fire());
        }
        // p2: θ_14 = ⌊127·2^14·8/6⌋ = 2774357 → 2774336, a multiple of 64, within the state cap 4793489. Loihi
        // fires on v > θ′, so θ′ = 2774336 − 64 makes it fire from 2774273 on: one register step early, not late.
        assertEquals(2774336 - 64, population(result, "p2").threshold());
        Verifier.verify(result);
    }

    @Test
    void aMaxPoolGateOnAChipWithoutAGateUnitIsAnError() {
        Graph graph = network(
                "input x: u8[1,4,4] scale 1/255",
                "e = encode(x, mode=analog)",
                "c = conv2d(e, filters=1, kernel=1, weight=\"c.weight\")",
                "p = if(c)",
                "g = maxpool_gate(p, kernel=2)",
                "f = flatten(g)",
                "d = dense(f, units=2, weight=\"d.weight\")",
                "o = if(d)",
                "output r = readout(o, mode=membrane)")
                .weight("c.weight", Shape.of(1, 1, 1, 1), 1)
                .weight("d.weight", Shape.of(2, 4), 1, 2, 3, 4, 5, 6, 7, 8)
                .build();
        Diagnostic error = refusal(graph, TestChips.speck());
        assertEquals(DiagnosticCode.FEATURE_UNSUPPORTED, error.code());
        assertEquals("maxpool_gate 'g' needs a max-pool gate unit, which target speck lacks; compile with "
                + "--maxpool-to-avgpool to replace max pooling by average pooling (it costs accuracy)", error.message());
        assertEquals(7, error.span().line());
        // The generic chip has the unit: the gate stays, and the dense layer behind it reads its spikes.
        Graph result = quantize(graph, TestChips.generic(), CompilationInputs.none()).graph();
        assertEquals("maxpool_gate", result.node("g").operator());
    }

    @Test
    void anIdentityShortcutAndARescaledBranchBecomeOneByOneConvolutions() {
        Graph graph = network(
                "input x: u8[2,2,2] scale 1/255",
                "e = encode(x, mode=analog)",
                "c1 = conv2d(e, filters=2, kernel=1, weight=\"c1.weight\")",
                "p1 = if(c1)",
                "c2 = conv2d(p1, filters=2, kernel=1, weight=\"c2.weight\")",
                "p2 = if(c2)",
                "c3 = conv2d(p2, filters=2, kernel=1, weight=\"c3.weight\")",
                "s = affine(p1, scale=\"s.scale\")",
                "j = add(c3, s, p2)",
                "p3 = if(j)",
                "f = flatten(p3)",
                "d = dense(f, units=2, weight=\"d.weight\")",
                "o = if(d)",
                "output r = readout(o, mode=membrane)")
                .weight("c1.weight", Shape.of(2, 2, 1, 1), 1, 0, 0, 1)
                .weight("c2.weight", Shape.of(2, 2, 1, 1), 0.5, 0.5, -0.5, 0.5)
                .weight("c3.weight", Shape.of(2, 2, 1, 1), 0.25, 0, 0, 0.25)
                .weight("s.scale", Shape.of(2), 0.5, 2)
                .weight("d.weight", Shape.of(2, 8), 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1)
                .build();
        Run run = quantize(graph, TestChips.generic(), CompilationInputs.none());
        Graph result = run.graph();
        Conv2d shortcut = (Conv2d) result.node("p2.identity");
        assertEquals(2, shortcut.groups());
        assertEquals(List.of("c3", "s", "p2.identity"), result.node("j").inputs());
        assertEquals("conv2d", result.node("s").operator());
        // p3's synapses share e: max|w| = 2 (the affine), θ_7 = ⌊127·128/2⌋ = 8128, so 2 → 127·2^7, 1 → 63.5 → 64,
        // 0.5 → 31.75 → 32 and 0.25 → 15.875 → 16.
        assertEquals(8128, population(result, "p3").threshold());
        assertArrayEquals(new double[] {32 * 128, 127 * 128}, values(result, "s.weight"));
        assertArrayEquals(new double[] {64 * 128, 64 * 128}, values(result, "p2.identity.weight"));
        assertArrayEquals(new double[] {16 * 128, 0, 0, 16 * 128}, values(result, "c3.weight"));
        assertEquals(1L, run.statistics().get("identity-synapses"));
        assertEquals(1L, run.statistics().get("affines-to-conv"));
        Verifier.verify(result);
    }

    @Test
    void aPaddedAveragePoolThatExcludesThePaddingIsRefused() {
        Graph graph = network(
                "input x: u8[1,4,4] scale 1/255",
                "e = encode(x, mode=analog)",
                "c = conv2d(e, filters=1, kernel=1, weight=\"c.weight\")",
                "p = if(c)",
                "a.synapses = avgpool(p, kernel=2, padding=1)",
                "a = if(a.synapses)",
                "f = flatten(a)",
                "d = dense(f, units=2, weight=\"d.weight\")",
                "o = if(d)",
                "output r = readout(o, mode=membrane)")
                .weight("c.weight", Shape.of(1, 1, 1, 1), 1)
                .weight("d.weight", Shape.of(2, 9), new double[18])
                .build();
        Diagnostic error = refusal(graph, TestChips.generic());
        assertEquals(DiagnosticCode.NOT_QUANTIZABLE, error.code());
        assertTrue(error.message().startsWith("layer 'a.synapses' cannot be quantized for target generic: it pads and "
                + "excludes the padding"), error.message());
    }

    @Test
    void twoWeightedLayersWithoutAPopulationBetweenThemAreRefused() {
        Graph graph = network(
                "input x: u8[2] scale 1/255",
                "e = encode(x, mode=analog)",
                "d1 = dense(e, units=2, weight=\"d.weight\")",
                "d2 = dense(d1, units=2, weight=\"d.weight\")",
                "p = if(d2)",
                "output r = readout(p, mode=membrane)")
                .weight("d.weight", Shape.of(2, 2), 1, 0, 0, 1)
                .build();
        Diagnostic error = refusal(graph, TestChips.generic());
        assertEquals("layer 'd2' cannot be quantized for target generic: it reads dense 'd1' rather than spikes; a "
                + "chip's synapses connect the spikes of one population to the next, so two weighted layers need a "
                + "population between them", error.message());
    }

    @Test
    void aFloatInputIsRefusedWithTheImportOptionsThatFixIt() {
        Graph graph = network(
                "input x: f32[2]",
                "e = encode(x, mode=analog)",
                "d = dense(e, units=2, weight=\"d.weight\")",
                "p = if(d)",
                "output r = readout(p, mode=membrane)")
                .weight("d.weight", Shape.of(2, 2), 1, 0, 0, 1)
                .build();
        Diagnostic error = refusal(graph, TestChips.generic());
        assertTrue(error.message().endsWith("--input-dtype u8 --input-scale 1/255"), error.message());
    }

    @Test
    void aPoissonInputKeepsItsScaleAndReadsSpikes() {
        Graph graph = network(
                "input x: u8[2] scale 1/255",
                "e = encode(x, mode=poisson)",
                "d = dense(e, units=2, weight=\"d.weight\")",
                "p = if(d)",
                "output r = readout(p, mode=membrane)")
                .weight("d.weight", Shape.of(2, 2), 0.5, -0.25, 0.125, 1.0)
                .build();
        Graph result = quantize(graph, TestChips.generic(), CompilationInputs.none()).graph();
        assertEquals(new Scale(1, 255), result.input().scale());
        // Spikes in [0, 1], max|w| = 1: θ_7 = 127·128 = 16256, m = w·127.
        assertEquals(16256, population(result, "p").threshold());
        assertArrayEquals(new double[] {64 * 128, -32 * 128, 16 * 128, 127 * 128}, values(result, "d.weight"));
    }

    @Test
    void aSequenceInputIsBoundedByTheMostEventsAStepAndMustHaveScaleOne() {
        String text = String.join("\n",
                "input x: u8[2]%s",
                "e = encode(x, mode=sequence)",
                "d = dense(e, units=2, weight=\"d.weight\")",
                "p = if(d)",
                "output r = readout(p, mode=membrane)");
        Graph graph = network(String.format(text, "")).weight("d.weight", Shape.of(2, 2), 0.5, -0.25, 0.125, 1.0)
                .build();
        Run run = quantize(graph, TestChips.speck(), CompilationInputs.none());
        // Counts in [0, 15]: neuron 1 takes at most 15·(0.125 + 1) = 16.875 a step, 15 times what spikes bring, and
        // the 16-bit state caps θ at ⌊32767/17.875⌋ = 1833.
        LayerQuantization layer = layers(run).get(0);
        assertEquals(InputSource.SEQUENCE_MAX_EVENTS * 1.125, layer.maxStepInput(), 1e-12);
        assertEquals(1833, layer.thresholdCap());
        assertEquals(Scale.ONE, run.graph().input().scale());

        Graph scaled = network(String.format(text, " scale 1/255"))
                .weight("d.weight", Shape.of(2, 2), 0.5, -0.25, 0.125, 1.0).build();
        Diagnostic error = refusal(scaled, TestChips.generic());
        assertEquals(DiagnosticCode.NOT_QUANTIZABLE, error.code());
        assertTrue(error.message().contains("its scale is 0.00392"), error.message());
    }

    @Test
    void aQuantizedGraphCannotBeQuantizedAgain() {
        Graph once = quantize(twoDense(""), TestChips.generic(), CompilationInputs.none()).graph();
        CompilationException again = assertThrows(CompilationException.class,
                () -> quantize(once, TestChips.generic(), CompilationInputs.none()));
        assertEquals(DiagnosticCode.PIPELINE_ORDER, again.diagnostics().get(0).code());
    }

    /** Poisson spikes → dense [0.5, 0.25] → one zero-reset population of threshold 1.25 with {@code decays}. */
    private static Graph oneCubaNeuron(String decays) {
        return network("input x: u8[2]", "e = encode(x, mode=poisson)",
                "d = dense(e, units=1, weight=\"d.weight\")",
                "p = if(d, threshold=1.25, reset=zero" + decays + ")", "output r = readout(p, mode=spikecount)")
                .weight("d.weight", Shape.of(1, 2), 0.5, 0.25).build();
    }

    @Test
    void aDecayingPopulationGetsTwelveBitDecaysAndRoomForItsSynapticCurrent() {
        Run run = quantize(oneCubaNeuron(", current_decay=0.25, voltage_decay=0.03"),
                ChipSpecs.load("loihi"), CompilationInputs.none());
        IfNeurons p = population(run.graph(), "p");
        // δ = rint(4096·d): 0.25 → 1024, 0.03·4096 = 122.88 → 123.
        assertEquals(Optional.of(new IntegerDecay(1024, 123)), p.fixed().orElseThrow().decay());
        assertEquals(Optional.empty(), p.decay(), "the quantized decays live in the fixed point");
        // The zero-reset ratio is 1, so θ_float = 1.25. Spikes give A = 0.75 = 0.6 θ, and u can reach
        // A·4096/1024 = 2.4 θ: the 24-bit state caps θ at (2^23 − 1)/3.4 = 2467237, 2467200 in steps of 64.
        // θ_e = 127·2^e·1.25/0.5 = 317.5·2^e is below it up to e = 12: 1300480, stored as 1300416 (v > θ − 64).
        LayerQuantization layer = layers(run).get(0);
        assertEquals(2467200, layer.thresholdCap());
        assertEquals("state_bits", layer.limitedBy());
        assertEquals(1300480 - 64, p.threshold());
        assertEquals(12, p.fixed().orElseThrow().weightExponent());
    }

    @Test
    void aPinnedScaleKeepsTheNetworksOwnIntegers() {
        QuantizeOptions pinned = new QuantizeOptions(ChipSpecs.load("loihi"), 8, OptionalDouble.of(4096));
        Run run = quantize(oneCubaNeuron(", current_decay=0.25, voltage_decay=0.03"), pinned,
                CompilationInputs.none());
        IfNeurons p = population(run.graph(), "p");
        // θ = 1.25·4096 = 5120 = 80·2^6, stored as it is; w·4096 = 2048, 1024 fit 127·2^e first at e = 5.
        assertEquals(5120, p.threshold());
        assertEquals(5, p.fixed().orElseThrow().weightExponent());
        assertArrayEquals(new double[] {2048, 1024}, values(run.graph(), "d.weight"));
        assertEquals("pinned", layers(run).get(0).limitedBy());
    }

    @Test
    void aDecayingPopulationOnAChipWithoutDecaysIsRefusedWithE0901() {
        Diagnostic refused = refusal(oneCubaNeuron(", voltage_decay=0.5"), TestChips.speck());
        assertEquals(DiagnosticCode.FEATURE_UNSUPPORTED, refused.code());
        assertTrue(refused.format().contains("features.cuba_decay"), refused.format());
        assertEquals(6, refused.span().line(), "p = if(...) is line 6 of t.snn, after the header and a blank line");
    }

    // ---- fixtures

    /** What one run of the pass through a {@link PassManager} (which verifies the result) produced. */
    private record Run(Graph graph, Map<String, Long> statistics, Map<RecordKey<?>, Object> records,
            List<LayerQuantization> layers) {
    }

    private static Run quantize(Graph graph, ChipSpec chip, CompilationInputs inputs) {
        return quantize(graph, QuantizeOptions.of(chip), inputs);
    }

    private static Run quantize(Graph graph, QuantizeOptions options, CompilationInputs inputs) {
        PipelineResult result = new PassManager(List.of(new Quantize(options)), IrDumps.NONE).run(graph, inputs);
        PassRun run = result.runs().get(0);
        return new Run(result.graph(), run.statistics(), run.records(),
                result.record(Quantize.QUANTIZATION).orElseThrow());
    }

    /** The single diagnostic of quantizing {@code graph} for {@code chip}, which must fail. */
    private static Diagnostic refusal(Graph graph, ChipSpec chip) {
        CompilationException error = assertThrows(CompilationException.class,
                () -> new Quantize(QuantizeOptions.of(chip)).run(graph, new PassContext(CompilationInputs.none())));
        assertEquals(1, error.diagnostics().size(), error.getMessage());
        return error.diagnostics().get(0);
    }

    private static List<LayerQuantization> layers(Run run) {
        return run.layers();
    }

    private static IfNeurons population(Graph graph, String name) {
        return (IfNeurons) graph.node(name);
    }

    private static double[] values(Graph graph, String key) {
        return graph.weights().get(key).orElseThrow().toArray();
    }

    private static Network network(String... statements) {
        String text = "network t\n\n" + String.join("\n", statements) + "\n";
        return new Network(SnnTextFrontEnd.parse(text, "t.snn").graph().toBuilder());
    }

    /** A parsed network to which tests attach weights. */
    private static final class Network {
        private final GraphBuilder builder;

        Network(GraphBuilder builder) {
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
}
