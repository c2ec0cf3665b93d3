package org.snnc.compiler.passes;

import static org.snnc.compiler.passes.WeightedLayers.values;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/**
 * Folds every inference batchnorm into the layer before it. With s[c] = γ[c]/√(σ²[c]+ε), a conv2d or dense layer
 * y = W·x + b followed by batchnorm becomes y = W′·x + b′ with
 * <pre>
 *   W′[c,…] = W[c,…]·s[c]        b′[c] = (b[c] − μ[c])·s[c] + β[c]     (b = 0 when the layer has no bias)
 * </pre>
 * which is the same function. The layer must be the batchnorm's operand and have no other user, or folding would
 * change what the other users see. Any other batchnorm becomes an explicit per-channel {@link Affine} with scale s and
 * shift β − μ·s. The folded layer keeps its name and the batchnorm's users read it.
 */
public final class FoldBatchNorm implements Pass {

    @Override
    public String name() {
        return "fold-batchnorm";
    }

    @Override
    public String summary() {
        return "fold batchnorm into the preceding conv2d or dense layer, or make it a per-channel affine";
    }

    @Override
    public Set<Stage> requires() {
        return Set.of();
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.BATCHNORM_FOLDED);
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (node instanceof BatchNorm) {
                // The builder's copy and users: folding an earlier batchnorm may have rewired this one's operand.
                BatchNorm bn = (BatchNorm) builder.nodes().get(node.name());
                Node layer = builder.nodes().get(bn.input());
                long users = builder.nodes().values().stream().filter(n -> n.inputs().contains(bn.input())).count();
                boolean foldable = (layer instanceof Conv2d || layer instanceof Dense) && users == 1;
                if (foldable) {
                    fold(builder, bn, layer);
                    context.count("batchnorms-folded", 1);
                } else {
                    builder.replace(toAffine(builder, bn));
                    context.count("batchnorms-to-affine", 1);
                }
            }
        }
        return builder.pruneWeights().build();
    }

    private static void fold(GraphBuilder builder, BatchNorm bn, Node layer) {
        double[] s = channelScale(builder, bn);
        double[] mean = values(builder, bn.mean());
        double[] beta = values(builder, bn.beta());
        ParamRef weightRef = layer instanceof Conv2d conv ? conv.weight() : ((Dense) layer).weight();
        Optional<ParamRef> biasRef = layer instanceof Conv2d conv ? conv.bias() : ((Dense) layer).bias();
        Tensor weight = builder.weights().get(weightRef.key()).orElseThrow();
        double[] w = weight.toArray();
        int perChannel = w.length / s.length;
        for (int k = 0; k < w.length; k++) {
            w[k] *= s[k / perChannel];
        }
        double[] b = biasRef.map(ref -> values(builder, ref)).orElse(new double[s.length]);
        for (int c = 0; c < s.length; c++) {
            b[c] = (b[c] - mean[c]) * s[c] + beta[c];
        }
        ParamRef newWeight = builder.rewriteWeight(weightRef, layer.name() + ".weight",
                Tensor.wrap(weight.shape(), w));
        Tensor biasTensor = Tensor.wrap(Shape.of(s.length), b);
        Optional<ParamRef> newBias = Optional.of(biasRef
                .map(ref -> builder.rewriteWeight(ref, layer.name() + ".bias", biasTensor))
                .orElseGet(() -> builder.addWeight(layer.name() + ".bias", biasTensor, bn.span())));
        Node folded = WeightedLayers.rebuilt(layer, layer.name(), layer.inputs().get(0), newWeight, newBias);
        builder.replace(folded).replaceUses(bn.name(), layer.name()).remove(bn.name());
    }

    private static Affine toAffine(GraphBuilder builder, BatchNorm bn) {
        double[] s = channelScale(builder, bn);
        double[] mean = values(builder, bn.mean());
        double[] shift = values(builder, bn.beta());
        for (int c = 0; c < s.length; c++) {
            shift[c] -= mean[c] * s[c];
        }
        Shape perChannel = Shape.of(s.length);
        return new Affine(bn.name(), bn.input(),
                builder.addWeight(bn.name() + ".scale", Tensor.wrap(perChannel, s), bn.gamma().span()),
                Optional.of(builder.addWeight(bn.name() + ".shift", Tensor.wrap(perChannel, shift),
                        bn.beta().span())),
                bn.span());
    }

    /** s[c] = γ[c]/√(σ²[c]+ε). */
    private static double[] channelScale(GraphBuilder builder, BatchNorm bn) {
        double[] gamma = values(builder, bn.gamma());
        double[] variance = values(builder, bn.variance());
        double[] s = new double[gamma.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = gamma[c] / Math.sqrt(variance[c] + bn.epsilon());
        }
        return s;
    }
}
