package org.snnc.compiler.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Builds the ordered role → parameter maps that nodes report from {@link Node#parameters()}. */
final class ParameterRoles {

    private ParameterRoles() {
    }

    static Map<String, ParamRef> weightAndBias(ParamRef weight, Optional<ParamRef> bias) {
        Map<String, ParamRef> roles = new LinkedHashMap<>();
        roles.put("weight", weight);
        bias.ifPresent(b -> roles.put("bias", b));
        return Collections.unmodifiableMap(roles);
    }

    static Map<String, ParamRef> batchNorm(ParamRef gamma, ParamRef beta, ParamRef mean, ParamRef variance) {
        Map<String, ParamRef> roles = new LinkedHashMap<>();
        roles.put("gamma", gamma);
        roles.put("beta", beta);
        roles.put("mean", mean);
        roles.put("var", variance);
        return Collections.unmodifiableMap(roles);
    }
}
