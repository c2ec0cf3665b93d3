package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/** Element-wise sum of two or more values of one shape: y = Σ_k x_k (a residual join). */
public record Add(String name, List<String> inputs, SourceSpan span) implements Node {

    public Add {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String operator() {
        return "add";
    }

    @Override
    public Add withInputs(List<String> operands) {
        return new Add(name, operands, span);
    }
}
