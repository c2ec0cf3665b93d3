package org.snnc.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/** The per-channel views and their folds, by hand: each expected value is the maths of AffineView's Javadoc. */
class AffineViewTest {

    /** (x − μ)/σ: s = 1/σ, t = −μ/σ per channel. */
    @Test
    void normalizationIsScaleAndShift() {
        AffineView v = AffineView.identity("x", 2)
                .apply(AffineView.Arithmetic.SUB, new double[] {1, 2}, false)
                .apply(AffineView.Arithmetic.DIV, new double[] {2, 4}, false);
        assertArrayEquals(new double[] {0.5, 0.25}, v.scale());
        assertArrayEquals(new double[] {-0.5, -0.5}, v.shift());
    }

    /** c − v negates the scale: 3 − (2x + 1) = −2x + 2. */
    @Test
    void constantMinusViewNegates() {
        AffineView v = AffineView.identity("x", 1)
                .apply(AffineView.Arithmetic.MUL, new double[] {2}, false)
                .apply(AffineView.Arithmetic.ADD, new double[] {1}, true)
                .apply(AffineView.Arithmetic.SUB, new double[] {3}, true);
        assertArrayEquals(new double[] {-2}, v.scale());
        assertArrayEquals(new double[] {2}, v.shift());
    }

    /**
     * A 1×1 conv with W = [[3, 5]] reading the view [2·x1 + 1, x0 − 1] (channels swapped): W′ = [[5, 6]] (x0 gets
     * 5·1, x1 gets 3·2) and b′ = 10 + 3·1 + 5·(−1) = 8.
     */
    @Test
    void convFoldRemapsChannelsAndMovesTheShiftIntoTheBias() {
        AffineView swapped = AffineView.identity("x", 2).gather(new int[] {1, 0}, false)
                .apply(AffineView.Arithmetic.MUL, new double[] {2, 1}, false)
                .apply(AffineView.Arithmetic.ADD, new double[] {1, -1}, false);
        AffineView.Folded f = swapped.foldIntoConv(Tensor.of(Shape.of(1, 2, 1, 1), new double[] {3, 5}),
                new double[] {10}, 1);
        assertArrayEquals(new double[] {5, 6}, f.weight().toArray());
        assertArrayEquals(new double[] {8}, f.bias());
    }

    /** Flattening a 2-channel view of 2 positions repeats each channel's s and t over its positions. */
    @Test
    void flattenedViewFoldsIntoADense() {
        AffineView v = AffineView.identity("x", 2).apply(AffineView.Arithmetic.MUL, new double[] {2, 3}, false)
                .apply(AffineView.Arithmetic.ADD, new double[] {1}, false).flattened("flat", 2);
        AffineView.Folded f = v.foldIntoDense(Tensor.of(Shape.of(1, 4), new double[] {1, 1, 1, 1}), null);
        assertArrayEquals(new double[] {2, 2, 3, 3}, f.weight().toArray());
        assertArrayEquals(new double[] {4}, f.bias());
    }
}
