package org.snnc.compiler.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;

/**
 * Infers the shape of every value in definition order and the shape each parameter must have. Rules, for an input of
 * shape [C,H,W] (feature maps) or [N] (vectors):
 * <ul>
 *   <li>conv2d: [C,H,W] → [F, H′, W′] with H′, W′ from {@link Window2d}; C and F divisible by groups G;
 *       weight [F, C/G, kH, kW], bias [F].</li>
 *   <li>dense: [N] → [units]; weight [units, N], bias [units].</li>
 *   <li>batchnorm: [C,…] → [C,…]; γ, β, μ, σ² all [C].</li>
 *   <li>affine: [C,…] → [C,…]; scale and shift [C].</li>
 *   <li>relu, dropout, encode: shape unchanged. softmax, readout: [N] → [N].</li>
 *   <li>if: shape unchanged; current, if present, has the population's shape.</li>
 *   <li>maxpool_gate: as maxpool.</li>
 *   <li>avgpool, maxpool: [C,H,W] → [C,H′,W′]; padding smaller than the kernel on each axis.</li>
 *   <li>flatten: [C,H,W] → [C·H·W]; a vector stays as it is.</li>
 *   <li>add: every operand has one shape, which is the result's.</li>
 *   <li>concat: operands agree on every axis but 0; axis 0 is the sum.</li>
 *   <li>previous: the declared shape, which the {@link Verifier} checks against its source's.</li>
 * </ul>
 * Every value has at most 2^31-1 elements. A value whose operands have no shape (because of an earlier error) gets
 * none either, so one mistake is reported
 * once, not once per downstream value.
 */
public final class ShapeInference {

    private final DiagnosticBag diagnostics;
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final Map<ParamRef, Shape> expectedParameterShapes = new LinkedHashMap<>();

    private ShapeInference(DiagnosticBag diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The result: value shapes and the shape each parameter reference must have. */
    public record Result(Map<String, Shape> shapes, Map<ParamRef, Shape> expectedParameterShapes) {

        public Result {
            shapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
            expectedParameterShapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expectedParameterShapes));
        }

        public Shape shape(String name) {
            Shape shape = shapes.get(name);
            if (shape == null) {
                throw new IllegalArgumentException("no shape for '" + name + "'");
            }
            return shape;
        }
    }

    /** Infers shapes, reporting every shape error into {@code diagnostics}. */
    public static Result infer(Graph graph, DiagnosticBag diagnostics) {
        ShapeInference inference = new ShapeInference(diagnostics);
        for (Node node : graph.nodes().values()) {
            inference.visit(node);
        }
        return new Result(inference.shapes, inference.expectedParameterShapes);
    }

    private void visit(Node node) {
        List<Optional<Shape>> operands = node.inputs().stream().map(n -> Optional.ofNullable(shapes.get(n))).toList();
        if (operands.stream().anyMatch(Optional::isEmpty)) {
            return;
        }
        List<Shape> in = operands.stream().map(Optional::get).toList();
        Optional<Shape> out = outputShape(node, in).filter(shape -> fitsAnArray(node, shape));
        out.ifPresent(shape -> shapes.put(node.name(), shape));
    }

    /**
     * Whether a value of {@code shape} fits the int-indexed arrays every stage stores values in: at most 2^31-1
     * elements. A larger one (an input declared 1×100000×100000) is an error at the node that makes it, found
     * before anything sizes an array by it.
     */
    private boolean fitsAnArray(Node node, Shape shape) {
        long elements = 1;
        for (int d : shape.dims()) {
            // Both factors are below 2^31, so the product cannot overflow a long before it is compared.
            elements *= d;
            if (elements > Integer.MAX_VALUE) {
                diagnostics.report(DiagnosticCode.SHAPE_TOO_LARGE, node.span(), node.operator(), node.name(), shape);
                return false;
            }
        }
        return true;
    }

    private Optional<Shape> outputShape(Node node, List<Shape> in) {
        if (node instanceof Input input) {
            return Optional.of(input.shape());
        } else if (node instanceof PreviousStep previous) {
            return Optional.of(previous.shape());
        } else if (node instanceof Conv2d conv) {
            return conv2d(conv, in.get(0));
        } else if (node instanceof Dense dense) {
            return dense(dense, in.get(0));
        } else if (node instanceof BatchNorm bn) {
            return batchNorm(bn, in.get(0));
        } else if (node instanceof Affine affine) {
            Shape perChannel = Shape.of(in.get(0).dim(0));
            affine.parameters().values().forEach(p -> expect(p, perChannel));
            return Optional.of(in.get(0));
        } else if (node instanceof Relu || node instanceof Dropout || node instanceof SpikeEncoder) {
            return Optional.of(in.get(0));
        } else if (node instanceof IfNeurons neurons) {
            neurons.current().ifPresent(c -> expect(c, in.get(0)));
            return Optional.of(in.get(0));
        } else if (node instanceof MaxPoolGate gate) {
            return pool(gate, gate.window(), in.get(0));
        } else if (node instanceof Softmax) {
            return requireRank(node, in.get(0), 1, "");
        } else if (node instanceof Readout) {
            return Optional.of(Shape.of(in.get(0).size()));
        } else if (node instanceof AvgPool pool) {
            return pool(pool, pool.window(), in.get(0));
        } else if (node instanceof MaxPool pool) {
            return pool(pool, pool.window(), in.get(0));
        } else if (node instanceof Flatten) {
            return Optional.of(in.get(0).rank() == 1 ? in.get(0) : Shape.of(in.get(0).size()));
        } else if (node instanceof Add add) {
            return add(add, in);
        } else if (node instanceof Concat concat) {
            return concat(concat, in);
        }
        throw new IllegalStateException("no shape rule for " + node.operator());
    }

    private Optional<Shape> conv2d(Conv2d conv, Shape in) {
        if (requireRank(conv, in, 3, "").isEmpty()) {
            return Optional.empty();
        }
        int channels = in.dim(0);
        int groups = conv.groups();
        boolean divisible = true;
        if (channels % groups != 0) {
            diagnostics.report(DiagnosticCode.CHANNELS_NOT_DIVISIBLE, conv.span(), "input", channels, groups);
            divisible = false;
        }
        if (conv.filters() % groups != 0) {
            diagnostics.report(DiagnosticCode.CHANNELS_NOT_DIVISIBLE, conv.span(), "output", conv.filters(), groups);
            divisible = false;
        }
        if (divisible) {
            Window2d w = conv.window();
            expect(conv.weight(), Shape.of(conv.filters(), channels / groups, w.kernelH(), w.kernelW()));
        }
        conv.bias().ifPresent(b -> expect(b, Shape.of(conv.filters())));
        return spatial(conv, conv.window(), in).map(hw -> Shape.of(conv.filters(), hw[0], hw[1]));
    }

    private Optional<Shape> dense(Dense dense, Shape in) {
        String hint = in.rank() == 3 ? "; insert flatten before it" : "";
        if (requireRank(dense, in, 1, hint).isEmpty()) {
            return Optional.empty();
        }
        expect(dense.weight(), Shape.of(dense.units(), in.dim(0)));
        dense.bias().ifPresent(b -> expect(b, Shape.of(dense.units())));
        return Optional.of(Shape.of(dense.units()));
    }

    private Optional<Shape> batchNorm(BatchNorm bn, Shape in) {
        Shape perChannel = Shape.of(in.dim(0));
        bn.parameters().values().forEach(p -> expect(p, perChannel));
        return Optional.of(in);
    }

    private Optional<Shape> pool(Node pool, Window2d window, Shape in) {
        if (requireRank(pool, in, 3, "").isEmpty()) {
            return Optional.empty();
        }
        Padding p = window.padding();
        if (Math.max(p.top(), p.bottom()) >= window.kernelH() || Math.max(p.left(), p.right()) >= window.kernelW()) {
            diagnostics.report(DiagnosticCode.INVALID_ATTRIBUTE, pool.span(), "padding", pool.operator(),
                    "padding must be smaller than the kernel, or a window could hold padding only");
            return Optional.empty();
        }
        return spatial(pool, window, in).map(hw -> Shape.of(in.dim(0), hw[0], hw[1]));
    }

    private Optional<int[]> spatial(Node node, Window2d window, Shape in) {
        int h = window.outputHeight(in.dim(1));
        int w = window.outputWidth(in.dim(2));
        if (h <= 0 || w <= 0) {
            Padding p = window.padding();
            diagnostics.report(DiagnosticCode.KERNEL_DOES_NOT_FIT, node.span(),
                    window.kernelH() + "x" + window.kernelW(),
                    "[" + p.top() + "," + p.left() + "," + p.bottom() + "," + p.right() + "]",
                    in.dim(1) + "x" + in.dim(2));
            return Optional.empty();
        }
        return Optional.of(new int[] {h, w});
    }

    private Optional<Shape> add(Add add, List<Shape> in) {
        Shape first = in.get(0);
        for (Shape other : in.subList(1, in.size())) {
            if (!other.equals(first)) {
                diagnostics.report(DiagnosticCode.SHAPE_MISMATCH, add.span(), "add", first, other);
                return Optional.empty();
            }
        }
        return Optional.of(first);
    }

    private Optional<Shape> concat(Concat concat, List<Shape> in) {
        Shape first = in.get(0);
        int axis0 = 0;
        for (Shape other : in) {
            if (other.rank() != first.rank() || !other.dims().subList(1, other.rank())
                    .equals(first.dims().subList(1, first.rank()))) {
                diagnostics.report(DiagnosticCode.SHAPE_MISMATCH, concat.span(),
                        "concat (all axes but the first must agree)", first, other);
                return Optional.empty();
            }
            axis0 += other.dim(0);
        }
        int[] dims = first.toArray();
        dims[0] = axis0;
        return Optional.of(Shape.of(dims));
    }

    private Optional<Shape> requireRank(Node node, Shape in, int rank, String hint) {
        if (in.rank() != rank) {
            diagnostics.report(DiagnosticCode.RANK_MISMATCH, node.span(), node.operator(), rank, in, hint);
            return Optional.empty();
        }
        return Optional.of(in);
    }

    private void expect(ParamRef ref, Shape shape) {
        expectedParameterShapes.put(ref, shape);
    }
}
