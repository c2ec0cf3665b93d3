package org.snnc.targets.spec;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a chip can do beyond integrate-and-fire over conv and dense synapses.
 *
 * @param maxPoolGate   whether cores have a max-pool gate unit on their output
 * @param layersPerCore how many layers one core may hold, when limited (Speck: 1)
 * @param splitLayers   whether one layer may be cut over several cores
 * @param earlyExit     whether the host reading the chip's readout can stop an image once its readout settles
 *                      (docs/configuration.md, "Early exit"); {@code early_exit}, false when absent
 * @param convLimits    per-layer geometry limits, when the chip has them
 */
public record Features(boolean maxPoolGate, OptionalInt layersPerCore, boolean splitLayers, boolean earlyExit,
        Optional<ConvLimits> convLimits) {

    /** The features of a chip without early exit. */
    public Features(boolean maxPoolGate, OptionalInt layersPerCore, boolean splitLayers,
            Optional<ConvLimits> convLimits) {
        this(maxPoolGate, layersPerCore, splitLayers, false, convLimits);
    }
}
