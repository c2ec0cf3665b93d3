package org.snnc.compiler.passes;

import java.util.OptionalDouble;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;

/**
 * The choices of the conversion passes, one field per option of {@code snnc convert}. The defaults are the paper's and
 * CONVENTIONS.md's: percentile 99.9 per layer, reset by subtraction, running-count gates, analog input and the
 * membrane readout.
 *
 * @param normalize    the options of {@code normalize}
 * @param reset        the reset of every IF population ({@code to-spiking})
 * @param gateEmaDecay the decay of the gates' moving-average estimator; empty for the running count
 * @param encoding     how the input enters the network ({@code analog-input})
 * @param readout      how the class is read ({@code readout})
 * @param seed         the seed of the Poisson input and the Poisson softmax readout
 * @param maxPoolToAvgPool whether the pipeline replaces max pooling by average pooling, for chips without a max-pool
 *                     gate ({@code maxpool-to-avgpool})
 * @param initialMembrane the initial membrane of every population that resets by subtraction, as a fraction of its
 *                     threshold, in [0, 1)
 *                     ({@code initial-membrane}; 0 leaves the pass out)
 * @param biasCalibrationSteps the horizon T of layer-wise bias calibration ({@code calibrate-bias}; 0 leaves the pass
 *                     out)
 * @param foldPoolIntoDense whether the pipeline folds an average pooling that a dense layer reads into that layer
 *                     ({@code fold-pool-into-dense}); off by default, so that every avgpool is a layer of IF
 *                     neurons, as CONVENTIONS.md and the numpy reference have it; on, the dense layer's synapses
 *                     grow by the pool's window
 * @param readoutWindow the steps the readout integrates ({@code readout})
 */
public record ConversionOptions(NormalizeOptions normalize, ResetMode reset, OptionalDouble gateEmaDecay,
        InputEncoding encoding, ReadoutMode readout, long seed, boolean maxPoolToAvgPool, double initialMembrane,
        int biasCalibrationSteps, boolean foldPoolIntoDense, ReadoutWindow readoutWindow) {

    /** The initial membrane of Bu et al. 2022, θ/2. */
    public static final double HALF_THRESHOLD = 0.5;

    /** The paper's conversion (Rueckauer et al. 2017), as CONVENTIONS.md and the numpy reference state it. */
    public static ConversionOptions paper() {
        return new ConversionOptions(NormalizeOptions.DEFAULTS, ResetMode.SUBTRACT, OptionalDouble.empty(),
                InputEncoding.ANALOG, ReadoutMode.MEMBRANE, 0, false, 0, 0, false,
                ReadoutWindow.ALL);
    }

    /** snnc's defaults: the paper's conversion with the latency methods that generalize switched on. */
    public static ConversionOptions defaults() {
        return paper().withInitialMembrane(HALF_THRESHOLD);
    }

    /** The same options with the reset replaced, for targets that implement only one. */
    public ConversionOptions withReset(ResetMode newReset) {
        return new ConversionOptions(normalize, newReset, gateEmaDecay, encoding, readout, seed, maxPoolToAvgPool,
                initialMembrane, biasCalibrationSteps, foldPoolIntoDense, readoutWindow);
    }

    /** The same options with another initial membrane, a fraction of θ. */
    public ConversionOptions withInitialMembrane(double fraction) {
        return new ConversionOptions(normalize, reset, gateEmaDecay, encoding, readout, seed, maxPoolToAvgPool,
                fraction, biasCalibrationSteps, foldPoolIntoDense, readoutWindow);
    }

    /** The same options with another bias calibration horizon, 0 for none. */
    public ConversionOptions withBiasCalibration(int steps) {
        return new ConversionOptions(normalize, reset, gateEmaDecay, encoding, readout, seed, maxPoolToAvgPool,
                initialMembrane, steps, foldPoolIntoDense, readoutWindow);
    }

    /** The same options with {@code fold-pool-into-dense} switched on or off. */
    public ConversionOptions withFoldPoolIntoDense(boolean fold) {
        return new ConversionOptions(normalize, reset, gateEmaDecay, encoding, readout, seed, maxPoolToAvgPool,
                initialMembrane, biasCalibrationSteps, fold, readoutWindow);
    }

    /** The same options with another readout window. */
    public ConversionOptions withReadoutWindow(ReadoutWindow window) {
        return new ConversionOptions(normalize, reset, gateEmaDecay, encoding, readout, seed, maxPoolToAvgPool,
                initialMembrane, biasCalibrationSteps, foldPoolIntoDense, window);
    }
}
