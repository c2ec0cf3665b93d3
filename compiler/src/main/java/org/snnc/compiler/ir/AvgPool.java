package org.snnc.compiler.ir;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Average pooling per channel: y[c,i,j] = Σ_{(u,v) in window} xpad[c, i·sH+u, j·sW+v] / n, with zero padding. As in
 * ONNX {@code AveragePool}, n is kH·kW when {@code countIncludePad} holds, and otherwise the number of window
 * positions that fall inside the unpadded input. A global average pool is a window the size of the input.
 */
public record AvgPool(String name, String input, Window2d window, boolean countIncludePad, SourceSpan span)
        implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "avgpool";
    }

    @Override
    public AvgPool withInputs(List<String> operands) {
        return new AvgPool(name, Operands.only(operands, name), window, countIncludePad, span);
    }
}
