package org.snnc.compiler.ir;

import java.util.Optional;

/** How the network input enters a spiking network. */
public enum InputEncoding implements Spelled {
    /** The scaled input x itself each step: the first weighted layer receives W·x as a constant current. */
    ANALOG("analog"),
    /** Each element spikes each step with probability clamp(x, 0, 1), from a seeded generator. */
    POISSON("poisson"),
    /**
     * The input is a sequence of frames, x[t] for t = 0 … T_x − 1, as a spiking network trained on event data takes
     * it (a NIR graph's Input): at step t element k delivers one event of value x[t][k] through the first synapses,
     * a spike when the value is 1 and several when it is an integer count; after the last frame the input is silent.
     * Data sets hold such inputs with a time axis after the sample axis: x has shape [N, T_x, ...input shape].
     * Frame t − 1's events reach the populations reading the input in step t (from 1) itself, in either schedule, as
     * the analog current does, while a population's spikes reach the next population one step later in the pipelined
     * schedule; so the first layer integrates x[t − 1] in step t, and each layer after it adds one step. The events
     * never sit in a population's pending input, so a membrane readout after step t does not see frame t yet
     * (docs/configuration.md, "Sequence input").
     */
    SEQUENCE("sequence");

    private final String spelling;

    InputEncoding(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<InputEncoding> fromSpelling(String word) {
        return Spelled.lookup(InputEncoding.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
