package org.snnc.compiler.ir;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;

/**
 * A population of integrate-and-fire neurons, one per element of its operand, which is the synaptic input: the value
 * of the operand's synapse expression on the spikes of the populations it reads. Each step, for every neuron i:
 * <pre>
 *   v[i] ← v[i] + current[i] + input[i]      (no leak, no lower bound; v starts at v0)
 *   s[i] = 1 if v[i] ≥ θ, else 0              (at most one spike per step)
 *   v[i] ← v[i] − θ·s[i]   (reset by subtraction)   or   v[i] ← v[i]·(1 − s[i])   (reset to zero)
 * </pre>
 * The initial membrane v0, in [0, θ), is the same for every neuron of the population: v0 = θ/2 centres the rounding
 * of rate coding (Bu et al. 2022), so a neuron driven at rate r has spiked ⌊r·t + 1/2⌋ times after t steps instead
 * of ⌊r·t⌋, halving the expected quantization error. The optional {@code current} has the population's shape; it is the constant input that the ANN's bias becomes.
 * When the input arrives relative to the threshold is the simulator's schedule (pipelined or sync).
 *
 * <p>With a {@link Decay} (δu, δv) the population is leaky and current-based: the input first enters a synaptic
 * current u (starting at 0, never reset), and
 * <pre>
 *   u[i] ← u[i]·(1 − δu) + input[i]
 *   v[i] ← v[i]·(1 − δv) + u[i] + current[i]
 * </pre>
 * before the same comparison and reset. Without one (δu = 1, δv = 0) it is the update above. Conversion never makes
 * a decay; imported spiking networks (NIR's LIF and CubaLIF) have one.
 *
 * <p>Once quantized, {@code fixed} holds the population's integer arithmetic: θ, the current and the weights of the
 * synapses into it are then integers, and the update follows {@link FixedPoint}, which then holds the decays as
 * integers: {@code decay} is empty.
 */
public record IfNeurons(
        String name,
        String input,
        double threshold,
        ResetMode reset,
        double initialMembrane,
        Optional<ParamRef> current,
        Optional<Decay> decay,
        Optional<FixedPoint> fixed,
        SourceSpan span) implements Node {

    /** The threshold every population gets from conversion: normalization makes the activations' scale 1. */
    public static final double UNIT_THRESHOLD = 1.0;

    public IfNeurons {
        if (!(initialMembrane >= 0 && initialMembrane < threshold)) {
            throw new IllegalArgumentException("the initial membrane of " + name + " must lie in [0, θ = " + threshold
                    + "), not " + initialMembrane);
        }
        if (decay.isPresent() && fixed.isPresent()) {
            throw new IllegalArgumentException("the decays of quantized " + name + " belong in its fixed point");
        }
    }

    /** An integrate-and-fire population without decay. */
    public IfNeurons(String name, String input, double threshold, ResetMode reset, double initialMembrane,
            Optional<ParamRef> current, Optional<FixedPoint> fixed, SourceSpan span) {
        this(name, input, threshold, reset, initialMembrane, current, Optional.empty(), fixed, span);
    }

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
        return new IfNeurons(name, Operands.only(operands, name), threshold, reset, initialMembrane, current, decay,
                fixed, span);
    }

    public IfNeurons withInitialMembrane(double newInitialMembrane) {
        return new IfNeurons(name, input, threshold, reset, newInitialMembrane, current, decay, fixed, span);
    }

    public IfNeurons withCurrent(Optional<ParamRef> newCurrent) {
        return new IfNeurons(name, input, threshold, reset, initialMembrane, newCurrent, decay, fixed, span);
    }

    public IfNeurons withThreshold(double newThreshold, double newInitialMembrane) {
        return new IfNeurons(name, input, newThreshold, reset, newInitialMembrane, current, decay, fixed, span);
    }

    /**
     * The same population with integer parameters: threshold θ, initial membrane v0, and the arithmetic that goes
     * with them, which holds the decays.
     */
    public IfNeurons quantized(long integerThreshold, long integerInitialMembrane, Optional<ParamRef> integerCurrent,
            FixedPoint arithmetic) {
        return new IfNeurons(name, input, integerThreshold, reset, integerInitialMembrane, integerCurrent,
                Optional.empty(), Optional.of(arithmetic), span);
    }
}
