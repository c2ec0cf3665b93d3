package org.snnc.targets.quant;

import org.snnc.targets.spec.ChipSpec;

/**
 * The choices of the quantize pass.
 *
 * @param chip           the target whose integer formats the network must fit
 * @param zeroResetRatio R, the threshold-to-input ratio given to populations that reset to zero (a power of two
 *                       ≥ 1; 1 leaves them as converted), or {@link #AUTO_RATIO} for each population's own from the
 *                       calibration images ({@link ThresholdRatios}); populations that reset by subtraction ignore it
 */
public record QuantizeOptions(ChipSpec chip, int zeroResetRatio) {

    /** SNN Toolbox's ratio for Loihi's reset to zero, 2³. */
    public static final int DEFAULT_ZERO_RESET_RATIO = 8;

    /** Each zero-reset population's R chosen from the calibration images. */
    public static final int AUTO_RATIO = 0;

    public QuantizeOptions {
        if (zeroResetRatio != AUTO_RATIO && (zeroResetRatio < 1 || Integer.bitCount(zeroResetRatio) != 1)) {
            throw new IllegalArgumentException("the zero-reset ratio must be a power of two ≥ 1, got " + zeroResetRatio);
        }
    }

    /** The options for {@code chip} with the default zero-reset ratio. */
    public static QuantizeOptions of(ChipSpec chip) {
        return new QuantizeOptions(chip, DEFAULT_ZERO_RESET_RATIO);
    }
}
