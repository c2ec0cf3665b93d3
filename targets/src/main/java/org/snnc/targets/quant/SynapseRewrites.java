package org.snnc.targets.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.passes.PassContext;

/**
 * Rewrites every synapse that is not a conv2d or dense into one, since those are the synapses a chip holds. Each
 * rewrite computes the same linear map:
 * <ul>
 *   <li>{@code avgpool(x)} with a kH×kW window → a conv2d of C groups and C filters (C the channels of x) with the
 *       same window, every weight 1/(kH·kW). With padding and count_include_pad = 0 the border windows divide by
 *       fewer inputs, so their weights would differ by position, which a shared kernel cannot hold: E0908.</li>
 *   <li>{@code affine(x, scale=a)} → a conv2d of C groups with a 1×1 kernel, weight a[c] (for a vector x, a dense
 *       layer with a on its diagonal). An affine with a shift is E0908: bias-as-current moves shifts into
 *       currents.</li>
 *   <li>A source (see {@link Synapses}) read directly by an add or a population, such as a residual block's identity
 *       shortcut → the same kind of layer with weight 1, {@code source.identity}.</li>
 * </ul>
 * The rewritten avgpool or affine keeps its name, so its users need no rewiring.
 */
final class SynapseRewrites {

    private SynapseRewrites() {
    }

    static Graph apply(Graph graph, String target, PassContext context) {
        Map<String, Shape> shapes = Verifier.verify(graph).shapes();
        Set<String> sources = Synapses.sourceValues(graph);
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (node instanceof AvgPool pool) {
                builder.replace(averaging(builder, pool, shapes.get(pool.input()), target));
                context.count("avgpools-to-conv", 1);
            } else if (node instanceof Affine affine) {
                if (affine.shift().isPresent()) {
                    throw Synapses.notQuantizable(affine, target, "it has a shift, which a synapse cannot add; run "
                            + "bias-as-current first");
                }
                double[] scale = graph.weights().get(affine.scale().key()).orElseThrow().toArray();
                builder.replace(perChannel(builder, affine.name(), affine.input(), shapes.get(affine.input()), scale,
                        affine.span()));
                context.count("affines-to-conv", 1);
            } else if (node instanceof Add || node instanceof IfNeurons) {
                List<String> operands = new ArrayList<>();
                for (String operand : node.inputs()) {
                    operands.add(sources.contains(operand)
                            ? identity(builder, node, operand, shapes.get(operand), context) : operand);
                }
                builder.replace(node.withInputs(operands));
            }
        }
        return builder.pruneWeights().build();
    }

    private static Conv2d averaging(GraphBuilder builder, AvgPool pool, Shape operand, String target) {
        Window2d window = pool.window();
        if (!pool.countIncludePad() && !window.padding().equals(Padding.NONE)) {
            throw Synapses.notQuantizable(pool, target, "it pads and excludes the padding from its averages "
                    + "(count_include_pad=0), so its border windows have other weights than the rest, which a shared "
                    + "kernel cannot hold");
        }
        int channels = operand.dim(0);
        double[] weight = new double[channels * window.kernelH() * window.kernelW()];
        Arrays.fill(weight, 1.0 / (window.kernelH() * window.kernelW()));
        ParamRef ref = builder.addWeight(pool.name() + ".weight",
                Tensor.wrap(Shape.of(channels, 1, window.kernelH(), window.kernelW()), weight), pool.span());
        return new Conv2d(pool.name(), pool.input(), channels, window, channels, ref, Optional.empty(), pool.span());
    }

    /** Inserts {@code operand.identity} before {@code user} and returns its name. */
    private static String identity(GraphBuilder builder, Node user, String operand, Shape shape,
            PassContext context) {
        String name = builder.freshName(operand + ".identity");
        double[] ones = new double[shape.dim(0)];
        Arrays.fill(ones, 1);
        builder.insertBefore(user.name(), perChannel(builder, name, operand, shape, ones, SourceSpan.GENERATED));
        context.count("identity-synapses", 1);
        return name;
    }

    /**
     * y[c,…] = a[c]·x[c,…]: for a [C,H,W] operand a conv2d of C groups with a [C,1,1,1] kernel, for a vector of N a
     * dense layer whose [N,N] weight has a on its diagonal.
     */
    private static Node perChannel(GraphBuilder builder, String name, String operand, Shape shape, double[] a,
            SourceSpan span) {
        int n = a.length;
        if (shape.rank() == 3) {
            ParamRef ref = builder.addWeight(name + ".weight", Tensor.of(Shape.of(n, 1, 1, 1), a), span);
            return new Conv2d(name, operand, n, Window2d.square(1, 1, 0), n, ref, Optional.empty(), span);
        }
        double[] diagonal = new double[n * n];
        for (int i = 0; i < n; i++) {
            diagonal[i * n + i] = a[i];
        }
        ParamRef ref = builder.addWeight(name + ".weight", Tensor.wrap(Shape.of(n, n), diagonal), span);
        return new Dense(name, operand, n, ref, Optional.empty(), span);
    }
}
