package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.Set;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;

/**
 * Makes the class decision explicit: the output population gets a {@link Readout}, which becomes the network's
 * output. The default {@link ReadoutMode#MEMBRANE} reads argmax_k (spikes[k]·θ + v[k]), the total input each output
 * neuron integrated, which is proportional to the ANN's logit for a long enough run; {@link ReadoutMode#SPIKE_COUNT}
 * and the paper's Poisson softmax are the alternatives. The {@link ReadoutWindow} says which steps the scores
 * integrate: all of them, or the later half.
 */
public final class AddReadout implements Pass {

    private final ReadoutMode mode;
    private final ReadoutWindow window;
    private final long seed;

    public AddReadout(ReadoutMode mode, ReadoutWindow window, long seed) {
        if (seed < 0) {
            throw new IllegalArgumentException("the seed must be non-negative, got " + seed);
        }
        this.mode = mode;
        this.window = window;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "readout";
    }

    @Override
    public String summary() {
        return "read the class from the output population (membrane, spike count or Poisson softmax)";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.SPIKING);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.READOUT);
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        if (graph.node(graph.output()) instanceof Readout existing) {
            return existing.mode() == mode && existing.window() == window && existing.seed() == seed ? graph
                    : graph.toBuilder().replace(new Readout(existing.name(), existing.input(), mode, window, seed,
                            existing.span())).build();
        }
        GraphBuilder builder = graph.toBuilder();
        String population = graph.output();
        String name = builder.freshName(population + ".readout");
        builder.add(new Readout(name, population, mode, window, seed, graph.node(population).span())).output(name);
        context.count("readouts", 1);
        return builder.build();
    }
}
