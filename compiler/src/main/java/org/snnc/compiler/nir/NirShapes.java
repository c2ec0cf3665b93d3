package org.snnc.compiler.nir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/**
 * The shape of every node's input and output in a flattened graph, without batch axis, inferred from the Input nodes
 * along the forward edges and from the nodes' own fields, and checked: every problem is E1105 naming the node and the
 * field.
 *
 * <ul>
 *   <li>A node's input is the sum of its incoming edges, which must all carry one shape. A node no forward edge
 *       reaches takes its input shape from its fields (an Affine's weight, a Conv2d's {@code input_shape}, a neuron's
 *       non-scalar parameter) and receives zeros, or the previous step's values along its back edges, which must
 *       carry that shape too.</li>
 *   <li>Input: its {@code shape}. Output: its input, which must equal its {@code shape} when that is given.</li>
 *   <li>Affine, Linear: W of shape [out, in] applied along the last axis: [..., in] → [..., out].</li>
 *   <li>Conv1d, Conv2d, SumPool2d, AvgPool2d: {@link NirConvolution}.</li>
 *   <li>Flatten: axes start … end merged; its {@code input_type}, when given, must equal the input.</li>
 *   <li>Scale, Delay, Threshold and the neurons keep the shape; each parameter has one value, or one per element
 *       ({@link NirParameters}).</li>
 * </ul>
 *
 * @param inputs  the shape of each node's summed input (an Input node's: its {@code shape})
 * @param outputs the shape of each node's output
 */
record NirShapes(Map<String, Shape> inputs, Map<String, Shape> outputs) {

    /** The shapes of {@code graph} (flattened, scheduled by {@code schedule}), or E1105 where they do not fit. */
    static NirShapes infer(NirGraph graph, NirSchedule schedule, SourceSpan span) {
        Map<String, Shape> inputs = new LinkedHashMap<>();
        Map<String, Shape> outputs = new LinkedHashMap<>();
        for (String name : schedule.order()) {
            NirNode node = graph.nodes().get(name);
            Shape input = null;
            String firstSource = null;
            for (NirEdge edge : schedule.incoming().get(name)) {
                if (schedule.backEdges().contains(edge)) {
                    continue;
                }
                Shape shape = outputs.get(edge.source());
                if (input != null && !input.equals(shape)) {
                    throw fail(span, name, node, "it sums inputs of different shapes: '" + firstSource + "' gives "
                            + input + ", '" + edge.source() + "' gives " + shape);
                }
                input = shape;
                firstSource = edge.source();
            }
            Flow flow = flow(name, node, input, span);
            inputs.put(name, flow.input);
            outputs.put(name, flow.output);
        }
        for (NirEdge edge : schedule.backEdges()) {
            Shape carried = outputs.get(edge.source());
            Shape expected = inputs.get(edge.target());
            if (!carried.equals(expected)) {
                NirNode target = graph.nodes().get(edge.target());
                throw fail(span, edge.target(), target, "its input has shape " + expected + ", but the back edge "
                        + edge + " carries " + carried);
            }
        }
        return new NirShapes(Collections.unmodifiableMap(inputs), Collections.unmodifiableMap(outputs));
    }

    private static CompilationException fail(SourceSpan span, String name, NirNode node, String problem) {
        return CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, node.type(), problem);
    }

    /** A node's input and output shapes. */
    private record Flow(Shape input, Shape output) {
        static Flow same(Shape shape) {
            return new Flow(shape, shape);
        }
    }

    /** The shapes through {@code node} for an input of shape {@code in}, or null when no forward edge gives one. */
    private static Flow flow(String name, NirNode node, Shape in, SourceSpan span) {
        if (node instanceof NirNode.Input input) {
            Shape declared = declared(name, node, "shape", input.shape(), span);
            if (in != null && !in.equals(declared)) {
                throw fail(span, name, node, "field 'shape' is " + declared + ", but its input has shape " + in);
            }
            return Flow.same(declared);
        }
        if (node instanceof NirNode.Output output) {
            Shape declared = output.shape().isEmpty() ? null : declared(name, node, "shape", output.shape(), span);
            if (in != null && declared != null && !in.equals(declared)) {
                throw fail(span, name, node, "field 'shape' is " + declared + ", but its input has shape " + in);
            }
            return Flow.same(in != null ? in : require(span, name, node, declared, "no edge gives its input's shape"));
        }
        if (node instanceof NirNode.Affine affine) {
            return matrix(name, node, affine.weight(), affine.bias(), in, span);
        }
        if (node instanceof NirNode.Linear linear) {
            return matrix(name, node, linear.weight(), null, in, span);
        }
        if (node instanceof NirNode.Conv1d || node instanceof NirNode.Conv2d || node instanceof NirNode.SumPool2d
                || node instanceof NirNode.AvgPool2d) {
            NirConvolution convolution = NirConvolution.of(name, node, in, span);
            return new Flow(convolution.inputShape(), convolution.outputShape());
        }
        if (node instanceof NirNode.Flatten flatten) {
            return flatten(name, flatten, in, span);
        }
        return Flow.same(elementwise(name, node, in, span));
    }

    private static Shape require(SourceSpan span, String name, NirNode node, Shape shape, String problem) {
        if (shape == null) {
            throw fail(span, name, node, problem);
        }
        return shape;
    }

    private static Shape declared(String name, NirNode node, String field, List<Integer> dims, SourceSpan span) {
        for (int d : dims) {
            if (d < 1) {
                throw fail(span, name, node, "field '" + field + "' is " + dims + "; dimensions are positive");
            }
        }
        return new Shape(dims);
    }

    /** y = W·x (+ b) along the last axis. */
    private static Flow matrix(String name, NirNode node, Tensor weight, Tensor bias, Shape in, SourceSpan span) {
        if (weight.shape().rank() != 2) {
            throw fail(span, name, node, "field 'weight' has shape " + weight.shape() + ", not [out, in]");
        }
        int rows = weight.shape().dim(0);
        int columns = weight.shape().dim(1);
        if (bias != null && bias.size() != rows && bias.size() != 1) {
            throw fail(span, name, node, "field 'bias' has shape " + bias.shape() + ", not [" + rows
                    + "] as field 'weight' " + weight.shape() + " needs");
        }
        if (in == null) {
            return new Flow(Shape.of(columns), Shape.of(rows));
        }
        if (in.rank() == 0 || in.dim(in.rank() - 1) != columns) {
            throw fail(span, name, node, "field 'weight' has shape " + weight.shape() + ", which takes " + columns
                    + " inputs, but its input has shape " + in);
        }
        List<Integer> dims = new ArrayList<>(in.dims());
        dims.set(dims.size() - 1, rows);
        return new Flow(in, new Shape(dims));
    }

    private static Flow flatten(String name, NirNode.Flatten flatten, Shape in, SourceSpan span) {
        Shape declared = flatten.inputShape().isEmpty() ? null
                : declared(name, flatten, "input_type", flatten.inputShape(), span);
        if (in != null && declared != null && !in.equals(declared)) {
            throw fail(span, name, flatten, "field 'input_type' is " + declared + ", but its input has shape " + in);
        }
        Shape shape = in != null ? in : require(span, name, flatten, declared,
                "no edge gives its input's shape, and field 'input_type' does not either");
        int rank = shape.rank();
        int start = flatten.startDim() < 0 ? flatten.startDim() + rank : flatten.startDim();
        int end = flatten.endDim() < 0 ? flatten.endDim() + rank : flatten.endDim();
        if (start < 0 || start >= rank) {
            throw fail(span, name, flatten, "field 'start_dim' is " + flatten.startDim() + ", outside its input "
                    + shape);
        }
        if (end < start || end >= rank) {
            throw fail(span, name, flatten, "field 'end_dim' is " + flatten.endDim() + ", outside its input "
                    + shape + " or before 'start_dim' " + flatten.startDim());
        }
        List<Integer> dims = new ArrayList<>(shape.dims().subList(0, start));
        dims.add(new Shape(shape.dims().subList(start, end + 1)).size());
        dims.addAll(shape.dims().subList(end + 1, rank));
        return new Flow(shape, new Shape(dims));
    }

    /** Scale, Delay, Threshold and the neurons: the input's shape, which each parameter must fit. */
    private static Shape elementwise(String name, NirNode node, Shape in, SourceSpan span) {
        Shape shape = in;
        for (Map.Entry<String, Tensor> field : NirParameters.of(node).entrySet()) {
            Shape own = field.getValue().shape();
            if (shape == null && field.getValue().size() > 1) {
                shape = own;
            } else if (shape != null && field.getValue().size() != 1 && field.getValue().size() != shape.size()) {
                throw fail(span, name, node, "field '" + field.getKey() + "' has shape " + own + ", which fits "
                        + (in != null ? "neither one value nor its input " + in
                        : "neither one value nor the other fields' " + shape));
            }
        }
        return require(span, name, node, shape,
                "no edge gives its input's shape, and its fields are single values that do not either");
    }
}
