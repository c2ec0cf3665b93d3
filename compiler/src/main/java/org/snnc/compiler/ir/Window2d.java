package org.snnc.compiler.ir;

/**
 * A sliding window over the two spatial axes, shared by convolution and pooling. For input height H the output height
 * is ⌊(H + top + bottom − kernelH) / strideH⌋ + 1 (floor mode, as ONNX's default {@code ceil_mode = 0}); width alike.
 */
public record Window2d(int kernelH, int kernelW, int strideH, int strideW, Padding padding) {

    public Window2d {
        if (kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("kernel and stride are positive");
        }
    }

    public static Window2d square(int kernel, int stride, int pad) {
        return new Window2d(kernel, kernel, stride, stride, Padding.symmetric(pad, pad));
    }

    /** The output height for input height {@code h}, or a non-positive number if the window does not fit. */
    public int outputHeight(int h) {
        return Math.floorDiv(h + padding.top() + padding.bottom() - kernelH, strideH) + 1;
    }

    /** The output width for input width {@code w}, or a non-positive number if the window does not fit. */
    public int outputWidth(int w) {
        return Math.floorDiv(w + padding.left() + padding.right() - kernelW, strideW) + 1;
    }
}
