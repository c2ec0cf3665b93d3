package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Rectification, element by element: y = min(max(0, x), ceiling), the ceiling +∞ for a plain ReLU and m for ONNX's
 * {@code Clip(0, m)} (ReLU6 has m = 6).
 *
 * <p>A clipped relu's activations never exceed m, so data-based normalization gives it λ ≤ m, and its spiking neuron,
 * whose rate saturates at 1 ≙ λ, clips where the ANN does when λ = m (when more of the calibration activations than the
 * percentile leaves out sit at the ceiling) and below it otherwise, as every normalized relu is clipped at its λ.
 */
public record Relu(String name, String input, double ceiling, SourceSpan span) implements Node {

    public Relu {
        if (!(ceiling > 0)) {
            throw new IllegalArgumentException("relu '" + name + "': ceiling " + ceiling + " is not positive");
        }
    }

    /** A plain ReLU: y = max(0, x). */
    public Relu(String name, String input, SourceSpan span) {
        this(name, input, Double.POSITIVE_INFINITY, span);
    }

    /** Whether the relu clips at a finite ceiling. */
    public boolean clipped() {
        return ceiling != Double.POSITIVE_INFINITY;
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "relu";
    }

    @Override
    public Relu withInputs(List<String> operands) {
        return new Relu(name, Operands.only(operands, name), ceiling, span);
    }
}
