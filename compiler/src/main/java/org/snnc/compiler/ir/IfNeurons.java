package org.snnc.compiler.ir;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;

/**
 * A population of integrate-and-fire neurons, one per element of its operand, which is the synaptic input: the value
 * of the operand's synapse expression on the spikes of the populations it reads. Each step, for every neuron i:
 * <pre>
 *   v[i] ← v[i] + current[i] + input[i]      (no leak, no lower bound; v starts at 0)
 *   s[i] = 1 if v[i] ≥ θ, else 0              (at most one spike per step)
 *   v[i] ← v[i] − θ·s[i]   (reset by subtraction)   or   v[i] ← v[i]·(1 − s[i])   (reset to zero)
 * </pre>
 * The optional {@code current} has the population's shape; it is the constant input that the ANN's bias becomes.
 * When the input arrives relative to the threshold is the simulator's schedule (pipelined or sync).
 *
 * <p>Once quantized, {@code fixed} holds the population's integer arithmetic: θ, the current and the weights of the
 * synapses into it are then integers, and the update follows {@link FixedPoint}.
 */
public record IfNeurons(
        String name,
        String input,
        double threshold,
        ResetMode reset,
        Optional<ParamRef> current,
        Optional<FixedPoint> fixed,
        SourceSpan span) implements Node {

    /** The threshold every population gets from conversion: normalization makes the activations' scale 1. */
    public static final double UNIT_THRESHOLD = 1.0;

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "if";
    }

    @Override
    public Map<String, ParamRef> parameters() {
        return current.map(c -> Map.of("current", c)).orElse(Map.of());
    }

    @Override
    public IfNeurons withInputs(List<String> operands) {
        return new IfNeurons(name, Operands.only(operands, name), threshold, reset, current, fixed, span);
    }

    public IfNeurons withCurrent(Optional<ParamRef> newCurrent) {
        return new IfNeurons(name, input, threshold, reset, newCurrent, fixed, span);
    }

    /** The same population with integer parameters: threshold θ, and the arithmetic that goes with it. */
    public IfNeurons quantized(long integerThreshold, Optional<ParamRef> integerCurrent, FixedPoint arithmetic) {
        return new IfNeurons(name, input, integerThreshold, reset, integerCurrent, Optional.of(arithmetic), span);
    }
}
