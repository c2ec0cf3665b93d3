package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.Set;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Node;

/**
 * Removes every dropout: at inference dropout(x) = x (PyTorch and ONNX scale at training time), so each dropout's
 * users read its operand instead.
 */
public final class RemoveDropout implements Pass {

    @Override
    public String name() {
        return "remove-dropout";
    }

    @Override
    public String summary() {
        return "remove dropout, the identity at inference";
    }

    @Override
    public Set<Stage> requires() {
        return Set.of();
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.DROPOUT_FREE);
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (node instanceof Dropout) {
                // The builder's copy: removing an earlier dropout may have rewired this one's operand.
                Dropout dropout = (Dropout) builder.nodes().get(node.name());
                builder.replaceUses(dropout.name(), dropout.input()).remove(dropout.name());
                context.count("dropouts-removed", 1);
            }
        }
        return builder.build();
    }
}
