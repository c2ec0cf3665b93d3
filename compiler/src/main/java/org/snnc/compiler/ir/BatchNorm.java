package org.snnc.compiler.ir;

import java.util.List;
import java.util.Map;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Inference-mode batch normalization over axis 0 (channels of a feature map, units of a vector):
 * y[c,…] = γ[c] · (x[c,…] − μ[c]) / √(σ²[c] + ε) + β[c]. Every parameter is {@code [C]}.
 */
public record BatchNorm(
        String name,
        String input,
        double epsilon,
        ParamRef gamma,
        ParamRef beta,
        ParamRef mean,
        ParamRef variance,
        SourceSpan span) implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "batchnorm";
    }

    @Override
    public Map<String, ParamRef> parameters() {
        return ParameterRoles.batchNorm(gamma, beta, mean, variance);
    }

    @Override
    public BatchNorm withInputs(List<String> operands) {
        return new BatchNorm(name, Operands.only(operands, name), epsilon, gamma, beta, mean, variance, span);
    }
}
