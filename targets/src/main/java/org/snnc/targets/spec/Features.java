package org.snnc.targets.spec;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a chip can do beyond integrate-and-fire over conv and dense synapses.
 *
 * @param maxPoolGate   whether cores have a max-pool gate unit on their output
 * @param layersPerCore how many layers one core may hold, when limited (Speck: 1)
 * @param splitLayers   whether one layer may be cut over several cores
 * @param convLimits    per-layer geometry limits, when the chip has them
 */
public record Features(boolean maxPoolGate, OptionalInt layersPerCore, boolean splitLayers,
        Optional<ConvLimits> convLimits) {
}
