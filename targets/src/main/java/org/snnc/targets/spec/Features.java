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
 * @param cubaDecay     whether neurons can be Loihi's CUBA compartment: a synaptic current u and the membrane v
 *                      each decaying by a 12-bit fraction per step ({@link org.snnc.compiler.ir.FixedPoint});
 *                      {@code cuba_decay}, false when absent
 */
public record Features(boolean maxPoolGate, OptionalInt layersPerCore, boolean splitLayers, boolean earlyExit,
        Optional<ConvLimits> convLimits, boolean cubaDecay) {

    /** The features of a chip without decaying neurons. */
    public Features(boolean maxPoolGate, OptionalInt layersPerCore, boolean splitLayers, boolean earlyExit,
            Optional<ConvLimits> convLimits) {
        this(maxPoolGate, layersPerCore, splitLayers, earlyExit, convLimits, false);
    }

    /** The features of a chip without early exit or decaying neurons. */
    public Features(boolean maxPoolGate, OptionalInt layersPerCore, boolean splitLayers,
            Optional<ConvLimits> convLimits) {
        this(maxPoolGate, layersPerCore, splitLayers, false, convLimits);
    }
}
