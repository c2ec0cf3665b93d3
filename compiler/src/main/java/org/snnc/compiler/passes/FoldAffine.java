package org.snnc.compiler.passes;

import static org.snnc.compiler.passes.WeightedLayers.values;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * Folds every affine y = a·x + s that reads a linear value (a conv2d, dense, affine, sum, or a concat or average pool
 * holding one) into that value, every unpadded average pool of a conv2d into it, and makes every relu over a concat
 * holding a linear value a concat of relus: the
 * batchnorm → relu that pre-activation networks (DenseNet, pre-activation ResNets) apply to a concat or a sum of
 * convolution outputs, which no layer folds at fold-batchnorm, then sits on the convolutions, and each relu on one
 * weighted value, which conversion makes a population. To a fixed point, each rule the same function:
 * <ul>
 *   <li>a·(W·x + b) + s = (a·W)·x + (a·b + s): a conv2d's or dense layer's rows scaled by a, its bias too;</li>
 *   <li>a₂·(a₁·x + s₁) + s₂ = (a₂·a₁)·x + (a₂·s₁ + s₂): one affine;</li>
 *   <li>a·(Σ_k x_k) + s = (a·x_1 + s) + Σ_{k&gt;1} a·x_k;</li>
 *   <li>a·concat(x_1, …) + s = concat(a_1·x_1 + s_1, …), a_k and s_k the slices of a and s over x_k's channels;</li>
 *   <li>a·avgpool(x) + s = avgpool(a·x + s) per channel, when every output's divisor counts exactly the cells it
 *       sums (no padding, or padding left out of the count), so that the shift averages to itself;</li>
 *   <li>min(max(0, concat(x_1, …)), m) = concat(min(max(0, x_1), m), …), element by element;</li>
 *   <li>an unpadded average pool of window k×k and stride s over a conv2d of kernel K, stride t and padding P is one
 *       conv2d: y[o] = Σ_u conv[o·s + u]/k² = Σ_w K'[w]·x[o·s·t + w − P] with K'[u·t + v] = Σ W[v]/k² over the
 *       pairs (u, v) that give the same tap, so kernel K + (k − 1)·t, stride s·t, leading padding P and the trailing
 *       padding that keeps the pool's output size (DenseNet's transitions end so).</li>
 * </ul>
 * An affine over an average pool that counts its padding stays, as does anything else no rule covers; compose-linear
 * and the quantizer then take what they can. The rewritten node keeps the name of the affine or relu it replaces.
 */
public final class FoldAffine implements Pass {

    @Override
    public String name() {
        return "fold-affine";
    }

    @Override
    public String summary() {
        return "fold affines into the linear layers, sums, concats and average pools they read, and split relus over "
                + "concats of linear values";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.BATCHNORM_FOLDED);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.AFFINES_FOLDED);
    }

    @Override
    public Set<Stage> mustPrecede() {
        return EnumSet.of(Stage.NORMALIZED);
    }

    @Override
    public String mustPrecedeReason() {
        return "normalization inserts affines of its own, which scale residual branches on purpose";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        GraphBuilder builder = graph.toBuilder();
        for (Optional<Node> next = nextFoldable(builder.nodes()); next.isPresent();
                next = nextFoldable(builder.nodes())) {
            Node node = next.get();
            Node value = builder.nodes().get(node.inputs().get(0));
            if (node instanceof Relu relu) {
                reluEachPart(builder, relu, (Concat) value);
                context.count("relus-split-over-concats", 1);
            } else if (node instanceof AvgPool pool) {
                builder.replace(pooledConv(builder, pool, (Conv2d) value));
                context.count("pools-folded", 1);
            } else {
                fold(builder, (Affine) node, value);
                context.count("affines-folded", 1);
            }
            builder.removeIfUnread(value.name());
        }
        return builder.pruneWeights().build();
    }

    /** Whether no rule applies to {@code graph}. */
    static boolean isFolded(Graph graph) {
        return nextFoldable(graph.nodes()).isEmpty();
    }

    private static Optional<Node> nextFoldable(Map<String, Node> nodes) {
        return nodes.values().stream().filter(node -> foldable(node, nodes)).findFirst();
    }

    private static boolean foldable(Node node, Map<String, Node> nodes) {
        if (node instanceof AvgPool pool) {
            return pool.window().padding().equals(Padding.NONE) && nodes.get(pool.input()) instanceof Conv2d;
        }
        if (!(node instanceof Affine || node instanceof Relu)) {
            return false;
        }
        Node value = nodes.get(node.inputs().get(0));
        if (node instanceof Relu) {
            return value instanceof Concat && linear(value, nodes);
        }
        return value instanceof Conv2d || value instanceof Dense || value instanceof Affine || value instanceof Add
                || value instanceof Concat && linear(value, nodes)
                || value instanceof AvgPool pool && averagesExactly(pool) && linear(pool, nodes);
    }

    /** Whether {@code node} computes a linear function of values, not spikes: weighted layers and what holds them. */
    private static boolean linear(Node node, Map<String, Node> nodes) {
        if (node instanceof Conv2d || node instanceof Dense || node instanceof Affine || node instanceof Add) {
            return true;
        }
        if (node instanceof Concat || node instanceof AvgPool || node instanceof Flatten) {
            return node.inputs().stream().anyMatch(input -> linear(nodes.get(input), nodes));
        }
        return false;
    }

    /** Whether every output of {@code pool} divides by the number of input cells it sums. */
    private static boolean averagesExactly(AvgPool pool) {
        return pool.window().padding().equals(Padding.NONE) || !pool.countIncludePad();
    }

    private static void fold(GraphBuilder builder, Affine affine, Node value) {
        double[] scale = values(builder, affine.scale());
        double[] shift = affine.shift().map(ref -> values(builder, ref)).orElse(new double[scale.length]);
        if (value instanceof Conv2d || value instanceof Dense || value instanceof Affine) {
            builder.replace(scaledLayer(builder, affine.name(), value, scale, shift, affine));
        } else if (value instanceof Add sum) {
            List<String> terms = new ArrayList<>();
            for (int k = 0; k < sum.inputs().size(); k++) {
                String term = builder.freshName(affine.name() + "." + sum.inputs().get(k));
                builder.insertBefore(affine.name(), affine(builder, term, sum.inputs().get(k), scale,
                        k == 0 ? shift : new double[scale.length], affine));
                terms.add(term);
            }
            builder.replace(new Add(affine.name(), terms, affine.span()));
        } else if (value instanceof Concat concat) {
            Map<String, Shape> shapes = ShapeInference.infer(builder.build(), new DiagnosticBag()).shapes();
            List<String> parts = new ArrayList<>();
            int first = 0;
            for (String operand : concat.inputs()) {
                int channels = shapes.get(operand).dim(0);
                String part = builder.freshName(affine.name() + "." + operand);
                builder.insertBefore(affine.name(), affine(builder, part, operand, slice(scale, first, channels),
                        slice(shift, first, channels), affine));
                parts.add(part);
                first += channels;
            }
            builder.replace(new Concat(affine.name(), parts, affine.span()));
        } else {
            AvgPool pool = (AvgPool) value;
            String moved = builder.freshName(affine.name() + "." + pool.input());
            builder.insertBefore(affine.name(), affine(builder, moved, pool.input(), scale, shift, affine));
            builder.replace(new AvgPool(affine.name(), moved, pool.window(), pool.countIncludePad(), affine.span()));
        }
    }

    /** The conv2d, dense or affine {@code layer} followed by a·y + s, as one node named {@code name}. */
    private static Node scaledLayer(GraphBuilder builder, String name, Node layer, double[] scale, double[] shift,
            Affine affine) {
        if (layer instanceof Affine inner) {
            double[] innerScale = values(builder, inner.scale());
            double[] innerShift = inner.shift().map(ref -> values(builder, ref)).orElse(new double[scale.length]);
            double[] composedScale = new double[scale.length];
            double[] composedShift = new double[scale.length];
            for (int c = 0; c < scale.length; c++) {
                composedScale[c] = scale[c] * innerScale[c];
                composedShift[c] = scale[c] * innerShift[c] + shift[c];
            }
            return affine(builder, name, inner.input(), composedScale, composedShift, affine);
        }
        ParamRef weightRef = layer.parameters().get("weight");
        Tensor weight = builder.weights().get(weightRef.key()).orElseThrow();
        double[] w = weight.toArray();
        int rows = scale.length;
        int perRow = w.length / rows;
        for (int k = 0; k < w.length; k++) {
            w[k] *= scale[k / perRow];
        }
        double[] b = Optional.ofNullable(layer.parameters().get("bias")).map(ref -> values(builder, ref))
                .orElse(new double[rows]);
        for (int f = 0; f < rows; f++) {
            b[f] = scale[f] * b[f] + shift[f];
        }
        ParamRef newWeight = builder.addWeight(name + ".weight", Tensor.wrap(weight.shape(), w), weightRef.span());
        Optional<ParamRef> newBias = Optional.of(builder.addWeight(name + ".bias", Tensor.wrap(Shape.of(rows), b),
                affine.span()));
        return WeightedLayers.rebuilt(layer, name, layer.inputs().get(0), newWeight, newBias);
    }

    /** The conv2d that computes avgpool(conv): see the class comment. */
    private static Conv2d pooledConv(GraphBuilder builder, AvgPool pool, Conv2d conv) {
        Shape x = ShapeInference.infer(builder.build(), new DiagnosticBag()).shapes().get(conv.input());
        Window2d p = pool.window();
        Window2d c = conv.window();
        int kernelH = c.kernelH() + (p.kernelH() - 1) * c.strideH();
        int kernelW = c.kernelW() + (p.kernelW() - 1) * c.strideW();
        int strideH = p.strideH() * c.strideH();
        int strideW = p.strideW() * c.strideW();
        int rows = p.outputHeight(c.outputHeight(x.dim(1)));
        int cols = p.outputWidth(c.outputWidth(x.dim(2)));
        int bottom = Math.max(0, (rows - 1) * strideH + kernelH - x.dim(1) - c.padding().top());
        int right = Math.max(0, (cols - 1) * strideW + kernelW - x.dim(2) - c.padding().left());
        Window2d window = new Window2d(kernelH, kernelW, strideH, strideW,
                new Padding(c.padding().top(), c.padding().left(), bottom, right));
        Tensor weight = builder.weights().get(conv.weight().key()).orElseThrow();
        double[] w = weight.toArray();
        int planes = weight.shape().dim(0) * weight.shape().dim(1);
        int kh = c.kernelH();
        int kw = c.kernelW();
        double share = 1.0 / (p.kernelH() * p.kernelW());
        double[] composed = new double[planes * kernelH * kernelW];
        for (int plane = 0; plane < planes; plane++) {
            for (int u = 0; u < p.kernelH(); u++) {
                for (int v = 0; v < p.kernelW(); v++) {
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            composed[(plane * kernelH + u * c.strideH() + i) * kernelW + v * c.strideW() + j] +=
                                    w[(plane * kh + i) * kw + j] * share;
                        }
                    }
                }
            }
        }
        ParamRef kernel = builder.addWeight(pool.name() + ".weight", Tensor.wrap(Shape.of(weight.shape().dim(0),
                weight.shape().dim(1), kernelH, kernelW), composed), conv.weight().span());
        return new Conv2d(pool.name(), conv.input(), conv.filters(), window, conv.groups(), kernel, conv.bias(),
                pool.span());
    }

    private static Affine affine(GraphBuilder builder, String name, String input, double[] scale, double[] shift,
            Affine original) {
        Shape shape = Shape.of(scale.length);
        return new Affine(name, input,
                builder.addWeight(name + ".scale", Tensor.wrap(shape, scale.clone()), original.scale().span()),
                Optional.of(builder.addWeight(name + ".shift", Tensor.wrap(shape, shift.clone()), original.span())),
                original.span());
    }

    /** relu(concat(x_1, …)) → concat(relu(x_1), …), each relu with the original's ceiling. */
    private static void reluEachPart(GraphBuilder builder, Relu relu, Concat concat) {
        List<String> parts = new ArrayList<>();
        for (String operand : concat.inputs()) {
            String part = builder.freshName(relu.name() + "." + operand);
            builder.insertBefore(relu.name(), new Relu(part, operand, relu.ceiling(), relu.span()));
            parts.add(part);
        }
        builder.replace(new Concat(relu.name(), parts, relu.span()));
    }

    private static double[] slice(double[] values, int first, int count) {
        double[] part = new double[count];
        System.arraycopy(values, first, part, 0, count);
        return part;
    }
}
