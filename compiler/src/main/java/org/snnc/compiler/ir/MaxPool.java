package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Max pooling per channel: y[c,i,j] = max_{(u,v) in window} xpad[c, i·sH+u, j·sW+v], where padding never wins
 * (it is −∞, as in ONNX {@code MaxPool}).
 */
public record MaxPool(String name, String input, Window2d window, SourceSpan span) implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "maxpool";
    }

    @Override
    public MaxPool withInputs(List<String> operands) {
        return new MaxPool(name, Operands.only(operands, name), window, span);
    }
}
