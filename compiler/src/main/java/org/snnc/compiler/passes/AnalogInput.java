package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.Set;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.SpikeEncoder;

/**
 * Puts a {@link SpikeEncoder} between the input and everything that reads it. With the default
 * {@link InputEncoding#ANALOG} encoding the encoder passes x itself every step, so the first weighted layer receives
 * W·x + b as a constant current and the pixels never spike (Rueckauer et al. 2017, §2.2); with
 * {@link InputEncoding#POISSON} each element spikes with probability clamp(x, 0, 1) from a generator seeded with
 * {@code seed}.
 */
public final class AnalogInput implements Pass {

    private final InputEncoding encoding;
    private final long seed;

    public AnalogInput(InputEncoding encoding, long seed) {
        if (seed < 0) {
            throw new IllegalArgumentException("the seed must be non-negative, got " + seed);
        }
        this.encoding = encoding;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "analog-input";
    }

    @Override
    public String summary() {
        return "feed the input to the first layer as a constant analog current (or Poisson spikes)";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.SPIKING);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.ENCODED);
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        if (Stage.of(graph).contains(Stage.ENCODED)) {
            return graph;
        }
        Input input = graph.input();
        GraphBuilder builder = graph.toBuilder();
        String encoded = builder.freshName(input.name() + ".encoded");
        String next = graph.users(input.name()).get(0);
        builder.insertBefore(next, new SpikeEncoder(encoded, input.name(), encoding, seed, input.span()));
        builder.replaceUses(input.name(), encoded);
        context.count("encoders", 1);
        return builder.build();
    }
}
