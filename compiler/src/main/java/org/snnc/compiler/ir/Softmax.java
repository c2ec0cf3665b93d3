package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The network's output probabilities over a rank-1 input: y[k] = exp(x[k] − m) / Σ_j exp(x[j] − m), m = max_j x[j].
 * Allowed only as the output; a spiking network reads its class from the membrane instead.
 */
public record Softmax(String name, String input, SourceSpan span) implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "softmax";
    }

    @Override
    public Softmax withInputs(List<String> operands) {
        return new Softmax(name, Operands.only(operands, name), span);
    }
}
