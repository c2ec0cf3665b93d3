package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.interp.Activations;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.passes.NormalizeOptions.OutputScale;

class NormalizeTest {

    private static final double EXACT = 1e-12;

    // ----- the percentile

    @Test
    void percentileInterpolatesBetweenTheClosestRanksOfTheNonZeroValues() {
        // positives 1,2,3,4: rank 0.5·3 = 1.5, halfway between 2 and 3
        assertEquals(2.5, Normalize.lambda(new double[] {0, 4, 1, 0, 3, 2}, 50));
        // rank 0.25·1 = 0.25 between 10 and 20
        assertEquals(12.5, Normalize.lambda(new double[] {20, 10}, 25));
        // numpy: np.percentile(np.arange(1, 11.), 99.9) and np.percentile([0.1, 0.2, 0.7], 99.9)
        assertEquals(9.991000000000001, Normalize.lambda(new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 99.9));
        assertEquals(0.6990000000000001, Normalize.lambda(new double[] {0.7, 0, 0.1, 0.2}, 99.9));
    }

    @Test
    void percentileHundredIsTheMaximum() {
        assertEquals(7.0, Normalize.lambda(new double[] {1, 7, 0, 3, -9}, 100));
        assertEquals(5.0, Normalize.lambda(new double[] {5}, 99.9));
    }

    @Test
    void aLayerThatNeverFiresKeepsLambdaOne() {
        assertEquals(1.0, Normalize.lambda(new double[] {0, 0, 0}, 99.9));
        assertEquals(1.0, Normalize.lambda(new double[] {-1, -2}, 50));
        assertEquals(1.0, Normalize.lambda(new double[0], 100));
    }

    // ----- a dense network computed by hand

    /**
     * fc1 = [[1,0],[0,2]]·x + [0,−1]; on the images (1,1), (2,0), (3,4) relu1 is (1,1), (2,0), (3,7), and the logits
     * fc2 = [[1,−1],[0.5,1]]·relu1 + [1,0] are (1,1.5), (3,1), (−3,8.5).
     */
    private static Graph denseNetwork() {
        return denseNetwork("relu(fc1)");
    }

    /** The dense network with relu1 = {@code relu}. */
    private static Graph denseNetwork(String relu) {
        return Networks.parse("""
                network tiny
                input x: f64[2]
                fc1 = dense(x, units=2, weight="w1", bias="b1")
                relu1 = %s
                fc2 = dense(relu1, units=2, weight="w2", bias="b2")
                output probs = softmax(fc2)
                """.formatted(relu)).toBuilder()
                .weight("w1", Networks.tensor(Shape.of(2, 2), 1, 0, 0, 2))
                .weight("b1", Networks.tensor(Shape.of(2), 0, -1))
                .weight("w2", Networks.tensor(Shape.of(2, 2), 1, -1, 0.5, 1))
                .weight("b2", Networks.tensor(Shape.of(2), 1, 0))
                .build();
    }

    private static final double[][] DENSE_IMAGES = {{1, 1}, {2, 0}, {3, 4}};

    private static PassContext contextWith(double[][] images) {
        return new PassContext(new CompilationInputs(Optional.of(images), 2, Progress.NONE));
    }

    private static double[] parameter(Graph graph, ParamRef ref) {
        return graph.weights().get(ref.key()).orElseThrow().toArray();
    }

    @Test
    void layerWiseNormalizationOfADenseNetwork() {
        PassContext context = contextWith(DENSE_IMAGES);
        Graph normalized = new Normalize(new NormalizeOptions(50, false, OutputScale.PERCENTILE))
                .run(denseNetwork(), context);
        // λ1 = median of {1,1,2,3,7} = 2; λ_out = median of the positive logits {1,1,1.5,3,8.5} = 1.5
        assertEquals(Map.of("relu1", 2.0, "fc2", 1.5), context.record(Normalize.LAMBDAS).orElseThrow());
        assertEquals(50.0, context.record(Normalize.PERCENTILE).orElseThrow());
        assertEquals(3, context.record(Normalize.CALIBRATION_IMAGES).orElseThrow());
        assertEquals(2L, context.statistics().get("layers-normalized"));
        assertFalse(context.statistics().containsKey("affines-inserted"));

        Dense fc1 = (Dense) normalized.node("fc1");
        Dense fc2 = (Dense) normalized.node("fc2");
        assertArrayEquals(new double[] {0.5, 0, 0, 1}, parameter(normalized, fc1.weight()), EXACT);
        assertArrayEquals(new double[] {0, -0.5}, parameter(normalized, fc1.bias().orElseThrow()), EXACT);
        assertArrayEquals(new double[] {4 / 3.0, -4 / 3.0, 2 / 3.0, 4 / 3.0}, parameter(normalized, fc2.weight()),
                EXACT);
        assertArrayEquals(new double[] {2 / 3.0, 0}, parameter(normalized, fc2.bias().orElseThrow()), EXACT);
        assertEquals(List.of("fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"),
                List.copyOf(normalized.weights().tensors().keySet()), "the old tensors are pruned");
        assertFalse(Verifier.check(normalized).hasErrors());
    }

    /**
     * relu1 clipped at 2.5 is (1,1), (2,0), (2.5,2.5) on the images: max-norm gives λ1 = 2.5 = m, so the normalized
     * ceiling is 1, where the neuron saturates; the median of {1,1,2,2.5,2.5} gives λ1 = 2 and a ceiling of 1.25.
     */
    @Test
    void aClippedReluHasLambdaAtMostItsCeilingAndKeepsItScaled() {
        Graph clipped = denseNetwork("relu(fc1, max=2.5)");
        for (double[] percentileLambdaCeiling : new double[][] {{100, 2.5, 1}, {50, 2, 1.25}}) {
            PassContext context = contextWith(DENSE_IMAGES);
            Graph normalized = new Normalize(new NormalizeOptions(percentileLambdaCeiling[0], false,
                    OutputScale.PERCENTILE)).run(clipped, context);
            assertEquals(percentileLambdaCeiling[1], context.record(Normalize.LAMBDAS).orElseThrow().get("relu1"));
            assertEquals(percentileLambdaCeiling[2], ((Relu) normalized.node("relu1")).ceiling(), EXACT);
            assertScaledActivations(clipped, normalized, context, DENSE_IMAGES);
        }
    }

    @Test
    void perChannelNormalizationGivesEachUnitItsOwnLambda() {
        PassContext context = contextWith(DENSE_IMAGES);
        Graph normalized = new Normalize(new NormalizeOptions(50, true, OutputScale.PERCENTILE))
                .run(denseNetwork(), context);
        // unit 0 fires 1,2,3 (median 2); unit 1 fires 1,7 (median 4); the output stays one λ
        assertEquals(Map.of("relu1", List.of(2.0, 4.0), "fc2", 1.5), context.record(Normalize.LAMBDAS).orElseThrow());
        Dense fc1 = (Dense) normalized.node("fc1");
        Dense fc2 = (Dense) normalized.node("fc2");
        assertArrayEquals(new double[] {0.5, 0, 0, 0.5}, parameter(normalized, fc1.weight()), EXACT);
        assertArrayEquals(new double[] {0, -0.25}, parameter(normalized, fc1.bias().orElseThrow()), EXACT);
        // W2[u,n]·λ1[n]/λ_out
        assertArrayEquals(new double[] {4 / 3.0, -8 / 3.0, 2 / 3.0, 8 / 3.0}, parameter(normalized, fc2.weight()),
                EXACT);
        assertScaledActivations(denseNetwork(), normalized, context, DENSE_IMAGES);
    }

    @Test
    void outputScaleMaxAndNone() {
        PassContext max = contextWith(DENSE_IMAGES);
        new Normalize(new NormalizeOptions(50, false, OutputScale.MAX)).run(denseNetwork(), max);
        assertEquals(Map.of("relu1", 2.0, "fc2", 8.5), max.record(Normalize.LAMBDAS).orElseThrow());

        PassContext none = contextWith(DENSE_IMAGES);
        Graph unscaled = new Normalize(new NormalizeOptions(50, false, OutputScale.NONE)).run(denseNetwork(), none);
        assertEquals(Map.of("relu1", 2.0, "fc2", 1.0), none.record(Normalize.LAMBDAS).orElseThrow());
        // W2·λ1/1 and b2/1
        Dense fc2 = (Dense) unscaled.node("fc2");
        assertArrayEquals(new double[] {2, -2, 1, 2}, parameter(unscaled, fc2.weight()), EXACT);
        assertArrayEquals(new double[] {1, 0}, parameter(unscaled, fc2.bias().orElseThrow()), EXACT);
    }

    // ----- joins

    private static final String RESIDUAL = """
            network residual
            input x: f64[2,4,4]
            conv1 = conv2d(x, filters=2, kernel=3, padding=1, weight="conv1.weight", bias="conv1.bias")
            relu1 = relu(conv1)
            conv2 = conv2d(relu1, filters=2, kernel=3, padding=1, weight="conv2.weight", bias="conv2.bias")
            sum = add(relu1, conv2)
            relu2 = relu(sum)
            pool = avgpool(relu2, kernel=2)
            flat = flatten(pool)
            fc = dense(flat, units=3, weight="fc.weight", bias="fc.bias")
            output probs = softmax(fc)
            """;

    @Test
    void theIdentityShortcutOfAResidualBlockIsRescaledToTheScaleOfTheJoin() {
        Graph original = Networks.withRandomWeights(Networks.parse(RESIDUAL), 7);
        double[][] images = Networks.images(120, 32, 11);
        PassContext context = contextWith(images);
        Graph normalized = new Normalize(NormalizeOptions.DEFAULTS).run(original, context);

        Map<String, Object> lambdas = context.record(Normalize.LAMBDAS).orElseThrow();
        double lambda1 = (Double) lambdas.get("relu1");
        double lambda2 = (Double) lambdas.get("relu2");
        Affine shortcut = assertInstanceOf(Affine.class, normalized.node("relu1.rescaled"));
        assertEquals("relu1", shortcut.input());
        assertTrue(shortcut.shift().isEmpty());
        assertArrayEquals(new double[] {lambda1 / lambda2, lambda1 / lambda2}, parameter(normalized, shortcut.scale()),
                EXACT);
        assertEquals(List.of("relu1.rescaled", "conv2"), normalized.node("sum").inputs());
        assertEquals(List.copyOf(normalized.nodes().keySet()).indexOf("sum") - 1,
                List.copyOf(normalized.nodes().keySet()).indexOf("relu1.rescaled"), "placed just before the add");
        assertEquals(1L, context.statistics().get("affines-inserted"));
        assertEquals(3L, context.statistics().get("layers-normalized"));
        assertScaledActivations(original, normalized, context, Networks.images(30, 32, 12));
    }

    @Test
    void aConvReadingAConcatOfRelusIsRescaledPerSlice() {
        Graph original = Networks.parse("""
                network branches
                input x: f64[1,3,3]
                left = conv2d(x, filters=1, kernel=1, weight="left.weight")
                leftRelu = relu(left)
                right = conv2d(x, filters=2, kernel=1, weight="right.weight")
                rightRelu = relu(right)
                joined = concat(leftRelu, rightRelu)
                mix = conv2d(joined, filters=1, kernel=1, weight="mix.weight", bias="mix.bias")
                output out = relu(mix)
                """).toBuilder()
                .weight("left.weight", Networks.tensor(Shape.of(1, 1, 1, 1), 1))
                .weight("right.weight", Networks.tensor(Shape.of(2, 1, 1, 1), 2, 3))
                .weight("mix.weight", Networks.tensor(Shape.of(1, 3, 1, 1), 1, 1, 1))
                .weight("mix.bias", Networks.tensor(Shape.of(1), 0.5))
                .build();
        // one image with the pixels 1..9: left = 1..9, right = 2..18 and 3..27, out = 6·pixel + 0.5
        double[][] images = {{1, 2, 3, 4, 5, 6, 7, 8, 9}};
        PassContext context = contextWith(images);
        Graph normalized = new Normalize(new NormalizeOptions(100, false, OutputScale.NONE)).run(original, context);

        // the output is a relu at λ = 54.5, so an appended affine brings it to λ_out = 1 and becomes the output
        assertEquals("out.rescaled", normalized.output());
        assertEquals(Map.of("leftRelu", 9.0, "rightRelu", 27.0, "out", 54.5, "out.rescaled", 1.0),
                context.record(Normalize.LAMBDAS).orElseThrow());
        Conv2d mix = (Conv2d) normalized.node("mix");
        // W[0,i]·s_in[i]/λ_out with s_in = (9, 27, 27) and λ(out) = 54.5
        assertArrayEquals(new double[] {9 / 54.5, 27 / 54.5, 27 / 54.5}, parameter(normalized, mix.weight()), EXACT);
        assertArrayEquals(new double[] {0.5 / 54.5}, parameter(normalized, mix.bias().orElseThrow()), EXACT);
        assertScaledActivations(original, normalized, context, images);
    }

    @Test
    void aReluOverAConcatDemandsEachSliceOfItsConvolutionsAndAGroupedConvReadsItsOwnChannels() {
        Graph original = Networks.withRandomWeights(Networks.parse("""
                network slices
                input x: f64[2,5,5]
                a = conv2d(x, filters=2, kernel=3, padding=1, weight="a.weight", bias="a.bias")
                b = conv2d(x, filters=4, kernel=3, padding=1, groups=2, weight="b.weight")
                bp = avgpool(b, kernel=3, stride=1, padding=1)
                joined = concat(a, bp)
                r = relu(joined)
                grouped = conv2d(r, filters=3, kernel=1, groups=3, weight="grouped.weight")
                rg = relu(grouped)
                flat = flatten(rg)
                output fc = dense(flat, units=4, weight="fc.weight")
                """), 3);
        double[][] images = Networks.images(40, 50, 5);
        PassContext context = contextWith(images);
        Graph normalized = new Normalize(new NormalizeOptions(99, true, OutputScale.PERCENTILE)).run(original, context);

        assertFalse(context.statistics().containsKey("affines-inserted"), "both convolutions take their slice");
        Map<String, Object> lambdas = context.record(Normalize.LAMBDAS).orElseThrow();
        List<?> lambda = (List<?>) lambdas.get("r");
        assertEquals(6, lambda.size());
        double[] b = parameter(original, ((Conv2d) original.node("b")).weight());
        double[] bScaled = parameter(normalized, ((Conv2d) normalized.node("b")).weight());
        for (int k = 0; k < b.length; k++) {
            assertEquals(b[k] / (Double) lambda.get(2 + k / 9), bScaled[k], EXACT, "filter " + k / 9);
        }
        // grouped filter f reads channels 2f and 2f+1 of r: W[f,c]·λ_r[2f+c]/λ_rg[f]
        List<?> lambdaGrouped = (List<?>) lambdas.get("rg");
        double[] g = parameter(original, ((Conv2d) original.node("grouped")).weight());
        double[] gScaled = parameter(normalized, ((Conv2d) normalized.node("grouped")).weight());
        for (int k = 0; k < g.length; k++) {
            double expected = g[k] * (Double) lambda.get(k) / (Double) lambdaGrouped.get(k / 2);
            assertEquals(expected, gScaled[k], EXACT, "grouped weight " + k);
        }
        assertScaledActivations(original, normalized, context, Networks.images(10, 50, 6));
    }

    // ----- errors

    @Test
    void withoutCalibrationDataTheUserIsToldToPassSome() {
        PassContext context = new PassContext(CompilationInputs.none());
        CompilationException thrown = assertThrows(CompilationException.class,
                () -> new Normalize(NormalizeOptions.DEFAULTS).run(denseNetwork(), context));
        assertEquals(DiagnosticCode.CALIBRATION_REQUIRED, thrown.diagnostics().get(0).code());
        assertEquals("E0703", thrown.diagnostics().get(0).code().id());
    }

    @Test
    void percentileOutsideItsRangeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new NormalizeOptions(0, false, OutputScale.MAX));
        assertThrows(IllegalArgumentException.class, () -> new NormalizeOptions(100.5, false, OutputScale.MAX));
    }

    /**
     * On {@code images}, every relu of the normalized graph equals the original divided by its recorded λ (per
     * channel where the record is a list) and the logits equal the original divided by λ_out; the graph verifies.
     */
    private static void assertScaledActivations(Graph original, Graph normalized, PassContext context,
            double[][] images) {
        assertFalse(Verifier.check(normalized).hasErrors(), () -> Verifier.check(normalized).diagnostics().toString());
        Activations before = new AnnInterpreter(original).evaluateBatchAll(images, 1);
        Activations after = new AnnInterpreter(normalized).evaluateBatchAll(images, 1);
        Map<String, Object> lambdas = context.record(Normalize.LAMBDAS).orElseThrow();
        String logits = original.node(original.output()) instanceof org.snnc.compiler.ir.Softmax softmax
                ? softmax.input() : original.output();
        for (Node node : original.nodes().values()) {
            if (node instanceof Relu) {
                assertScaled(before, node.name(), after, node.name(), lambdas.get(node.name()));
            }
        }
        String logitsAfter = lambdas.containsKey(logits + ".rescaled") ? logits + ".rescaled" : logits;
        assertScaled(before, logits, after, logitsAfter, lambdas.get(logitsAfter));
        assertArrayEquals(before.predictions(), after.predictions());
    }

    private static void assertScaled(Activations before, String node, Activations after, String scaled,
            Object lambda) {
        int size = before.shape(node).size();
        int channels = before.shape(node).dim(0);
        for (int image = 0; image < before.imageCount(); image++) {
            for (int k = 0; k < size; k++) {
                double divisor = lambda instanceof List<?> list ? (Double) list.get(k / (size / channels))
                        : (Double) lambda;
                double expected = before.get(node, image, k) / divisor;
                assertEquals(expected, after.get(scaled, image, k), 1e-9 * Math.max(1, Math.abs(expected)),
                        node + " image " + image + " element " + k);
            }
        }
    }
}
