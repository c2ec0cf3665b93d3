package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.OptionalDouble;
import java.util.Set;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;

/**
 * Turns every maxpool over spikes into a {@link MaxPoolGate}: at each step an output passes only the spike of the
 * input in its window with the highest rate estimate r, where r is the running spike count including this step
 * (r ← r + s) or, with {@code emaDecay} d, an exponential moving average r ← d·r + (1 − d)·s. Ties go to the first
 * input in row-major window order. The rate of the passed train approaches max over the window of the input rates,
 * which is what max pooling computes on the ANN's normalized activations.
 */
public final class MaxPoolGating implements Pass {

    private final OptionalDouble emaDecay;

    /** @param emaDecay the decay of the moving-average estimator, in [0, 1); empty selects the running count */
    public MaxPoolGating(OptionalDouble emaDecay) {
        emaDecay.ifPresent(d -> {
            if (!(d >= 0 && d < 1)) {
                throw new IllegalArgumentException("the moving-average decay must be in [0, 1), got " + d);
            }
        });
        this.emaDecay = emaDecay;
    }

    @Override
    public String name() {
        return "maxpool-gating";
    }

    @Override
    public String summary() {
        return "turn max pooling into gates that pass the spikes of the most active input";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.SPIKING);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.GATED);
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (node instanceof MaxPool pool) {
                builder.replace(new MaxPoolGate(pool.name(), pool.input(), pool.window(), emaDecay, pool.span()));
                context.count("gates", 1);
            }
        }
        return builder.build();
    }
}
