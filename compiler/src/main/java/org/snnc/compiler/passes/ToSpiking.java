package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Softmax;

/**
 * Replaces the ANN's nonlinearities by populations of integrate-and-fire neurons (Rueckauer et al. 2017). After
 * normalization a relu's activations rarely exceed 1, so an IF neuron of threshold θ = 1 driven by the relu's operand
 * x fires at a rate that approximates max(0, x). The weighted nodes between populations become their synapses.
 * <ul>
 *   <li>{@code r = relu(x) → r = if(x)}, keeping the name so that users need no rewiring. The bias stays on the
 *       weighted node in x until bias-as-current makes it the population's current.</li>
 *   <li>An avgpool p of a spike value s (a population, a maxpool of spikes, a flatten or concat of spike values, or
 *       the input) is a population with synapses of weight 1/k²: {@code p = if(p.synapses)},
 *       {@code p.synapses = avgpool(s)}. An avgpool of a weighted value stays in that synapse expression, since the
 *       average of a linear map is linear.</li>
 *   <li>The output: {@code probs = softmax(y) → probs = if(y)}, since the softmax keeps the argmax and the readout
 *       uses the membrane; without a softmax a new population {@code y.neurons = if(y)} becomes the output.</li>
 *   <li>A maxpool of spikes stays, for maxpool-gating. A maxpool of a weighted value is an error: the max of
 *       currents is not a synapse.</li>
 * </ul>
 */
public final class ToSpiking implements Pass {

    private final ResetMode reset;

    public ToSpiking(ResetMode reset) {
        this.reset = reset;
    }

    @Override
    public String name() {
        return "to-spiking";
    }

    @Override
    public String summary() {
        return "make every relu, every average pooling of spikes and the output a population of IF neurons";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.NORMALIZED, Stage.DROPOUT_FREE, Stage.CANONICAL, Stage.BATCHNORM_FOLDED);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.SPIKING);
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        GraphBuilder builder = graph.toBuilder();
        Set<String> spikeValues = new HashSet<>();
        for (Node node : graph.nodes().values()) {
            if (node instanceof Relu relu) {
                builder.replace(population(relu.name(), relu.input(), relu.span(), context));
            } else if (node instanceof AvgPool pool && spikeValues.contains(pool.input())) {
                String synapses = builder.freshName(pool.name() + ".synapses");
                builder.insertBefore(pool.name(),
                        new AvgPool(synapses, pool.input(), pool.window(), pool.countIncludePad(), pool.span()));
                builder.replace(population(pool.name(), synapses, pool.span(), context));
                context.count("avgpools-to-if", 1);
            } else if (node instanceof MaxPool pool && !spikeValues.contains(pool.input())) {
                throw CompilationException.of(DiagnosticCode.NOT_CONVERTIBLE, pool.span(), pool.operator(),
                        pool.name(), "it pools '" + pool.input() + "', a synaptic current rather than spikes, and the "
                                + "maximum of currents is not a linear synapse");
            }
            if (carriesSpikes(node, spikeValues)) {
                spikeValues.add(node.name());
            }
        }
        Node output = graph.node(graph.output());
        if (output instanceof Softmax softmax) {
            builder.replace(population(softmax.name(), softmax.input(), softmax.span(), context));
        } else {
            String neurons = builder.freshName(output.name() + ".neurons");
            builder.add(population(neurons, output.name(), output.span(), context)).output(neurons);
        }
        return builder.build();
    }

    /** Whether {@code node}'s value is spikes: a population, the input, or a pool, flatten or concat of spikes. */
    private static boolean carriesSpikes(Node node, Set<String> spikeValues) {
        return node instanceof Relu || node instanceof Input
                || (node instanceof AvgPool || node instanceof MaxPool || node instanceof Flatten
                        || node instanceof Concat) && spikeValues.containsAll(node.inputs());
    }

    private IfNeurons population(String name, String synapses, SourceSpan span, PassContext context) {
        context.count("populations", 1);
        return new IfNeurons(name, synapses, IfNeurons.UNIT_THRESHOLD, reset, 0, Optional.empty(), Optional.empty(),
                span);
    }
}
