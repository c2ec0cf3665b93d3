package org.snnc.tests;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.passes.PassContext;

/**
 * A random recurrent edge for the random cases' converted networks, as a test pass after the standard conversion
 * (conversion never makes one): in one case in {@value #ONE_IN}, one population P, chosen at random, also reads its own
 * spikes of the previous step, {@code P.input + W·previous(P)}: through a dense [N, N] for a vector population, a 3×3
 * convolution C → C with padding 1 for a [C, H, W] one, weights uniform in ±θ/√(fan-in), so that the loop excites
 * and inhibits without swamping the feed-forward input.
 */
final class RandomRecurrence extends SeededTestPass {

    static final int ONE_IN = 3;
    /** The statistics label of a compiled case with a recurrent edge. */
    static final String LABEL = "recurrent edge";

    RandomRecurrence(long seed) {
        super(seed);
    }

    /** Whether the case of {@code seed} gets a recurrent edge. */
    static boolean chosen(long seed) {
        return Math.floorMod(seed * 0x9E3779B97F4A7C15L >>> 23, ONE_IN) == 0;
    }

    /** Whether {@code graph} holds a recurrent edge. */
    static boolean present(Graph graph) {
        return graph.nodes().values().stream().anyMatch(PreviousStep.class::isInstance);
    }

    @Override
    public String name() {
        return "random-recurrence";
    }

    @Override
    public String summary() {
        return "feed a random population its own previous spikes through random weights (a test pass)";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        Random random = new Random(seed ^ 0xBB67AE8584CAA73BL);
        List<IfNeurons> populations = graph.nodes().values().stream().filter(IfNeurons.class::isInstance)
                .map(IfNeurons.class::cast).toList();
        IfNeurons population = populations.get(random.nextInt(populations.size()));
        Shape shape = Verifier.verify(graph).shapes().get(population.name());
        GraphBuilder builder = graph.toBuilder();
        String previous = builder.freshName(population.name() + ".previous");
        builder.insertBefore(population.name(), new PreviousStep(previous, population.name(), shape,
                population.span()));
        String synapse = builder.freshName(population.name() + ".recurrent");
        Node weighted;
        if (shape.rank() == 1) {
            int size = shape.dim(0);
            ParamRef weight = builder.addWeight(synapse + ".weight",
                    uniform(random, population.threshold() / Math.sqrt(size), size, size), population.span());
            weighted = new Dense(synapse, previous, size, weight, Optional.empty(), population.span());
        } else {
            int channels = shape.dim(0);
            ParamRef weight = builder.addWeight(synapse + ".weight", uniform(random,
                    population.threshold() / Math.sqrt(9.0 * channels), channels, channels, 3, 3), population.span());
            weighted = new Conv2d(synapse, previous, channels, new Window2d(3, 3, 1, 1, new Padding(1, 1, 1, 1)), 1,
                    weight, Optional.empty(), population.span());
        }
        builder.insertBefore(population.name(), weighted);
        String sum = builder.freshName(population.name() + ".with_recurrence");
        builder.insertBefore(population.name(), new Add(sum, List.of(population.input(), synapse),
                population.span()));
        builder.replace(population.withInputs(List.of(sum)));
        context.count("recurrent-populations", 1);
        return builder.build();
    }

    private static Tensor uniform(Random random, double bound, int... dims) {
        Shape shape = Shape.of(dims);
        double[] values = new double[shape.size()];
        for (int k = 0; k < values.length; k++) {
            values[k] = bound * (2 * random.nextDouble() - 1);
        }
        return Tensor.wrap(shape, values);
    }
}
