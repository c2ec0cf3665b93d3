package org.snnc.compiler.ir;

import java.util.Optional;

/** How a class is read from the output population; ties always go to the lowest class. */
public enum ReadoutMode implements Spelled {
    /** argmax of the total integrated input, spikes·θ + v (Rueckauer et al. 2017; the default). */
    MEMBRANE("membrane"),
    /** argmax of the output spike counts. */
    SPIKE_COUNT("spikecount"),
    /**
     * The paper's spiking softmax: each step, p = softmax of the output's total integrated input divided by t;
     * neuron k spikes with probability p[k] from a seeded generator; the class is the argmax of those spike counts.
     */
    POISSON_SOFTMAX("softmax");

    private final String spelling;

    ReadoutMode(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<ReadoutMode> fromSpelling(String word) {
        return Spelled.lookup(ReadoutMode.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
