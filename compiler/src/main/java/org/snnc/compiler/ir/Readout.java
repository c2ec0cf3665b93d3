package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The class decision of a spiking network, read from its output population by {@link ReadoutMode}; it is the
 * network's output, and its value is one score per class, integrated over its {@link ReadoutWindow}. Each neuron of
 * the population is a class, in C order, whatever the population's shape. {@code seed}
 * drives the Poisson softmax only.
 */
public record Readout(String name, String input, ReadoutMode mode, ReadoutWindow window, long seed, SourceSpan span)
        implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "readout";
    }

    @Override
    public Readout withInputs(List<String> operands) {
        return new Readout(name, Operands.only(operands, name), mode, window, seed, span);
    }
}
