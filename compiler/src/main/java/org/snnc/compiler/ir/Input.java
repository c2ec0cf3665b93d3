package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The network input. Raw data of element type {@code dtype} and shape {@code shape} enters the network as
 * {@code x = raw · scale}; the first weighted layer later receives x as a constant (analog) current.
 */
public record Input(String name, DType dtype, Shape shape, Scale scale, SourceSpan span) implements Node {

    @Override
    public List<String> inputs() {
        return List.of();
    }

    @Override
    public String operator() {
        return "input";
    }

    @Override
    public Input withInputs(List<String> operands) {
        Operands.none(operands, name);
        return this;
    }
}
