package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/** Dropout at inference: y = x. The training rate is kept only so that the model prints back as written. */
public record Dropout(String name, String input, double rate, SourceSpan span) implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "dropout";
    }

    @Override
    public Dropout withInputs(List<String> operands) {
        return new Dropout(name, Operands.only(operands, name), rate, span);
    }
}
