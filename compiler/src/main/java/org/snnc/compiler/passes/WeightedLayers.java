package org.snnc.compiler.passes;

import java.util.Optional;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;

/** What the passes that rewrite a conv2d's or dense layer's parameters share. */
final class WeightedLayers {

    private WeightedLayers() {
    }

    /**
     * The conv2d or dense {@code layer} named {@code name}, reading {@code input}, with {@code weight} and
     * {@code bias}; its window, groups, filters or units and span are kept.
     */
    static Node rebuilt(Node layer, String name, String input, ParamRef weight, Optional<ParamRef> bias) {
        if (layer instanceof Conv2d conv) {
            return new Conv2d(name, input, conv.filters(), conv.window(), conv.groups(), weight, bias, conv.span());
        }
        Dense dense = (Dense) layer;
        return new Dense(name, input, dense.units(), weight, bias, dense.span());
    }

    /** The values of the tensor {@code ref} names, in a fresh array. */
    static double[] values(GraphBuilder builder, ParamRef ref) {
        return builder.weights().get(ref.key()).orElseThrow().toArray();
    }
}
