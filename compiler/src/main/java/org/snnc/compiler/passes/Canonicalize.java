package org.snnc.compiler.passes;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Window2d;

/**
 * Rewrites the ANN into the forms the later passes expect, to a fixed point. Each rule keeps the ANN's function:
 * <ul>
 *   <li>{@code flatten(x) → x} when x is already a vector (a reshape that changes nothing);</li>
 *   <li>{@code avgpool(x) → x} and {@code maxpool(x) → x} for a 1×1 window with stride 1 and no padding (identity);</li>
 *   <li>{@code relu(relu(x)) → relu(x)}, since max(0, max(0, x)) = max(0, x), and with ceilings
 *       min(max(0, min(max(0, x), b)), a) = min(max(0, x), a) when b ≥ a (the outer relu's ceiling a is kept);</li>
 *   <li>{@code relu(maxpool(x)) → maxpool(relu(x))}, since clipping is monotone: min(max(0, max_w x), m) =
 *       max_w min(max(0, x), m) (m = +∞ for a plain relu). This
 *       puts the relu on the weighted layer, where it becomes an IF population, and the maxpool on spikes, where it
 *       becomes a gate.</li>
 *   <li>{@code maxpool_b(maxpool_a(x)) → maxpool(x)}: a max over maxes is the max over the union of the windows, which
 *       is one window per axis of kernel k_a + (k_b − 1)·s_a, stride s_a·s_b and leading padding p_a + p_b·s_a, its
 *       trailing padding the least that keeps b's output size (GoogLeNet's branch pool reading the pool before its
 *       inception block). The union is that whole window only when a's windows leave no gaps (k_a ≥ s_a), and when b
 *       pads its end only if a's last window reaches x's end (else the union would skip rows the window holds); the
 *       rule applies only then, and when the window needs no cropping.</li>
 *   <li>{@code maxpool(concat(a, b, …)) → concat(maxpool(a), maxpool(b), …)}, and alike for avgpool, since pooling
 *       works channel by channel and concat joins channels: each slice of the output pools its own operand. So a
 *       gate pools one population's spikes, as the chip's gate units do (GoogLeNet's and Inception's pools after
 *       their concatenations).</li>
 * </ul>
 * A value keeps its name: after a swap, the name of the relu names the new relu and users read the pool; after a
 * pooled concat is split, the pool's name names the new concat, and the pools of the operands get fresh names.
 */
public final class Canonicalize implements Pass {

    @Override
    public String name() {
        return "canonicalize";
    }

    @Override
    public String summary() {
        return "remove identity reshapes and pools, merge relus, and move relus before max pooling";
    }

    @Override
    public Set<Stage> requires() {
        return Set.of();
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.CANONICAL);
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        Graph current = graph;
        for (Optional<Rewrite> rewrite = firstRewrite(current); rewrite.isPresent(); rewrite = firstRewrite(current)) {
            current = rewrite.get().apply(current, context);
        }
        return current.toBuilder().pruneWeights().build();
    }

    /** Whether no rule applies to {@code graph}. */
    static boolean isCanonical(Graph graph) {
        return firstRewrite(graph).isEmpty();
    }

    private interface Rewrite {
        Graph apply(Graph graph, PassContext context);
    }

    private static Optional<Rewrite> firstRewrite(Graph graph) {
        Map<String, Shape> shapes = ShapeInference.infer(graph, new DiagnosticBag()).shapes();
        for (Node node : graph.nodes().values()) {
            if (node instanceof Flatten flatten && rankOf(shapes, flatten.input()) == 1
                    || isIdentityPool(node)) {
                return Optional.of((g, ctx) -> bypass(g, node, ctx));
            }
            if (node instanceof Relu relu && graph.node(relu.input()) instanceof Relu inner
                    && inner.ceiling() >= relu.ceiling()) {
                return Optional.of((g, ctx) -> bypass(g, g.node(relu.input()), ctx));
            }
            if (node instanceof Relu relu && graph.node(relu.input()) instanceof MaxPool pool
                    && graph.users(pool.name()).size() == 1) {
                return Optional.of((g, ctx) -> swap(g, relu, pool, ctx));
            }
            if (node instanceof MaxPool outer && graph.node(outer.input()) instanceof MaxPool inner) {
                Shape x = shapes.get(inner.input());
                Optional<Window2d> union = x == null ? Optional.empty()
                        : unionWindow(inner.window(), outer.window(), x.dim(1), x.dim(2));
                if (union.isPresent()) {
                    return Optional.of((g, ctx) -> poolOnce(g, outer, inner, union.get(), ctx));
                }
            }
            if ((node instanceof MaxPool || node instanceof AvgPool)
                    && graph.node(node.inputs().get(0)) instanceof Concat concat) {
                return Optional.of((g, ctx) -> poolEachOperand(g, node, concat, ctx));
            }
        }
        return Optional.empty();
    }

    private static int rankOf(Map<String, Shape> shapes, String value) {
        Shape shape = shapes.get(value);
        return shape == null ? -1 : shape.rank();
    }

    private static boolean isIdentityPool(Node node) {
        Window2d unit = new Window2d(1, 1, 1, 1, Padding.NONE);
        return node instanceof AvgPool pool && pool.window().equals(unit)
                || node instanceof MaxPool maxPool && maxPool.window().equals(unit);
    }

    /** The window of maxpool_b(maxpool_a(·)) over an h × w map, when the class comment's conditions hold. */
    static Optional<Window2d> unionWindow(Window2d a, Window2d b, int h, int w) {
        int[] rows = unionAxis(a.kernelH(), a.strideH(), a.padding().top(), a.padding().bottom(), b.kernelH(),
                b.strideH(), b.padding().top(), b.padding().bottom(), h);
        int[] cols = unionAxis(a.kernelW(), a.strideW(), a.padding().left(), a.padding().right(), b.kernelW(),
                b.strideW(), b.padding().left(), b.padding().right(), w);
        if (rows == null || cols == null) {
            return Optional.empty();
        }
        return Optional.of(new Window2d(rows[0], cols[0], rows[1], cols[1],
                new Padding(rows[2], cols[2], rows[3], cols[3])));
    }

    /** {kernel, stride, leading pad, trailing pad} of the union along one axis of extent n, or null. */
    private static int[] unionAxis(int ka, int sa, int pa, int qa, int kb, int sb, int pb, int qb, int n) {
        int innerOut = Math.floorDiv(n + pa + qa - ka, sa) + 1;
        int outerOut = Math.floorDiv(innerOut + pb + qb - kb, sb) + 1;
        boolean reachesEnd = (innerOut - 1) * sa - pa + ka >= n;
        if (ka < sa || innerOut < 1 || outerOut < 1 || qb > 0 && !reachesEnd) {
            return null;
        }
        int kernel = ka + (kb - 1) * sa;
        int stride = sa * sb;
        int lead = pa + pb * sa;
        int trail = (outerOut - 1) * stride + kernel - n - lead;
        if (trail < 0 || Math.floorDiv(n + lead + trail - kernel, stride) + 1 != outerOut) {
            return null;
        }
        return new int[] {kernel, stride, lead, trail};
    }

    /** Replaces maxpool_b(maxpool_a(x)) by one max pool over x, removing a if nothing else reads it. */
    private static Graph poolOnce(Graph graph, MaxPool outer, MaxPool inner, Window2d union, PassContext context) {
        context.count("max-pools-merged", 1);
        GraphBuilder builder = graph.toBuilder();
        builder.replace(new MaxPool(outer.name(), inner.input(), union, outer.span()));
        if (graph.users(inner.name()).size() == 1) {
            builder.remove(inner.name());
        }
        return builder.build();
    }

    /** Removes a one-operand identity, making its users read its operand. */
    private static Graph bypass(Graph graph, Node identity, PassContext context) {
        context.count("identities-removed", 1);
        String operand = identity.inputs().get(0);
        return graph.toBuilder().replaceUses(identity.name(), operand).remove(identity.name()).build();
    }

    /** Replaces pool(concat(a, b, …)) by concat(pool(a), pool(b), …), removing the concat if nothing else reads it. */
    private static Graph poolEachOperand(Graph graph, Node pool, Concat concat, PassContext context) {
        context.count("pools-moved-before-concat", 1);
        GraphBuilder builder = graph.toBuilder();
        List<String> pooled = new ArrayList<>();
        for (String operand : concat.inputs()) {
            String name = builder.freshName(pool.name() + "." + operand);
            builder.insertBefore(pool.name(), pool instanceof MaxPool max
                    ? new MaxPool(name, operand, max.window(), max.span())
                    : new AvgPool(name, operand, ((AvgPool) pool).window(), ((AvgPool) pool).countIncludePad(),
                            pool.span()));
            pooled.add(name);
        }
        builder.replace(new Concat(pool.name(), pooled, concat.span()));
        if (graph.users(concat.name()).size() == 1) {
            builder.remove(concat.name());
        }
        return builder.build();
    }

    private static Graph swap(Graph graph, Relu relu, MaxPool pool, PassContext context) {
        context.count("relus-moved-before-maxpool", 1);
        GraphBuilder builder = graph.toBuilder();
        builder.remove(relu.name());
        builder.insertBefore(pool.name(), new Relu(relu.name(), pool.input(), relu.ceiling(), relu.span()));
        builder.replace(pool.withInputs(List.of(relu.name())));
        builder.replaceUses(relu.name(), pool.name());
        return builder.build();
    }
}
