package org.snnc.targets.net;

import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;

/**
 * A shared kernel plus geometry: target neuron (f, i, j) receives Σ_c Σ_u Σ_v K[f, c, u, v]·s[g·C/G + c, i·sH + u − pT,
 * j·sW + v − pL] (source elements outside the input contribute nothing), with g = ⌊f·G/F⌋.
 *
 * @param inputShape  the source's [C, H, W]
 * @param outputShape the target's [F, H', W']
 * @param groups      G
 * @param window      kernel, stride and padding
 * @param mantissas   K as [F, C/G, kH, kW]
 * @param exponent    the shift of every mantissa
 */
public record ConvSynapse(Shape inputShape, Shape outputShape, int groups, Window2d window, int[] mantissas,
        int exponent) implements Synapse {

    public int filters() {
        return outputShape.dim(0);
    }

    public int channelsPerGroup() {
        return inputShape.dim(0) / groups;
    }
}
