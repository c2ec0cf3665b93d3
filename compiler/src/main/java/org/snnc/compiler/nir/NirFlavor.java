package org.snnc.compiler.nir;

import java.util.Optional;
import java.util.OptionalDouble;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Spelled;

/**
 * Which framework's reading of a NIR IF node the import takes. NIR states an IF neuron as dv/dt = r·x with a spike
 * when v crosses v_threshold and v ← v_reset after it, and leaves the discrete step to the reader; every framework
 * steps it as v ← v + r·x once per step, but they differ in what a spike does to v and in how v is compared with θ.
 * The file does not record the writer's reading, so the import never guesses it: it is given, or read from the
 * metadata entry {@value #METADATA_KEY} of a graph snnc wrote.
 *
 * <p>snnc's populations fire at v ≥ θ, at most once per step, with no lower bound on v. A {@code >} flavor differs
 * from that only in a step where v equals θ exactly; sinabs's several spikes per step (n = ⌊v/θ⌋, v ← v − n·θ) and
 * its floor v ≥ −θ have no counterpart, so a population that reaches 2θ in one step, or is driven below −θ, spikes
 * differently. The import keeps both as warnings instead of refusing.
 *
 * @param reset      what a spike does to v, with v_reset = 0: v ← v − θ or v ← 0
 * @param fire       how v is compared with θ
 * @param multiSpike whether a step fires ⌊v/θ⌋ spikes and v is floored at −θ (sinabs's IAF)
 * @param dt         the step the writer folds into τ, r and w_in, for leaky neurons (NIR stores none)
 * @param fixedPointScale membrane LSBs per NIR unit of the framework's own integer arithmetic, when it has one: the
 *                   scale a chip compile pins ({@code QuantizeOptions.pinnedScale}) to reproduce its integers
 */
public enum NirFlavor implements Spelled {
    /** sinabs's IAF: subtract θ, fire at v ≥ θ, ⌊v/θ⌋ spikes per step, v floored at −θ. */
    SINABS("sinabs", ResetMode.SUBTRACT, FireComparison.GE, true, OptionalDouble.empty(), OptionalDouble.empty()),
    /** Norse's IAFCell: v ← v_reset after a spike, fire at v &gt; θ; dt = 1 ms. */
    NORSE("norse", ResetMode.ZERO, FireComparison.GT, false, OptionalDouble.of(1e-3), OptionalDouble.empty()),
    /** snnTorch's neurons in their default reset mechanism: subtract θ, fire at v &gt; θ; dt = 0.1 ms. */
    SNNTORCH("snntorch", ResetMode.SUBTRACT, FireComparison.GT, false, OptionalDouble.of(1e-4),
            OptionalDouble.empty()),
    /**
     * lava-dl's neurons: v ← 0 after a spike, fire at v &gt; θ; dt = 0.1 ms (nir_to_lava.py); its fixed point holds v
     * in units of 1/4096 of NIR's, the weights on lava-dl's grid then being integers.
     */
    LAVA("lava", ResetMode.ZERO, FireComparison.GT, false, OptionalDouble.of(1e-4),
            OptionalDouble.of(4096)),
    /** NIR's own text: v ← v_reset once v crosses θ, read as v &gt; θ; dt only as the graph proves it. */
    NIR_TEXT("nir-text", ResetMode.ZERO, FireComparison.GT, false, OptionalDouble.empty(), OptionalDouble.empty());

    /** The graph metadata entry that names the flavor of a graph snnc wrote. */
    public static final String METADATA_KEY = "snnc_flavor";

    private final String spelling;
    private final ResetMode reset;
    private final FireComparison fire;
    private final boolean multiSpike;
    private final OptionalDouble dt;
    private final OptionalDouble fixedPointScale;

    NirFlavor(String spelling, ResetMode reset, FireComparison fire, boolean multiSpike, OptionalDouble dt,
            OptionalDouble fixedPointScale) {
        this.spelling = spelling;
        this.reset = reset;
        this.fire = fire;
        this.multiSpike = multiSpike;
        this.dt = dt;
        this.fixedPointScale = fixedPointScale;
    }

    public OptionalDouble dt() {
        return dt;
    }

    public OptionalDouble fixedPointScale() {
        return fixedPointScale;
    }

    public ResetMode reset() {
        return reset;
    }

    public FireComparison fire() {
        return fire;
    }

    public boolean multiSpike() {
        return multiSpike;
    }

    /** How the flavor steps an IF neuron, as a sentence for the import's notes. */
    public String stepRule() {
        return "IF v ← v + r·x each step, " + (multiSpike ? "⌊v/θ⌋ spikes at v ≥ θ" : "a spike at v "
                + (fire == FireComparison.GE ? "≥" : ">") + " θ") + ", then " + (reset == ResetMode.SUBTRACT
                ? "v ← v − θ per spike" : "v ← v_reset = 0") + (multiSpike ? ", and v ≥ −θ" : "");
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<NirFlavor> fromSpelling(String word) {
        return Spelled.lookup(NirFlavor.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
