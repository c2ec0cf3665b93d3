package org.snnc.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.interp.Nets.AT;
import static org.snnc.compiler.interp.Nets.batchNorm;
import static org.snnc.compiler.interp.Nets.conv;
import static org.snnc.compiler.interp.Nets.dense;
import static org.snnc.compiler.interp.Nets.input;
import static org.snnc.compiler.interp.Nets.tensor;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Window2d;

/** Every operator on a tiny hand-computed case, branches, retained activations, threads and misuse. */
class AnnInterpreterTest {

    private static final double EXACT = 0.0;
    private static final double CLOSE = 1e-12;

    /** Evaluates the graph {@code b} with output {@code output} on one image. */
    private static double[] run(GraphBuilder b, String output, double... x) {
        return new AnnInterpreter(b.output(output).build()).evaluate(x);
    }

    @Nested
    class Conv {

        @Test
        void padOneIsCrossCorrelationNotConvolution() {
            // x = 1 2 3 / 4 5 6 / 7 8 9, K = [[1,0,0],[0,0,0],[0,0,2]], pad 1, so y[i,j] = x[i-1,j-1] + 2·x[i+1,j+1]:
            // y00 = 0 + 2·5 = 10   y01 = 0 + 2·6 = 12   y02 = 0 + 0 = 0
            // y10 = 0 + 2·8 = 16   y11 = 1 + 2·9 = 19   y12 = 2 + 0 = 2
            // y20 = 0 + 0 = 0      y21 = 4 + 0 = 4      y22 = 5 + 0 = 5
            GraphBuilder b = Graph.builder("t").add(input(1, 3, 3))
                    .add(conv("c", "x", 1, Window2d.square(3, 1, 1), 1, false))
                    .weight("c.weight", tensor(Shape.of(1, 1, 3, 3), 1, 0, 0, 0, 0, 0, 0, 0, 2));
            assertArrayEquals(new double[] {10, 12, 0, 16, 19, 2, 0, 4, 5},
                    run(b, "c", 1, 2, 3, 4, 5, 6, 7, 8, 9), EXACT);
        }

        @Test
        void strideTwo() {
            // x[r,c] = 4r + c on 4×4, K = [[1,2],[3,4]], stride 2:
            // y00 = 0·1 + 1·2 + 4·3 + 5·4 = 34          y01 = 2·1 + 3·2 + 6·3 + 7·4 = 54
            // y10 = 8·1 + 9·2 + 12·3 + 13·4 = 114       y11 = 10·1 + 11·2 + 14·3 + 15·4 = 134
            GraphBuilder b = Graph.builder("t").add(input(1, 4, 4))
                    .add(conv("c", "x", 1, Window2d.square(2, 2, 0), 1, false))
                    .weight("c.weight", tensor(Shape.of(1, 1, 2, 2), 1, 2, 3, 4));
            assertArrayEquals(new double[] {34, 54, 114, 134},
                    run(b, "c", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), EXACT);
        }

        @Test
        void strideTwoWithPaddingOnOddInput() {
            // 5×5 input of ones, 3×3 kernel of ones, stride 2, pad 1: out ⌊(5+2−3)/2⌋+1 = 3.
            // Window rows for output row 0: −1..1 (2 in bounds), row 1: 1..3 (3), row 2: 3..5 (2); columns alike.
            // y = in-bounds count: 4 6 4 / 6 9 6 / 4 6 4
            GraphBuilder b = Graph.builder("t").add(input(1, 5, 5))
                    .add(conv("c", "x", 1, Window2d.square(3, 2, 1), 1, false))
                    .weight("c.weight", tensor(Shape.of(1, 1, 3, 3), 1, 1, 1, 1, 1, 1, 1, 1, 1));
            double[] ones = new double[25];
            java.util.Arrays.fill(ones, 1.0);
            assertArrayEquals(new double[] {4, 6, 4, 6, 9, 6, 4, 6, 4}, run(b, "c", ones), EXACT);
        }

        @Test
        void asymmetricPadding() {
            // x = 1 2 / 3 4, pad [top 1, left 0, bottom 0, right 1] gives xpad = 0 0 0 / 1 2 0 / 3 4 0.
            // K = [[1,10],[100,1000]]: y[i,j] = xp[i,j] + 10·xp[i,j+1] + 100·xp[i+1,j] + 1000·xp[i+1,j+1]
            // y00 = 0 + 0 + 100·1 + 1000·2 = 2100    y01 = 0 + 0 + 100·2 + 0 = 200
            // y10 = 1 + 10·2 + 100·3 + 1000·4 = 4321 y11 = 2 + 0 + 100·4 + 0 = 402
            Window2d window = new Window2d(2, 2, 1, 1, new Padding(1, 0, 0, 1));
            GraphBuilder b = Graph.builder("t").add(input(1, 2, 2))
                    .add(conv("c", "x", 1, window, 1, false))
                    .weight("c.weight", tensor(Shape.of(1, 1, 2, 2), 1, 10, 100, 1000));
            assertArrayEquals(new double[] {2100, 200, 4321, 402}, run(b, "c", 1, 2, 3, 4), EXACT);
        }

        @Test
        void twoGroupsWithTwoFiltersEach() {
            // x = [1,2,3,4] (4 channels of 1×1), 4 filters, groups 2: filters 0,1 read channels 0,1; 2,3 read 2,3.
            // y0 = 1·1 + 10·2 = 21       y1 = 100·1 + 1000·2 = 2100
            // y2 = 2·3 + 20·4 = 86       y3 = 200·3 + 2000·4 = 8600
            GraphBuilder b = Graph.builder("t").add(input(4, 1, 1))
                    .add(conv("c", "x", 4, Window2d.square(1, 1, 0), 2, false))
                    .weight("c.weight", tensor(Shape.of(4, 2, 1, 1), 1, 10, 100, 1000, 2, 20, 200, 2000));
            assertArrayEquals(new double[] {21, 2100, 86, 8600}, run(b, "c", 1, 2, 3, 4), EXACT);
        }

        @Test
        void depthwiseWithBias() {
            // Channel 0 = 1 2 / 3 4, channel 1 = 5 6 / 7 8; groups = channels = filters = 2, 2×2 kernels:
            // y0 = 0.5 + (1·1 + 0·2 + 0·3 + 1·4) = 5.5     (K0 = [[1,0],[0,1]], b0 = 0.5)
            // y1 = −1 + (0·5 + 1·6 + 1·7 + 0·8) = 12       (K1 = [[0,1],[1,0]], b1 = −1)
            GraphBuilder b = Graph.builder("t").add(input(2, 2, 2))
                    .add(conv("c", "x", 2, Window2d.square(2, 1, 0), 2, true))
                    .weight("c.weight", tensor(Shape.of(2, 1, 2, 2), 1, 0, 0, 1, 0, 1, 1, 0))
                    .weight("c.bias", tensor(Shape.of(2), 0.5, -1));
            assertArrayEquals(new double[] {5.5, 12}, run(b, "c", 1, 2, 3, 4, 5, 6, 7, 8), EXACT);
        }

        @Test
        void biasIsAddedAtEveryPosition() {
            // 1×1 conv, 2 filters on one channel x = [1, −2]: y[f] = w[f]·x + b[f]
            // filter 0 (w 3, b 0.25): 3.25, −5.75; filter 1 (w −1, b 10): 9, 12
            GraphBuilder b = Graph.builder("t").add(input(1, 1, 2))
                    .add(conv("c", "x", 2, Window2d.square(1, 1, 0), 1, true))
                    .weight("c.weight", tensor(Shape.of(2, 1, 1, 1), 3, -1))
                    .weight("c.bias", tensor(Shape.of(2), 0.25, 10));
            assertArrayEquals(new double[] {3.25, -5.75, 9, 12}, run(b, "c", 1, -2), EXACT);
        }
    }

    @Test
    void denseIsWTimesXPlusB() {
        // W = [[1,0,−1],[2,1,0.5]], b = [0.5,−1], x = [1,2,3]:
        // y0 = 0.5 + 1 + 0 − 3 = −1.5      y1 = −1 + 2 + 2 + 1.5 = 4.5
        GraphBuilder b = Graph.builder("t").add(input(3))
                .add(dense("d", "x", 2, true))
                .weight("d.weight", tensor(Shape.of(2, 3), 1, 0, -1, 2, 1, 0.5))
                .weight("d.bias", tensor(Shape.of(2), 0.5, -1));
        assertArrayEquals(new double[] {-1.5, 4.5}, run(b, "d", 1, 2, 3), EXACT);
    }

    @Test
    void denseWithoutBias() {
        // y = [1·1 + 0·2 − 1·3, 2·1 + 1·2 + 0.5·3] = [−2, 5.5]
        GraphBuilder b = Graph.builder("t").add(input(3))
                .add(dense("d", "x", 2, false))
                .weight("d.weight", tensor(Shape.of(2, 3), 1, 0, -1, 2, 1, 0.5));
        assertArrayEquals(new double[] {-2, 5.5}, run(b, "d", 1, 2, 3), EXACT);
    }

    @Nested
    class BatchNormalization {

        /** γ = [2,1], β = [0.5,−1], μ = [1,2], σ² = [3.75,0], ε = 0.25, so √(σ²+ε) = [2, 0.5]. */
        private GraphBuilder graph(int... dims) {
            return Graph.builder("t").add(input(dims))
                    .add(batchNorm("bn", "x", 0.25))
                    .weight("bn.gamma", tensor(Shape.of(2), 2, 1))
                    .weight("bn.beta", tensor(Shape.of(2), 0.5, -1))
                    .weight("bn.mean", tensor(Shape.of(2), 1, 2))
                    .weight("bn.var", tensor(Shape.of(2), 3.75, 0));
        }

        @Test
        void perChannelOfAFeatureMap() {
            // channel 0 = [1,3]: (1−1)/2·2 + 0.5 = 0.5, (3−1)/2·2 + 0.5 = 2.5
            // channel 1 = [2,4]: (2−2)/0.5·1 − 1 = −1,  (4−2)/0.5·1 − 1 = 3
            assertArrayEquals(new double[] {0.5, 2.5, -1, 3}, run(graph(2, 1, 2), "bn", 1, 3, 2, 4), EXACT);
        }

        @Test
        void perUnitOfAVector() {
            // x = [1,3]: (1−1)/2·2 + 0.5 = 0.5, (3−2)/0.5·1 − 1 = 1
            assertArrayEquals(new double[] {0.5, 1}, run(graph(2), "bn", 1, 3), EXACT);
        }
    }

    @Test
    void reluClampsNegativesToZero() {
        // max(0, [−1, 0, 2.5]) = [0, 0, 2.5]
        GraphBuilder b = Graph.builder("t").add(input(3)).add(new Relu("r", "x", AT));
        assertArrayEquals(new double[] {0, 0, 2.5}, run(b, "r", -1, 0, 2.5), EXACT);
    }

    @Nested
    class AveragePool {

        /** x = 1 2 / 3 4, 2×2 window, stride 1, pad 1: a 3×3 output whose border windows hold padding. */
        private GraphBuilder padded(boolean countIncludePad) {
            return Graph.builder("t").add(input(1, 2, 2))
                    .add(new AvgPool("p", "x", Window2d.square(2, 1, 1), countIncludePad, AT));
        }

        @Test
        void countIncludePadDividesByTheKernelArea() {
            // Every window divides by 2·2 = 4. Corner (0,0) holds only x00: 1/4 = 0.25. Edge (0,1): (1+2)/4 = 0.75.
            // 0.25 0.75 0.5 / 1 2.5 1.5 / 0.75 1.75 1
            assertArrayEquals(new double[] {0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1},
                    run(padded(true), "p", 1, 2, 3, 4), EXACT);
        }

        @Test
        void excludingPadDividesByTheInBoundsCount() {
            // Corner (0,0): 1/1 = 1. Edge (0,1): (1+2)/2 = 1.5. Centre (1,1): (1+2+3+4)/4 = 2.5.
            // 1 1.5 2 / 2 2.5 3 / 3 3.5 4
            assertArrayEquals(new double[] {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4},
                    run(padded(false), "p", 1, 2, 3, 4), EXACT);
        }

        @Test
        void strideSmallerThanKernelOverlaps() {
            // x = 1..9 on 3×3, 2×2 window, stride 1: (1+2+4+5)/4 = 3, (2+3+5+6)/4 = 4, (4+5+7+8)/4 = 6, (5+6+8+9)/4 = 7
            GraphBuilder b = Graph.builder("t").add(input(1, 3, 3))
                    .add(new AvgPool("p", "x", Window2d.square(2, 1, 0), false, AT));
            assertArrayEquals(new double[] {3, 4, 6, 7}, run(b, "p", 1, 2, 3, 4, 5, 6, 7, 8, 9), EXACT);
        }

        @Test
        void strideLargerThanKernelSkips() {
            // x[r,c] = 5r + c on 5×5, 2×2 window, stride 3: out ⌊(5−2)/3⌋+1 = 2; windows at rows/cols {0,1} and {3,4}.
            // (0+1+5+6)/4 = 3, (3+4+8+9)/4 = 6, (15+16+20+21)/4 = 18, (18+19+23+24)/4 = 21
            GraphBuilder b = Graph.builder("t").add(input(1, 5, 5))
                    .add(new AvgPool("p", "x", Window2d.square(2, 3, 0), false, AT));
            double[] x = new double[25];
            for (int k = 0; k < 25; k++) {
                x[k] = k;
            }
            assertArrayEquals(new double[] {3, 6, 18, 21}, run(b, "p", x), EXACT);
        }

        @Test
        void globalAveragePool() {
            // A 2×3 window over a 2×2×3 input: channel 0 = 1..6 → 21/6 = 3.5; channel 1 = 10..60 → 210/6 = 35
            GraphBuilder b = Graph.builder("t").add(input(2, 2, 3))
                    .add(new AvgPool("p", "x", new Window2d(2, 3, 1, 1, Padding.NONE), false, AT));
            assertArrayEquals(new double[] {3.5, 35},
                    run(b, "p", 1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60), EXACT);
        }
    }

    @Nested
    class MaximumPool {

        @Test
        void paddingNeverWinsOverNegatives() {
            // x = −1 −2 / −3 −4, 2×2 window, stride 1, pad 1. Zero padding would make every border 0; −∞ does not:
            // −1 −1 −2 / −1 −1 −2 / −3 −3 −4
            GraphBuilder b = Graph.builder("t").add(input(1, 2, 2))
                    .add(new MaxPool("p", "x", Window2d.square(2, 1, 1), AT));
            assertArrayEquals(new double[] {-1, -1, -2, -1, -1, -2, -3, -3, -4},
                    run(b, "p", -1, -2, -3, -4), EXACT);
        }

        @Test
        void twoByTwoStrideTwoPerChannel() {
            // Channel 0 = 1 5 / 3 2 → 5; channel 1 = −7 −8 / −6 −9 → −6
            GraphBuilder b = Graph.builder("t").add(input(2, 2, 2))
                    .add(new MaxPool("p", "x", Window2d.square(2, 2, 0), AT));
            assertArrayEquals(new double[] {5, -6}, run(b, "p", 1, 5, 3, 2, -7, -8, -6, -9), EXACT);
        }
    }

    @Test
    void flattenIsCOrder() {
        // x[c,h,w] = 100c + 10h + w on 2×2×2; C order puts (c=1,h=0,w=1) at 1·4 + 0·2 + 1 = 5.
        // A dense row that is one-hot at 5 reads 101.
        double[] oneHot = new double[8];
        oneHot[5] = 1;
        GraphBuilder b = Graph.builder("t").add(input(2, 2, 2))
                .add(new Flatten("f", "x", AT))
                .add(dense("d", "f", 1, false))
                .weight("d.weight", tensor(Shape.of(1, 8), oneHot));
        assertArrayEquals(new double[] {101}, run(b, "d", 0, 1, 10, 11, 100, 101, 110, 111), EXACT);
    }

    @Test
    void addOfThreeOperands() {
        // x = [−1, 2], r = relu(x) = [0, 2], d = dropout(x) = [−1, 2]; x + r + d = [−2, 6]
        GraphBuilder b = Graph.builder("t").add(input(2))
                .add(new Relu("r", "x", AT))
                .add(new Dropout("d", "x", 0.5, AT))
                .add(new Add("s", List.of("x", "r", "d"), AT));
        assertArrayEquals(new double[] {-2, 6}, run(b, "s", -1, 2), EXACT);
    }

    @Test
    void concatOfFeatureMapsStacksChannels() {
        // x = 1 2 / 3 4 (1 channel); c = 1×1 conv with filters [1, −1] gives 2 channels: 1 2 3 4 | −1 −2 −3 −4.
        // concat(c, x) = 3 channels: 1 2 3 4 | −1 −2 −3 −4 | 1 2 3 4
        GraphBuilder b = Graph.builder("t").add(input(1, 2, 2))
                .add(conv("c", "x", 2, Window2d.square(1, 1, 0), 1, false))
                .add(new Concat("cat", List.of("c", "x"), AT))
                .weight("c.weight", tensor(Shape.of(2, 1, 1, 1), 1, -1));
        assertArrayEquals(new double[] {1, 2, 3, 4, -1, -2, -3, -4, 1, 2, 3, 4}, run(b, "cat", 1, 2, 3, 4), EXACT);
    }

    @Test
    void dropoutIsTheIdentity() {
        GraphBuilder b = Graph.builder("t").add(input(3)).add(new Dropout("d", "x", 0.9, AT));
        assertArrayEquals(new double[] {-1, 0, 7}, run(b, "d", -1, 0, 7), EXACT);
    }

    @Nested
    class SoftmaxOutput {

        private GraphBuilder graph(int n) {
            return Graph.builder("t").add(input(n)).add(new Softmax("s", "x", AT));
        }

        @Test
        void ratiosOfExponentials() {
            // exp(0) : exp(ln 3) = 1 : 3, so y = [1/4, 3/4]
            assertArrayEquals(new double[] {0.25, 0.75}, run(graph(2), "s", 0, Math.log(3)), CLOSE);
        }

        @Test
        void largeLogitsDoNotOverflow() {
            // exp(1000) overflows a double; shifted by the maximum these are exp(0) : exp(ln 3) again.
            assertArrayEquals(new double[] {0.25, 0.75}, run(graph(2), "s", 1000, 1000 + Math.log(3)), CLOSE);
            // [−1000, 0, 1000] − 1000 = [−2000, −1000, 0]: the first two underflow to 0, the last is 1.
            assertArrayEquals(new double[] {0, 0, 1}, run(graph(3), "s", -1000, 0, 1000), EXACT);
            assertArrayEquals(new double[] {0.5, 0.5}, run(graph(2), "s", 1e308, 1e308), EXACT);
        }
    }

    @Test
    void residualBranchKeepsEveryActivation() {
        // x = 1 −2 0 / 0 3 0 / −1 0 1; c = conv3×3 pad 1 with only the centre weight 2 and bias −1, so c = 2x − 1:
        //   c = 1 −5 −1 / −1 5 −1 / −3 −1 1;  r = relu(c) = 1 0 0 / 0 5 0 / 0 0 1;  s = x + r = 2 −2 0 / 0 8 0 / −1 0 2
        Graph g = Graph.builder("res").add(input(1, 3, 3))
                .add(conv("c", "x", 1, Window2d.square(3, 1, 1), 1, true))
                .add(new Relu("r", "c", AT))
                .add(new Add("s", List.of("x", "r"), AT))
                .output("s")
                .weight("c.weight", tensor(Shape.of(1, 1, 3, 3), 0, 0, 0, 0, 2, 0, 0, 0, 0))
                .weight("c.bias", tensor(Shape.of(1), -1))
                .build();
        double[] x = {1, -2, 0, 0, 3, 0, -1, 0, 1};
        AnnInterpreter interpreter = new AnnInterpreter(g);
        Activations all = interpreter.evaluateBatchAll(new double[][] {x, x}, 2);
        assertEquals(List.of("x", "c", "r", "s"), all.nodes());
        assertEquals(2, all.imageCount());
        for (int image = 0; image < 2; image++) {
            assertArrayEquals(x, all.values("x", image), EXACT);
            assertArrayEquals(new double[] {1, -5, -1, -1, 5, -1, -3, -1, 1}, all.values("c", image), EXACT);
            assertArrayEquals(new double[] {1, 0, 0, 0, 5, 0, 0, 0, 1}, all.values("r", image), EXACT);
            assertArrayEquals(new double[] {2, -2, 0, 0, 8, 0, -1, 0, 2}, all.outputValues(image), EXACT);
        }
        assertEquals(Shape.of(1, 3, 3), all.shape("r"));
        assertArrayEquals(interpreter.evaluate(x), all.values("s", 1), EXACT);
    }

    @Test
    void keepRetainsOnlyTheAskedNodesAndTheOutput() {
        Graph g = Nets.lenet(1);
        double[][] images = Nets.images(2, 3, 784);
        Activations some = new AnnInterpreter(g).evaluateBatch(images, Set.of("relu1", "fc1"), 1);
        assertEquals(List.of("relu1", "fc1", "probs"), some.nodes());
        assertEquals(Shape.of(6, 24, 24), some.shape("relu1"));
        assertEquals(3 * 6 * 24 * 24, some.allValues("relu1").length);
        assertThrows(IllegalArgumentException.class, () -> some.values("conv1", 0));
    }

    @Test
    void oneAndFourThreadsAreBitIdentical() {
        Graph g = Nets.lenet(3);
        double[][] images = Nets.images(4, 97, 784);
        AnnInterpreter interpreter = new AnnInterpreter(g);
        Activations one = interpreter.evaluateBatchAll(images, 1);
        Activations four = interpreter.evaluateBatchAll(images, 4);
        for (String node : one.nodes()) {
            for (int image = 0; image < images.length; image++) {
                assertArrayEquals(one.values(node, image), four.values(node, image), EXACT, node + " image " + image);
            }
        }
        assertArrayEquals(one.predictions(), four.predictions());
        double[] probs = one.outputValues(0);
        assertEquals(1.0, java.util.Arrays.stream(probs).sum(), 1e-12);
    }

    @Test
    void callerMutationDoesNotReachRetainedValues() {
        double[] x = {1, -2};
        Graph g = Graph.builder("t").add(input(2)).add(new Flatten("f", "x", AT)).output("f").build();
        Activations a = new AnnInterpreter(g).evaluateBatchAll(new double[][] {x}, 1);
        x[0] = 99;
        a.values("f", 0)[1] = 99;
        assertArrayEquals(new double[] {1, -2}, a.values("x", 0), EXACT);
        assertArrayEquals(new double[] {1, -2}, a.values("f", 0), EXACT);
    }

    @Test
    void predictionsAreArgmaxWithTiesToTheLowestClass() {
        Graph g = Graph.builder("t").add(input(3)).add(new Dropout("d", "x", 0, AT)).output("d").build();
        Activations a = new AnnInterpreter(g).evaluateBatch(new double[][] {{1, 3, 3}, {5, 5, 5}, {0, -1, 2}},
                Set.of(), 1);
        assertArrayEquals(new int[] {1, 0, 2}, a.predictions());
    }

    @Test
    void misuseIsAnIllegalArgument() {
        AnnInterpreter interpreter = new AnnInterpreter(Nets.lenet(5));
        assertThrows(IllegalArgumentException.class, () -> interpreter.evaluate(new double[783]));
        IllegalArgumentException wrongImage = assertThrows(IllegalArgumentException.class,
                () -> interpreter.evaluateBatch(new double[][] {new double[784], new double[10]}, Set.of(), 2));
        assertTrue(wrongImage.getMessage().contains("image 1 holds 10 values"), wrongImage.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> interpreter.evaluateBatch(new double[1][784], Set.of("nope"), 1));
        assertThrows(IllegalArgumentException.class, () -> interpreter.evaluateBatch(new double[1][784], Set.of(), 0));
    }

    @Test
    void emptyBatch() {
        Activations none = new AnnInterpreter(Nets.lenet(6)).evaluateBatchAll(new double[0][], 4);
        assertEquals(0, none.imageCount());
        assertEquals(0, none.predictions().length);
    }

    @Test
    void anInvalidGraphIsRejectedWithItsDiagnostics() {
        // The conv names a weight that the graph does not hold.
        Graph g = Graph.builder("t").add(input(1, 2, 2))
                .add(conv("c", "x", 1, Window2d.square(1, 1, 0), 1, false))
                .output("c")
                .build();
        CompilationException e = assertThrows(CompilationException.class, () -> new AnnInterpreter(g));
        assertEquals(DiagnosticCode.NO_WEIGHTS_FILE, e.diagnostics().get(0).code());
    }
}
