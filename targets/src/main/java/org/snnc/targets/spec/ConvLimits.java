package org.snnc.targets.spec;

import java.util.List;

/**
 * Geometry limits of a layer on a chip whose cores are convolution engines (Speck). A dense layer counts as a conv
 * whose kernel is its whole input.
 *
 * @param maxKernel     the largest kernel side (kernels must be square)
 * @param strides       the allowed strides
 * @param maxPadding    the largest padding on any side
 * @param maxChannels   the most input or output channels
 * @param maxInputSize  the largest input height or width
 * @param maxOutputSize the largest output height or width
 */
public record ConvLimits(int maxKernel, List<Integer> strides, int maxPadding, int maxChannels, int maxInputSize,
        int maxOutputSize) {

    public ConvLimits {
        strides = List.copyOf(strides);
    }
}
