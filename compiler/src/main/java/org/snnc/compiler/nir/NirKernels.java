package org.snnc.compiler.nir;

import java.util.Arrays;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * The weight arithmetic of {@link NirImporter}: the kernels it writes for NIR's weighted layers. A pooling whose
 * windows tile its input, read by a convolution, is folded into the convolution's kernel; a factor carried along the
 * graph (SumPool2d's window area, a uniform Scale) is multiplied into the weights; a grouped convolution that
 * {@link NirExporter} wrote ungrouped is grouped again.
 */
final class NirKernels {

    private NirKernels() {
    }

    /**
     * The grouped weight [F, C/G, kH, kW] of the ungrouped [F, C, kH, kW] that {@link NirExporter} writes for a conv
     * of G groups: filter f keeps its taps on channels g·C/G … (g+1)·C/G − 1, g = ⌊f·G/F⌋ (its other taps are 0).
     */
    static Tensor grouped(Tensor weight, int groups) {
        int[] dims = weight.shape().toArray();
        int groupChannels = dims[1] / groups;
        int taps = dims[2] * dims[3];
        double[] kept = new double[dims[0] * groupChannels * taps];
        for (int f = 0; f < dims[0]; f++) {
            int first = f * groups / dims[0] * groupChannels;
            System.arraycopy(weight.backingArray(), (f * dims[1] + first) * taps, kept, f * groupChannels * taps,
                    groupChannels * taps);
        }
        return Tensor.wrap(Shape.of(dims[0], groupChannels, dims[2], dims[3]), kept);
    }

    /**
     * Whether the windows of {@code pool} tile its input of shape [C, H, W]: kernel = stride, no padding, and every
     * row and column in exactly one window. A convolution of kernel k, stride s and padding p on the pooled value is
     * then one convolution on the pool's input: kernel (k − 1)·S + K, stride s·S, padding p·S (K the pool's kernel,
     * S its stride), as {@link #throughPool(Window2d, Window2d)} and {@link #throughPool(Tensor, Window2d, double)}
     * build it.
     */
    static boolean tiles(Window2d pool, Shape input) {
        return pool.kernelH() == pool.strideH() && pool.kernelW() == pool.strideW()
                && pool.padding().equals(Padding.NONE) && input.dim(1) % pool.strideH() == 0
                && input.dim(2) % pool.strideW() == 0;
    }

    /** The window of a convolution {@code conv} on the output of the tiling {@code pool}, on the pool's input. */
    static Window2d throughPool(Window2d conv, Window2d pool) {
        int sH = pool.strideH();
        int sW = pool.strideW();
        Padding p = conv.padding();
        return new Window2d((conv.kernelH() - 1) * sH + pool.kernelH(), (conv.kernelW() - 1) * sW + pool.kernelW(),
                conv.strideH() * sH, conv.strideW() * sW,
                new Padding(p.top() * sH, p.left() * sW, p.bottom() * sH, p.right() * sW));
    }

    /**
     * The kernel of a convolution on the output of the tiling {@code pool} (the mean of each window, times
     * {@code gain}), on the pool's input: K'[f, c, S·u + a, S·v + b] = K[f, c, u, v]·gain / (K_H·K_W) for every
     * position (a, b) of the pool's window.
     */
    static Tensor throughPool(Tensor kernel, Window2d pool, double gain) {
        int[] k = kernel.shape().toArray();
        int height = (k[2] - 1) * pool.strideH() + pool.kernelH();
        int width = (k[3] - 1) * pool.strideW() + pool.kernelW();
        double tap = gain / (pool.kernelH() * pool.kernelW());
        double[] composed = new double[k[0] * k[1] * height * width];
        for (int fc = 0; fc < k[0] * k[1]; fc++) {
            for (int u = 0; u < k[2]; u++) {
                for (int v = 0; v < k[3]; v++) {
                    double weight = kernel.get((fc * k[2] + u) * k[3] + v) * tap;
                    for (int a = 0; a < pool.kernelH(); a++) {
                        for (int b = 0; b < pool.kernelW(); b++) {
                            int row = u * pool.strideH() + a;
                            int col = v * pool.strideW() + b;
                            composed[(fc * height + row) * width + col] = weight;
                        }
                    }
                }
            }
        }
        return Tensor.wrap(Shape.of(k[0], k[1], height, width), composed);
    }

    /** {@code weight} times {@code gain}, the factor its input still carries; {@code weight} itself when it is 1. */
    static Tensor times(Tensor weight, double gain) {
        if (gain == 1) {
            return weight;
        }
        double[] scaled = weight.toArray();
        Arrays.setAll(scaled, i -> scaled[i] * gain);
        return Tensor.wrap(weight.shape(), scaled);
    }
}
