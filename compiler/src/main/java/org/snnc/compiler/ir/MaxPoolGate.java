package org.snnc.compiler.ir;

import java.util.List;
import java.util.OptionalDouble;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The spiking form of max pooling: a gate, not a neuron. Each step, every input neuron's rate estimate r is updated
 * with its spike s of this step, and each output passes this step's spike of the input in its window with the highest
 * r (ties go to the first in row-major window order; padding positions never win):
 * <pre>
 *   running count (default):       r[i] ← r[i] + s[i]
 *   exponential moving average:    r[i] ← d·r[i] + (1 − d)·s[i]     with decay d = {@code emaDecay}
 * </pre>
 * Gated spikes that are not passed cost no synaptic operation.
 */
public record MaxPoolGate(String name, String input, Window2d window, OptionalDouble emaDecay, SourceSpan span)
        implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "maxpool_gate";
    }

    @Override
    public MaxPoolGate withInputs(List<String> operands) {
        return new MaxPoolGate(name, Operands.only(operands, name), window, emaDecay, span);
    }
}
