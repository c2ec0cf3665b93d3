package org.snnc.targets.quant;

import java.util.OptionalDouble;
import org.snnc.targets.spec.ChipSpec;

/**
 * The choices of the quantize pass.
 *
 * @param chip           the target whose integer formats the network must fit
 * @param zeroResetRatio R, the threshold-to-input ratio given to populations that reset to zero (a power of two
 *                       ≥ 1; 1 leaves them as converted), or {@link #AUTO_RATIO} for each population's own from the
 *                       calibration images ({@link ThresholdRatios}); populations that reset by subtraction ignore it
 * @param pinnedScale    membrane LSBs per float unit for every population, when the network's own integers are known
 *                       (lava-dl's fixed point is 4096: v in units of 1/4096, weights w·4096): θ = θ_float·s, weights
 *                       w·s and currents b·s, rounded half to even, instead of the precision-maximizing θ; empty
 *                       chooses θ per population
 */
public record QuantizeOptions(ChipSpec chip, int zeroResetRatio, OptionalDouble pinnedScale) {

    /** SNN Toolbox's ratio for Loihi's reset to zero, 2³. */
    public static final int DEFAULT_ZERO_RESET_RATIO = 8;

    /** Each zero-reset population's R chosen from the calibration images. */
    public static final int AUTO_RATIO = 0;

    /** The options choosing θ per population. */
    public QuantizeOptions(ChipSpec chip, int zeroResetRatio) {
        this(chip, zeroResetRatio, OptionalDouble.empty());
    }

    public QuantizeOptions {
        if (pinnedScale.isPresent() && !(pinnedScale.getAsDouble() > 0)) {
            throw new IllegalArgumentException("a pinned scale is positive, got " + pinnedScale.getAsDouble());
        }
        if (zeroResetRatio != AUTO_RATIO && (zeroResetRatio < 1 || Integer.bitCount(zeroResetRatio) != 1)) {
            throw new IllegalArgumentException("the zero-reset ratio must be a power of two ≥ 1, got " + zeroResetRatio);
        }
    }

    /** The options for {@code chip} with the default zero-reset ratio. */
    public static QuantizeOptions of(ChipSpec chip) {
        return new QuantizeOptions(chip, DEFAULT_ZERO_RESET_RATIO);
    }
}
