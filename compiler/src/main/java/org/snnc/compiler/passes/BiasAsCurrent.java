package org.snnc.compiler.passes;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Weights;
import org.snnc.compiler.interp.AnnInterpreter;

/**
 * Makes each IF population's constant input explicit. The synapse expression E that feeds a population is affine in
 * the spikes s of its sources: E(s) = L(s) + E(0), with L linear. The pass sets the population's current to
 * E(0) (added to its own current, if it has one) and removes every bias and affine shift from the expression, which
 * leaves L. For a conv2d or dense synapse E(0) is its bias b broadcast over positions; through an avgpool, an add or
 * a second weighted layer it is whatever that layer makes of the constant, so it is computed, not assumed. Every
 * step the neuron then receives v ← v + E(0) + L(s), exactly what it received before.
 */
public final class BiasAsCurrent implements Pass {

    @Override
    public String name() {
        return "bias-as-current";
    }

    @Override
    public String summary() {
        return "move the biases of the synapses into constant input currents of the IF populations";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.SPIKING);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.BIAS_AS_CURRENT);
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        Map<String, Shape> shapes = Verifier.verify(graph).shapes();
        Map<String, double[]> constants = new HashMap<>();
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (isSpikeSource(node)) {
                constants.put(node.name(), new double[shapes.get(node.name()).size()]);
            } else {
                constants.put(node.name(), constantOf(node, graph, shapes, constants));
            }
            if (node instanceof IfNeurons population) {
                addCurrent(builder, population, shapes.get(population.name()), constants.get(population.input()),
                        context);
            } else {
                withoutBias(node).ifPresent(unbiased -> {
                    builder.replace(unbiased);
                    context.count("biases-moved", 1);
                });
            }
        }
        return builder.pruneWeights().build();
    }

    private static boolean isSpikeSource(Node node) {
        return node instanceof IfNeurons || node instanceof SpikeEncoder || node instanceof MaxPoolGate
                || node instanceof MaxPool || node instanceof Input;
    }

    /** E(0) at {@code node}: the node applied to the constants of its operands. */
    private static double[] constantOf(Node node, Graph graph, Map<String, Shape> shapes,
            Map<String, double[]> constants) {
        List<double[]> operands = node.inputs().stream().map(constants::get).toList();
        if (node instanceof Flatten) {
            return operands.get(0);
        }
        if (node instanceof Add) {
            double[] sum = new double[operands.get(0).length];
            operands.forEach(term -> Arrays.setAll(sum, k -> sum[k] + term[k]));
            return sum;
        }
        if (node instanceof Concat) {
            return operands.stream().flatMapToDouble(Arrays::stream).toArray();
        }
        return evaluateAlone(node, graph, shapes.get(node.inputs().get(0)), operands.get(0),
                shapes.get(node.name()).size());
    }

    /**
     * Evaluates one single-operand ANN node on {@code operand} with the ANN interpreter's kernels. A conv2d or dense
     * on an operand of zeros gives its bias, broadcast (0 without one), exactly as the kernel's sum b + Σ w·0 would:
     * every term is ±0 (weights are finite), which leaves a non-zero b and +0 unchanged; only a bias of −0 could
     * turn +0, so such a bias is evaluated.
     */
    private static double[] evaluateAlone(Node node, Graph graph, Shape operandShape, double[] operand,
            int outputSize) {
        if ((node instanceof Conv2d || node instanceof Dense) && Arrays.stream(operand).allMatch(x -> x == 0)) {
            Optional<ParamRef> biasRef = node instanceof Conv2d conv ? conv.bias() : ((Dense) node).bias();
            double[] bias = biasRef.map(ref -> graph.weights().get(ref.key()).orElseThrow().toArray())
                    .orElse(new double[0]);
            if (Arrays.stream(bias).noneMatch(b -> Double.doubleToRawLongBits(b) == Long.MIN_VALUE)) {
                int rows = node instanceof Conv2d conv ? conv.filters() : ((Dense) node).units();
                int perRow = outputSize / rows;
                double[] constant = new double[rows * perRow];
                if (bias.length > 0) {
                    Arrays.setAll(constant, k -> bias[k / perRow]);
                }
                return constant;
            }
        }
        String operandName = node.name().equals("operand") ? "operand_" : "operand";
        Map<String, Tensor> own = new TreeMap<>();
        node.parameters().values().forEach(ref -> own.put(ref.key(), graph.weights().get(ref.key()).orElseThrow()));
        Graph alone = Graph.builder("constant")
                .add(new Input(operandName, DType.F64, operandShape, Scale.ONE, node.span()))
                .add(node.withInputs(List.of(operandName)))
                .output(node.name())
                .weights(Weights.of(own))
                .build();
        return new AnnInterpreter(alone).evaluate(operand);
    }

    private static void addCurrent(GraphBuilder builder, IfNeurons population, Shape shape, double[] constant,
            PassContext context) {
        double[] current = constant.clone();
        population.current().ifPresent(existing -> {
            Tensor old = builder.weights().get(existing.key()).orElseThrow();
            Arrays.setAll(current, k -> current[k] + old.get(k));
        });
        if (Arrays.stream(current).allMatch(c -> c == 0)) {
            builder.replace(population.withCurrent(Optional.empty()));
            return;
        }
        Tensor tensor = Tensor.wrap(shape, current);
        String base = population.name() + ".current";
        ParamRef ref = population.current().map(existing -> builder.rewriteWeight(existing, base, tensor))
                .orElseGet(() -> builder.addWeight(base, tensor, population.span()));
        builder.replace(population.withCurrent(Optional.of(ref)));
        context.count("currents", 1);
    }

    private static Optional<Node> withoutBias(Node node) {
        if (node instanceof Conv2d conv && conv.bias().isPresent()) {
            return Optional.of(new Conv2d(conv.name(), conv.input(), conv.filters(), conv.window(), conv.groups(),
                    conv.weight(), Optional.empty(), conv.span()));
        }
        if (node instanceof Dense dense && dense.bias().isPresent()) {
            return Optional.of(new Dense(dense.name(), dense.input(), dense.units(), dense.weight(), Optional.empty(),
                    dense.span()));
        }
        if (node instanceof Affine affine && affine.shift().isPresent()) {
            return Optional.of(new Affine(affine.name(), affine.input(), affine.scale(), Optional.empty(),
                    affine.span()));
        }
        return Optional.empty();
    }
}
