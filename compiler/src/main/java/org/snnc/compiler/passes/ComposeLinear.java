package org.snnc.compiler.passes;

import static org.snnc.compiler.passes.WeightedLayers.values;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * Makes every conv2d and dense layer read a value that becomes spikes: a chip's synapses connect one population's
 * spikes to the next, so a weighted layer L that reads a linear value V (a conv2d, dense, affine or add with no relu
 * between, as mobilenet_v2's linear bottlenecks and conv → batchnorm → conv are) has no population to read. Each such
 * pair is rewritten into the same function, until none is left:
 * <ul>
 *   <li><b>Sum.</b> V = Σ_k a_k: L(V) = L(a_1) + Σ_{k&gt;1} L₀(a_k), with L₀ the layer without its bias, exact for
 *       any linear L (zero padding is linear too).</li>
 *   <li><b>Composition</b>, one exact linear map, when one of the two is a pointwise map. With the grouped kernels
 *       written in full (K[f,c,…] = 0 outside f's group):
 *       <ul>
 *         <li>dense ∘ dense: W = W_L·W_V, b = W_L·b_V + b_L;</li>
 *         <li>L a 1×1 conv with no padding, of stride (a, b): K[f,c,u,v] = Σ_m W_L[f,m]·K_V[m,c,u,v] with V's
 *             kernel and padding and the stride (a·s_H, b·s_W), s V's (it reads every a-th row of V's output, which
 *             is V's window moved a·s_H rows; ⌊⌊n/s⌋/a⌋ = ⌊n/(a·s)⌋ keeps the size), b = W_L·b_V + b_L;</li>
 *         <li>V a 1×1 conv of stride 1 and no padding: K[f,c,u,v] = Σ_m K_L[f,m,u,v]·W_V[m,c], L's window,
 *             b[f] = b_L[f] + Σ_{m,u,v} K_L[f,m,u,v]·b_V[m];</li>
 *         <li>V an affine a·x + s: K[f,c,…] = K_L[f,c,…]·a[c] in L's own grouping,
 *             b[f] = b_L[f] + Σ K_L[f,c,…]·s[c].</li>
 *       </ul>
 *       When L pads its input, its border taps read V's zero padding rather than b_V or s, so the last two compose
 *       only when L has no padding or V has no bias or shift.</li>
 *   <li><b>Signed split</b> otherwise: v = relu(v) − relu(−v), so L(V) = L(relu(V)) + L₀⁻(relu(V⁻)), with V⁻ the
 *       layer V with its weights and bias negated and L₀⁻ the layer L with its weights negated and no bias. Both
 *       relus become populations: the positive and the negative part of V, each rate-coded on its own and normalized
 *       by its own λ.</li>
 * </ul>
 * The composed or summed layer keeps L's name, so that its users read it unchanged; a V left without users is
 * removed.
 */
public final class ComposeLinear implements Pass {

    @Override
    public String name() {
        return "compose-linear";
    }

    @Override
    public String summary() {
        return "compose weighted layers with no relu between them into one, or split the value between them into its "
                + "positive and negative parts";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.BATCHNORM_FOLDED);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.LINEAR_COMPOSED);
    }

    @Override
    public Set<Stage> mustPrecede() {
        return EnumSet.of(Stage.NORMALIZED);
    }

    @Override
    public String mustPrecedeReason() {
        return "the relus of a signed split need a λ of their own";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        GraphBuilder builder = graph.toBuilder();
        Map<String, List<String>> splits = new HashMap<>();
        for (Optional<Node> layer = nextLinearReader(builder); layer.isPresent(); layer = nextLinearReader(builder)) {
            Node reader = layer.get();
            Node value = builder.nodes().get(reader.inputs().get(0));
            if (value instanceof Add sum) {
                distribute(builder, reader, sum);
                context.count("sums-distributed", 1);
            } else {
                Optional<Node> composed = compose(builder, reader, value);
                if (composed.isPresent()) {
                    builder.replace(composed.get());
                    context.count("layers-composed", 1);
                } else {
                    split(builder, reader, value, splits);
                    context.count("values-split", 1);
                }
            }
            builder.removeIfUnread(value.name());
        }
        return builder.pruneWeights().build();
    }

    /** A conv2d or dense layer reading a linear value, if there is one. */
    private static Optional<Node> nextLinearReader(GraphBuilder builder) {
        return builder.nodes().values().stream().filter(ComposeLinear::weighted)
                .filter(node -> linear(builder.nodes().get(node.inputs().get(0)))).findFirst();
    }

    /** Whether {@code graph} has no conv2d or dense layer that reads a linear value. */
    static boolean isComposed(Graph graph) {
        return graph.nodes().values().stream().filter(ComposeLinear::weighted)
                .noneMatch(node -> linear(graph.nodes().get(node.inputs().get(0))));
    }

    private static boolean weighted(Node node) {
        return node instanceof Conv2d || node instanceof Dense;
    }

    private static boolean linear(Node node) {
        return weighted(node) || node instanceof Affine || node instanceof Add;
    }

    /** Replaces L(Σ a_k) by Σ L(a_k), the bias on the first term only. */
    private static void distribute(GraphBuilder builder, Node reader, Add sum) {
        List<String> terms = new ArrayList<>();
        for (int k = 0; k < sum.inputs().size(); k++) {
            String operand = sum.inputs().get(k);
            Node term = copy(builder, reader, builder.freshName(reader.name() + "." + operand), operand, 1, k == 0);
            builder.insertBefore(reader.name(), term);
            terms.add(term.name());
        }
        builder.replace(new Add(reader.name(), terms, reader.span()));
    }

    /**
     * Replaces L(V) by L(relu(V)) + L₀⁻(relu(V⁻)), reusing V's relus when another reader made them ({@code parts}: per
     * split value, its positive and negative relus).
     */
    private static void split(GraphBuilder builder, Node reader, Node value, Map<String, List<String>> parts) {
        List<String> made = parts.computeIfAbsent(value.name(), name -> {
            String positiveName = builder.freshName(name + ".positive");
            builder.insertBefore(reader.name(), new Relu(positiveName, name, value.span()));
            String negated = builder.freshName(name + ".negated");
            builder.insertBefore(reader.name(), copy(builder, value, negated, value.inputs().get(0), -1, true));
            String negativeName = builder.freshName(name + ".negative");
            builder.insertBefore(reader.name(), new Relu(negativeName, negated, value.span()));
            return List.of(positiveName, negativeName);
        });
        String positive = made.get(0);
        String negative = made.get(1);
        Node onPositive = copy(builder, reader, builder.freshName(reader.name() + ".positive"), positive, 1, true);
        Node onNegative = copy(builder, reader, builder.freshName(reader.name() + ".negative"), negative, -1, false);
        builder.insertBefore(reader.name(), onPositive);
        builder.insertBefore(reader.name(), onNegative);
        builder.replace(new Add(reader.name(), List.of(onPositive.name(), onNegative.name()), reader.span()));
    }

    /**
     * A copy of the conv2d, dense or affine {@code layer} named {@code name} reading {@code operand}, its weights (or
     * scale) and, when {@code withBias}, its bias (or shift) times {@code sign}, in tensors of its own.
     */
    private static Node copy(GraphBuilder builder, Node layer, String name, String operand, double sign,
            boolean withBias) {
        if (layer instanceof Affine affine) {
            Optional<ParamRef> shift = affine.shift().filter(present -> withBias)
                    .map(present -> scaled(builder, present, name + ".shift", sign));
            return new Affine(name, operand, scaled(builder, affine.scale(), name + ".scale", sign), shift,
                    affine.span());
        }
        ParamRef weight = scaled(builder, layer.parameters().get("weight"), name + ".weight", sign);
        Optional<ParamRef> bias = Optional.ofNullable(layer.parameters().get("bias")).filter(b -> withBias)
                .map(b -> scaled(builder, b, name + ".bias", sign));
        return WeightedLayers.rebuilt(layer, name, operand, weight, bias);
    }

    private static ParamRef scaled(GraphBuilder builder, ParamRef ref, String base, double sign) {
        double[] values = values(builder, ref);
        for (int k = 0; k < values.length; k++) {
            values[k] *= sign;
        }
        return builder.addWeight(base, Tensor.wrap(tensor(builder, ref).shape(), values), ref.span());
    }

    /** L ∘ V as one layer named as L and reading V's operand, when the class comment's rules make it exact. */
    private static Optional<Node> compose(GraphBuilder builder, Node reader, Node value) {
        if (reader instanceof Dense outer && value instanceof Dense inner) {
            return Optional.of(composeDense(builder, outer, inner));
        }
        if (value instanceof Affine affine) {
            return composeAffine(builder, reader, affine);
        }
        if (reader instanceof Conv2d outer && value instanceof Conv2d inner) {
            Window2d outerWindow = outer.window();
            boolean outerOneByOne = outerWindow.kernelH() == 1 && outerWindow.kernelW() == 1;
            if (outerOneByOne && outerWindow.padding().equals(Padding.NONE)) {
                Window2d window = inner.window();
                return Optional.of(composeConv(builder, outer, inner, new Window2d(window.kernelH(), window.kernelW(),
                        window.strideH() * outerWindow.strideH(), window.strideW() * outerWindow.strideW(),
                        window.padding()), true));
            }
            if (pointwise(inner.window()) && (outer.window().padding().equals(Padding.NONE) || inner.bias().isEmpty()
                    || allZero(values(builder, inner.bias().get())))) {
                return Optional.of(composeConv(builder, outer, inner, outer.window(), false));
            }
        }
        return Optional.empty();
    }

    private static boolean pointwise(Window2d window) {
        return window.kernelH() == 1 && window.kernelW() == 1 && window.strideH() == 1 && window.strideW() == 1
                && window.padding().equals(Padding.NONE);
    }

    private static Dense composeDense(GraphBuilder builder, Dense outer, Dense inner) {
        double[] wo = values(builder, outer.weight());
        double[] wi = values(builder, inner.weight());
        int units = outer.units();
        int middle = inner.units();
        int inputs = wi.length / middle;
        double[] w = new double[units * inputs];
        double[] b = bias(builder, outer.bias(), units);
        double[] bi = bias(builder, inner.bias(), middle);
        for (int u = 0; u < units; u++) {
            for (int m = 0; m < middle; m++) {
                double factor = wo[u * middle + m];
                b[u] += factor * bi[m];
                for (int n = 0; n < inputs; n++) {
                    w[u * inputs + n] += factor * wi[m * inputs + n];
                }
            }
        }
        return new Dense(outer.name(), inner.input(), units,
                builder.addWeight(outer.name() + ".weight", Tensor.wrap(Shape.of(units, inputs), w),
                        outer.weight().span()),
                Optional.of(builder.addWeight(outer.name() + ".bias", Tensor.wrap(Shape.of(units), b),
                        outer.span())), outer.span());
    }

    /**
     * outer ∘ inner for two convolutions one of which is 1×1: with {@code outerPointwise} the outer one, so the
     * result has inner's kernel, else the inner one, so it has outer's; {@code window} is the result's. The bias
     * term sums the outer kernel over its taps, which the caller allows only when no tap reads padding or the inner
     * bias is zero.
     */
    private static Conv2d composeConv(GraphBuilder builder, Conv2d outer, Conv2d inner, Window2d window,
            boolean outerPointwise) {
        double[] ko = fullKernel(builder, outer);
        double[] ki = fullKernel(builder, inner);
        int filters = outer.filters();
        int middle = inner.filters();
        int taps = window.kernelH() * window.kernelW();
        int channels = ki.length / (middle * (outerPointwise ? taps : 1));
        double[] k = new double[filters * channels * taps];
        double[] b = bias(builder, outer.bias(), filters);
        double[] bi = bias(builder, inner.bias(), middle);
        for (int f = 0; f < filters; f++) {
            for (int m = 0; m < middle; m++) {
                for (int t = 0; t < taps; t++) {
                    double outerTap = outerPointwise ? ko[f * middle + m] : ko[(f * middle + m) * taps + t];
                    if (outerTap == 0) {
                        continue;
                    }
                    if (!outerPointwise || t == 0) {
                        b[f] += outerTap * bi[m];
                    }
                    for (int c = 0; c < channels; c++) {
                        double innerTap = outerPointwise ? ki[(m * channels + c) * taps + t] : ki[m * channels + c];
                        k[(f * channels + c) * taps + t] += outerTap * innerTap;
                    }
                }
            }
        }
        return new Conv2d(outer.name(), inner.input(), filters, window, 1,
                builder.addWeight(outer.name() + ".weight",
                        Tensor.wrap(Shape.of(filters, channels, window.kernelH(), window.kernelW()), k),
                        outer.weight().span()),
                Optional.of(builder.addWeight(outer.name() + ".bias", Tensor.wrap(Shape.of(filters), b),
                        outer.span())), outer.span());
    }

    /** L ∘ (a·x + s): L's weights scaled by a along its input channels, s folded into the bias when exact. */
    private static Optional<Node> composeAffine(GraphBuilder builder, Node reader, Affine affine) {
        double[] shift = affine.shift().map(ref -> values(builder, ref)).orElse(new double[0]);
        boolean padded = reader instanceof Conv2d conv && !conv.window().padding().equals(Padding.NONE);
        if (padded && !allZero(shift)) {
            return Optional.empty();
        }
        double[] scale = values(builder, affine.scale());
        Tensor weight = tensor(builder, reader.parameters().get("weight"));
        double[] w = weight.toArray();
        int outputs = weight.shape().dim(0);
        int perOutput = w.length / outputs;
        int groups = reader instanceof Conv2d conv ? conv.groups() : 1;
        int channelsPerGroup = reader instanceof Conv2d conv ? weight.shape().dim(1) : perOutput;
        int taps = perOutput / channelsPerGroup;
        double[] b = bias(builder, Optional.ofNullable(reader.parameters().get("bias")), outputs);
        for (int f = 0; f < outputs; f++) {
            int firstChannel = f * groups / outputs * channelsPerGroup;
            for (int k = 0; k < perOutput; k++) {
                int channel = firstChannel + k / taps;
                if (shift.length > 0) {
                    b[f] += w[f * perOutput + k] * shift[channel];
                }
                w[f * perOutput + k] *= scale[channel];
            }
        }
        ParamRef newWeight = builder.addWeight(reader.name() + ".weight", Tensor.wrap(weight.shape(), w),
                reader.parameters().get("weight").span());
        Optional<ParamRef> newBias = Optional.of(builder.addWeight(reader.name() + ".bias",
                Tensor.wrap(Shape.of(outputs), b), reader.span()));
        return Optional.of(WeightedLayers.rebuilt(reader, reader.name(), affine.input(), newWeight, newBias));
    }

    /** A conv's kernel as if ungrouped, [F, C, kH, kW] with zeros outside each filter's group. */
    private static double[] fullKernel(GraphBuilder builder, Conv2d conv) {
        Tensor weight = tensor(builder, conv.weight());
        double[] grouped = weight.toArray();
        int filters = conv.filters();
        int perGroup = weight.shape().dim(1);
        int taps = weight.shape().dim(2) * weight.shape().dim(3);
        int channels = perGroup * conv.groups();
        double[] full = new double[filters * channels * taps];
        for (int f = 0; f < filters; f++) {
            int firstChannel = f * conv.groups() / filters * perGroup;
            System.arraycopy(grouped, f * perGroup * taps, full, (f * channels + firstChannel) * taps,
                    perGroup * taps);
        }
        return full;
    }

    private static double[] bias(GraphBuilder builder, Optional<ParamRef> bias, int length) {
        return bias.map(ref -> values(builder, ref)).orElse(new double[length]);
    }

    private static boolean allZero(double[] values) {
        for (double value : values) {
            if (value != 0) {
                return false;
            }
        }
        return true;
    }

    private static Tensor tensor(GraphBuilder builder, ParamRef ref) {
        return builder.weights().get(ref.key()).orElseThrow();
    }
}
