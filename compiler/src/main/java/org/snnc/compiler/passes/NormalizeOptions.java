package org.snnc.compiler.passes;

import java.util.Objects;
import org.snnc.compiler.ir.Spelled;

/**
 * The options of {@link Normalize}.
 *
 * @param percentile  p in (0, 100]: a relu's λ is the p-th percentile of its non-zero activations; 100 is max-norm
 * @param perChannel  whether each channel (axis 0) of a relu gets its own λ, instead of one λ for the layer
 * @param outputScale how λ_out of the output logits is chosen
 */
public record NormalizeOptions(double percentile, boolean perChannel, OutputScale outputScale) {

    /** p = 99.9, one λ per layer, λ_out the 99.9th percentile of the positive logits (SNN Toolbox's defaults). */
    public static final NormalizeOptions DEFAULTS = new NormalizeOptions(99.9, false, OutputScale.PERCENTILE);

    public NormalizeOptions {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("the percentile must lie in (0, 100], got " + percentile);
        }
        Objects.requireNonNull(outputScale, "outputScale");
    }

    /** How the output logits y are scaled. λ_out is always one number: a scale per class would change the argmax. */
    public enum OutputScale implements Spelled {
        /** λ_out is the p-th percentile of the positive values of y, as for a hidden layer (Rueckauer et al. 2017). */
        PERCENTILE,
        /** λ_out is the largest positive value of y, so no output neuron is driven beyond threshold by the data. */
        MAX,
        /** λ_out = 1: the logits keep the scale the ANN gives them. */
        NONE;

        /** The word the command line uses: percentile, max or none. */
        @Override
        public String spelling() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static java.util.Optional<OutputScale> fromSpelling(String word) {
            return Spelled.lookup(OutputScale.class, word);
        }

        @Override
        public String toString() {
            return spelling();
        }
    }
}
