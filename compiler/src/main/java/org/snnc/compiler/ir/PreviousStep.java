package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * A recurrent edge: the spikes that population {@code source} fired in the previous step, 0 in the first. Its value at
 * step t is s_source(t − 1), so a synapse reading it closes a cycle through {@code source} with one step of delay,
 * which is what a chip's route gives every edge. The source may be defined later in the graph (or be the population
 * this value feeds), so it is not an operand: {@link #inputs()} is empty, definition order stays a topological order of
 * the step's own values, and the shape is declared rather than inferred. The verifier checks that the source is an
 * {@code if} population of that shape.
 *
 * @param name   the value's name
 * @param source the population whose previous spikes this value is
 * @param shape  the source's shape
 * @param span   where it was written
 */
public record PreviousStep(String name, String source, Shape shape, SourceSpan span) implements Node {

    @Override
    public List<String> inputs() {
        return List.of();
    }

    @Override
    public String operator() {
        return "previous";
    }

    @Override
    public PreviousStep withInputs(List<String> operands) {
        Operands.none(operands, name);
        return this;
    }
}
