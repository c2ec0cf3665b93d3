package org.snnc.emulator;

import org.snnc.emulator.config.Configuration.Kernel;

/**
 * The weights of a list of a convolution's filters, all of one group, stored once for every core that holds exactly
 * those filters at some output position, transposed so that a row of such positions reads consecutive weights.
 *
 * <p>With C input channels, F filters, G groups, C_g = C/G, F_g = F/G and a kh×kw kernel K[f, c', u, v] (mantissas
 * in [F, C_g, kh, kw] order), target neuron (f, i, j) receives K[f, c − g·C_g, u, v]·2^e from source element
 * (c, i·sh + u − top, j·sw + v − left), g = ⌊f / F_g⌋ the group of both f and c. For filters f_0 < … < f_{W−1} of
 * group g, the slice is T[(((c − g·C_g)·kh + u)·kw + v')·W + r] = K[f_r, c − g·C_g, u, kw − 1 − v']·2^e. A core stores
 * a position's filters channel-last, so they are consecutive neurons taking T[… + 0 .. W) from one input element and
 * tap. The tap index v' = kw − 1 − v runs against v: where the core holds the same filters at consecutive positions
 * of a row, stride 1, the weights to all of them are one contiguous stretch of T. Where the cores' filter lists
 * partition the filters (a layer cut into channel ranges, or any cut the same at every position), the slices
 * partition the kernel: together they are its size, F·C_g·kh·kw.
 */
final class KernelSlice {
    final Kernel geometry;
    final int[] filters;
    final int group;
    final int channelsPerGroup;
    final int kernelHeight;
    final int kernelWidth;
    final long[] transposed;

    /** The slice of {@code geometry}'s {@code filters}, ascending and of one group. */
    KernelSlice(Kernel geometry, int[] filters) {
        this.geometry = geometry;
        this.filters = filters;
        this.group = filters[0] / (geometry.outputShape()[0] / geometry.groups());
        this.channelsPerGroup = geometry.inputShape()[0] / geometry.groups();
        this.kernelHeight = geometry.kernel()[0];
        this.kernelWidth = geometry.kernel()[1];
        this.transposed = new long[channelsPerGroup * kernelHeight * kernelWidth * filters.length];
        long[] mantissas = geometry.mantissas();
        for (int rank = 0; rank < filters.length; rank++) {
            for (int c = 0; c < channelsPerGroup; c++) {
                for (int u = 0; u < kernelHeight; u++) {
                    for (int v = 0; v < kernelWidth; v++) {
                        int at = ((filters[rank] * channelsPerGroup + c) * kernelHeight + u) * kernelWidth + v;
                        transposed[offset(group * channelsPerGroup + c, u, kernelWidth - 1 - v, rank)] =
                                mantissas[at] << geometry.exponent();
                    }
                }
            }
        }
    }

    /** Where T holds input channel c's weight at tap (u, v' = kw − 1 − v) to the slice's filter of rank r. */
    int offset(int channel, int u, int reversedV, int rank) {
        return (((channel - group * channelsPerGroup) * kernelHeight + u) * kernelWidth + reversedV) * filters.length
                + rank;
    }
}
