package org.snnc.compiler.nir;

import java.util.Optional;
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
 */
public enum NirFlavor implements Spelled {
    /** sinabs's IAF: subtract θ, fire at v ≥ θ, ⌊v/θ⌋ spikes per step, v floored at −θ. */
    SINABS("sinabs", ResetMode.SUBTRACT, FireComparison.GE, true),
    /** Norse's IAFCell: v ← v_reset after a spike, fire at v &gt; θ. */
    NORSE("norse", ResetMode.ZERO, FireComparison.GT, false),
    /** snnTorch's neurons in their default reset mechanism: subtract θ, fire at v &gt; θ. */
    SNNTORCH("snntorch", ResetMode.SUBTRACT, FireComparison.GT, false),
    /** lava-dl's neurons: v ← 0 after a spike, fire at v &gt; θ. */
    LAVA("lava", ResetMode.ZERO, FireComparison.GT, false),
    /** NIR's own text: v ← v_reset once v crosses θ, read as v &gt; θ. */
    NIR_TEXT("nir-text", ResetMode.ZERO, FireComparison.GT, false);

    /** The graph metadata entry that names the flavor of a graph snnc wrote. */
    public static final String METADATA_KEY = "snnc_flavor";

    private final String spelling;
    private final ResetMode reset;
    private final FireComparison fire;
    private final boolean multiSpike;

    NirFlavor(String spelling, ResetMode reset, FireComparison fire, boolean multiSpike) {
        this.spelling = spelling;
        this.reset = reset;
        this.fire = fire;
        this.multiSpike = multiSpike;
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
