package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Relu;

/**
 * Replaces every max pooling by average pooling over the same window, for chips that have no max-pool gate (Loihi,
 * Speck). It changes what the network computes, max_{w} x ↦ (1/k²)·Σ_{w} x, so the converted network's accuracy is
 * that of a different ANN; the command line asks for it explicitly and warns.
 *
 * <p>Average pooling over spikes is a layer of IF neurons only when it pools rectified values, avgpool(relu(x)). A
 * maxpool that reads a relu becomes that directly. One that a relu reads, relu(maxpool(x)) (the order canonicalize
 * makes, since max commutes with relu), becomes avgpool(relu(x)): the relu moves before the pooling and the outer relu
 * goes, since the average of non-negative values is non-negative; the moved relu clips at the lowest ceiling of the
 * outer ones (an approximation, as the whole replacement is).
 */
public final class MaxPoolToAvgPool implements Pass {

    @Override
    public String name() {
        return "maxpool-to-avgpool";
    }

    @Override
    public String summary() {
        return "replace max pooling by average pooling, for chips without a max-pool gate";
    }

    @Override
    public Set<Stage> requires() {
        return Set.of();
    }

    @Override
    public Set<Stage> establishes() {
        return Set.of();
    }

    @Override
    public Set<Stage> mustPrecede() {
        return EnumSet.of(Stage.NORMALIZED);
    }

    @Override
    public String mustPrecedeReason() {
        return "normalize must measure the λs of the network with average pooling";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (node instanceof MaxPool pool) {
                replace(builder, pool);
                context.count("maxpools-replaced", 1);
            }
        }
        return builder.build();
    }

    private static void replace(GraphBuilder builder, MaxPool pool) {
        boolean readsRelu = builder.nodes().get(pool.input()) instanceof Relu;
        List<Relu> reluReaders = builder.nodes().values().stream()
                .filter(user -> user.inputs().contains(pool.name()))
                .filter(Relu.class::isInstance).map(Relu.class::cast).toList();
        if (readsRelu || reluReaders.isEmpty()) {
            builder.replace(averaging(pool, pool.input()));
            return;
        }
        String rectified = builder.freshName(pool.input() + ".relu");
        double ceiling = reluReaders.stream().mapToDouble(Relu::ceiling).min().orElseThrow();
        builder.insertBefore(pool.name(), new Relu(rectified, pool.input(), ceiling, pool.span()));
        builder.replace(averaging(pool, rectified));
        for (Relu outer : reluReaders) {
            builder.replaceUses(outer.name(), pool.name()).remove(outer.name());
        }
    }

    /** Same window; padding counts as zeros, as a chip's sum pooling over padded spikes would. */
    private static AvgPool averaging(MaxPool pool, String input) {
        return new AvgPool(pool.name(), input, pool.window(), true, pool.span());
    }
}
