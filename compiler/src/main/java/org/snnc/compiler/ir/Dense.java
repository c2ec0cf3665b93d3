package org.snnc.compiler.ir;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;

/**
 * A fully connected layer on a rank-1 input of N values: y[u] = b[u] + Σ_n W[u,n] · x[n]. The weight is
 * {@code [units, N]} (PyTorch's layout, ONNX Gemm with transB = 1); the bias, if present, is {@code [units]}.
 */
public record Dense(String name, String input, int units, ParamRef weight, Optional<ParamRef> bias, SourceSpan span)
        implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "dense";
    }

    @Override
    public Map<String, ParamRef> parameters() {
        return ParameterRoles.weightAndBias(weight, bias);
    }

    @Override
    public Dense withInputs(List<String> operands) {
        return new Dense(name, Operands.only(operands, name), units, weight, bias, span);
    }
}
