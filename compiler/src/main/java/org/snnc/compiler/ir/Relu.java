package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/** Rectification, element by element: y = max(0, x). */
public record Relu(String name, String input, SourceSpan span) implements Node {

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
        return new Relu(name, Operands.only(operands, name), span);
    }
}
