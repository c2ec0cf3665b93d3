package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Concatenation along axis 0 (channels of feature maps, or the single axis of vectors), in operand order; the other
 * axes must agree. ONNX {@code Concat} with axis 1.
 */
public record Concat(String name, List<String> inputs, SourceSpan span) implements Node {

    public Concat {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String operator() {
        return "concat";
    }

    @Override
    public Concat withInputs(List<String> operands) {
        return new Concat(name, operands, span);
    }
}
