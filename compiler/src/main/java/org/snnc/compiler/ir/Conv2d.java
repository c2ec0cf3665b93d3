package org.snnc.compiler.ir;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Grouped 2-D cross-correlation, as ONNX {@code Conv} with dilation 1. With G groups, C input channels and F filters,
 * output channel f reads input channels g·C/G … (g+1)·C/G − 1 where g = ⌊f·G/F⌋:
 * y[f,i,j] = b[f] + Σ_c Σ_u Σ_v W[f,c,u,v] · xpad[g·C/G + c, i·sH + u, j·sW + v],
 * with xpad the input zero-padded by {@code window.padding()}. The weight is {@code [F, C/G, kH, kW]}; the bias,
 * if present, is {@code [F]}.
 */
public record Conv2d(
        String name,
        String input,
        int filters,
        Window2d window,
        int groups,
        ParamRef weight,
        Optional<ParamRef> bias,
        SourceSpan span) implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "conv2d";
    }

    @Override
    public Map<String, ParamRef> parameters() {
        return ParameterRoles.weightAndBias(weight, bias);
    }

    @Override
    public Conv2d withInputs(List<String> operands) {
        return new Conv2d(name, Operands.only(operands, name), filters, window, groups, weight, bias, span);
    }
}
