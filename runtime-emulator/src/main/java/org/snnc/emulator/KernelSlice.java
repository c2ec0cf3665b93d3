package org.snnc.emulator;

import org.snnc.emulator.config.Configuration.Kernel;

/**
 * The weights of a convolution's filters [from, to), all of one group, stored once for every core whose targets at
 * some output position are exactly those filters, transposed so that a row of such targets reads consecutive weights.
 *
 * <p>With C input channels, F filters, G groups, C_g = C/G, F_g = F/G and a kh×kw kernel K[f, c', u, v] (mantissas
 * in [F, C_g, kh, kw] order), target neuron (f, i, j) receives K[f, c − g·C_g, u, v]·2^e from source element
 * (c, i·sh + u − top, j·sw + v − left), g = ⌊f / F_g⌋ the group of both f and c. For the filters [from, to) of group
 * g, width W = to − from, the slice is T[((c − g·C_g)·kh + u)·kw + v')·W + f − from] = K[f, c − g·C_g, u, kw − 1 − v']·2^e.
 * The tap index v' = kw − 1 − v runs against v: where a core holds the same filters [from, to) at consecutive output
 * positions of a row (stored one after another, channel-last), a source element's weights to them at stride 1 are
 * one contiguous stretch of T. The slices of a convolution whose cores hold whole channel ranges partition its
 * kernel, so together they are its size C_g·kh·kw·F.
 */
final class KernelSlice {
    final Kernel geometry;
    final int from;
    final int to;
    final int group;
    final int channelsPerGroup;
    final int kernelHeight;
    final int kernelWidth;
    final long[] transposed;

    /** The slice of {@code geometry}'s filters [from, to), which must lie in one group. */
    KernelSlice(Kernel geometry, int from, int to) {
        this.geometry = geometry;
        this.from = from;
        this.to = to;
        int filtersPerGroup = geometry.outputShape()[0] / geometry.groups();
        this.group = from / filtersPerGroup;
        this.channelsPerGroup = geometry.inputShape()[0] / geometry.groups();
        this.kernelHeight = geometry.kernel()[0];
        this.kernelWidth = geometry.kernel()[1];
        this.transposed = new long[channelsPerGroup * kernelHeight * kernelWidth * (to - from)];
        long[] mantissas = geometry.mantissas();
        for (int f = from; f < to; f++) {
            for (int c = 0; c < channelsPerGroup; c++) {
                for (int u = 0; u < kernelHeight; u++) {
                    for (int v = 0; v < kernelWidth; v++) {
                        long mantissa = mantissas[((f * channelsPerGroup + c) * kernelHeight + u) * kernelWidth + v];
                        transposed[offset(group * channelsPerGroup + c, u, kernelWidth - 1 - v, f)] =
                                mantissa << geometry.exponent();
                    }
                }
            }
        }
    }

    /** Where T holds input channel c's weight at tap (u, v' = kw − 1 − v) to filter f. */
    int offset(int channel, int u, int reversedV, int filter) {
        return (((channel - group * channelsPerGroup) * kernelHeight + u) * kernelWidth + reversedV) * (to - from)
                + filter - from;
    }
}
