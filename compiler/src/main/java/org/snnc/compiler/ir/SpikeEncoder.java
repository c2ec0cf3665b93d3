package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Turns the network input into what the first synapses read each step. With {@link InputEncoding#ANALOG} the value
 * is x itself, every step, so the first population receives W·x + b as a constant current and the pixels never
 * spike. With {@link InputEncoding#POISSON} element i spikes with probability clamp(x[i], 0, 1), drawn from a
 * generator seeded with {@code seed} and the image's index, so results do not depend on threads. With
 * {@link InputEncoding#SEQUENCE} the input is a sequence of frames, and step t delivers frame t's nonzero values as
 * events (the input of an imported spiking network, such as a NIR graph).
 */
public record SpikeEncoder(String name, String input, InputEncoding encoding, long seed, SourceSpan span)
        implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "encode";
    }

    @Override
    public SpikeEncoder withInputs(List<String> operands) {
        return new SpikeEncoder(name, Operands.only(operands, name), encoding, seed, span);
    }
}
