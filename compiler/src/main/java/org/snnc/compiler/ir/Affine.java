package org.snnc.compiler.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;

/**
 * A per-channel affine map over axis 0: y[c,…] = a[c] · x[c,…] + b[c], with {@code scale} a and optional
 * {@code shift} b, both {@code [C]}. It is what a batchnorm becomes when no conv2d or dense precedes it to fold into,
 * and what normalization inserts to bring a residual branch to the scale of its join. In a spiking graph it is a
 * one-to-one synapse of weight a[c].
 */
public record Affine(String name, String input, ParamRef scale, Optional<ParamRef> shift, SourceSpan span)
        implements Node {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public String operator() {
        return "affine";
    }

    @Override
    public Map<String, ParamRef> parameters() {
        Map<String, ParamRef> roles = new LinkedHashMap<>();
        roles.put("scale", scale);
        shift.ifPresent(b -> roles.put("shift", b));
        return java.util.Collections.unmodifiableMap(roles);
    }

    @Override
    public Affine withInputs(List<String> operands) {
        return new Affine(name, Operands.only(operands, name), scale, shift, span);
    }
}
