package org.snnc.compiler.ir;

import java.util.Optional;

/**
 * The steps a readout's scores integrate. With S(t) the score after step t (θ·n + v of each class for the membrane
 * readout, n for spike counts) and S(0) its value before the first step, the class at step t is the argmax of
 * S(t) − S(s) with s = 0 ({@link #ALL}) or s = ⌊t/2⌋ ({@link #HALF}). The later half forgets the start-up transient: the
 * spikes a neuron fires before the inhibition that should have held it back has come through the network's hops,
 * which no later input takes back (docs/residual-convergence.md).
 */
public enum ReadoutWindow implements Spelled {
    /** Everything since the first step: Rueckauer et al. 2017's readout (the default). */
    ALL("all"),
    /** The later half of the steps so far, (⌊t/2⌋, t]. */
    HALF("half");

    private final String spelling;

    ReadoutWindow(String spelling) {
        this.spelling = spelling;
    }

    /** s, the step whose score step t's is taken relative to. */
    public int start(int t) {
        return this == HALF ? t / 2 : 0;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<ReadoutWindow> fromSpelling(String word) {
        return Spelled.lookup(ReadoutWindow.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
