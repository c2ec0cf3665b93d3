package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/** Reshapes {@code [C,H,W]} to {@code [C·H·W]} in C order (as ONNX {@code Flatten} with axis 1); data is unchanged. */
public record Flatten(String name, String input, SourceSpan span) implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "flatten";
    }

    @Override
    public Flatten withInputs(List<String> operands) {
        return new Flatten(name, Operands.only(operands, name), span);
    }
}
