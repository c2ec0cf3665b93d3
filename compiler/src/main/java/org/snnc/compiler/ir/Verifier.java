package org.snnc.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.Severity;

/**
 * Checks every invariant of a {@link Graph} and reports all violations, not just the first:
 * <ol>
 *   <li>the network and every value have names the network language can write, so the graph prints;</li>
 *   <li>there is exactly one input;</li>
 *   <li>every operand names a value defined earlier, so the graph is acyclic and in topological order;</li>
 *   <li>the output names a value, and a softmax or readout appears only as the output;</li>
 *   <li>a spiking network (one with an {@code if} population) holds no relu, softmax, batchnorm or dropout, since
 *       to-spiking requires or makes their replacements; an encoder reads the input, and a readout reads a population;</li>
 *   <li>a quantized network (one with a {@link FixedPoint} population) is quantized throughout: every population has
 *       an integer threshold in [1, 2^(stateBits−1)−1] and integer currents within its state range, and reads its
 *       input through conv2d and dense synapses only (with flatten and add between them), whose weights are
 *       m·2^e with integer |m| ≤ 2^(weightBits−1)−1 for the population's e;</li>
 *   <li>a recurrent edge ({@link PreviousStep}) names an {@code if} population of the shape it declares;</li>
 *   <li>add and concat have at least two operands;</li>
 *   <li>shapes agree on every edge ({@link ShapeInference});</li>
 *   <li>every parameter reference names a tensor of the expected shape whose values are all finite;</li>
 *   <li>every value contributes to the output (a warning otherwise).</li>
 * </ol>
 */
public final class Verifier {

    /** The network language's identifiers (the grammar's IDENTIFIER token). */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_][a-zA-Z_0-9.]*");

    private Verifier() {
    }

    /** Every diagnostic for {@code graph}, errors and warnings, with the inferred shapes. */
    public record Report(List<Diagnostic> diagnostics, ShapeInference.Result shapes) {

        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR);
        }

        public List<Diagnostic> warnings() {
            return diagnostics.stream().filter(d -> d.severity() != Severity.ERROR).toList();
        }
    }

    public static Report check(Graph graph) {
        DiagnosticBag bag = new DiagnosticBag();
        checkNames(graph, bag);
        checkInputs(graph, bag);
        boolean referencesSound = checkReferences(graph, bag);
        checkOutput(graph, bag);
        checkSpikingStructure(graph, bag);
        ShapeInference.Result shapes = ShapeInference.infer(graph, bag);
        previousShapes(graph, shapes, bag);
        checkParameters(graph, shapes, bag);
        FixedPointCheck.check(graph, bag);
        if (referencesSound) {
            checkAllUsed(graph, bag);
        }
        return new Report(bag.diagnostics(), shapes);
    }

    /** Verifies {@code graph} and returns its shapes, or throws every error found. */
    public static ShapeInference.Result verify(Graph graph) {
        Report report = check(graph);
        if (report.hasErrors()) {
            throw new CompilationException(report.diagnostics().stream()
                    .filter(d -> d.severity() == Severity.ERROR).toList());
        }
        return report.shapes();
    }

    private static void checkNames(Graph graph, DiagnosticBag bag) {
        if (!IDENTIFIER.matcher(graph.name()).matches()) {
            bag.report(DiagnosticCode.INVALID_NAME, graph.span(), graph.name(), "network");
        }
        for (Node node : graph.nodes().values()) {
            if (!IDENTIFIER.matcher(node.name()).matches()) {
                bag.report(DiagnosticCode.INVALID_NAME, node.span(), node.name(), "value");
            }
        }
    }

    private static void checkInputs(Graph graph, DiagnosticBag bag) {
        List<Input> inputs = graph.inputs();
        if (inputs.isEmpty()) {
            bag.report(DiagnosticCode.MISSING_INPUT_DECLARATION, graph.span());
        }
        for (Input extra : inputs.subList(Math.min(1, inputs.size()), inputs.size())) {
            bag.report(DiagnosticCode.MULTIPLE_INPUTS, extra.span(), extra.name(),
                    inputs.get(0).span().relativeTo(extra.span()));
        }
    }

    private static boolean checkReferences(Graph graph, DiagnosticBag bag) {
        Set<String> defined = new HashSet<>();
        boolean sound = true;
        for (Node node : graph.nodes().values()) {
            for (String operand : node.inputs()) {
                if (defined.contains(operand)) {
                    continue;
                }
                sound = false;
                if (graph.nodes().containsKey(operand)) {
                    bag.report(DiagnosticCode.USED_BEFORE_DEFINITION, node.span(), operand,
                            graph.node(operand).span().relativeTo(node.span()));
                } else {
                    bag.report(DiagnosticCode.UNKNOWN_NAME, node.span(), operand);
                }
            }
            int operands = node.inputs().size();
            if ((node instanceof Add || node instanceof Concat) && operands < 2) {
                bag.report(DiagnosticCode.WRONG_OPERAND_COUNT, node.span(), node.operator(), "two or more operands",
                        operands);
            }
            defined.add(node.name());
        }
        return sound;
    }

    private static void checkOutput(Graph graph, DiagnosticBag bag) {
        if (!graph.nodes().containsKey(graph.output())) {
            bag.report(DiagnosticCode.UNKNOWN_NAME, graph.span(), graph.output());
        }
        for (Node node : graph.nodes().values()) {
            if (node instanceof Softmax && !node.name().equals(graph.output())) {
                bag.report(DiagnosticCode.SOFTMAX_NOT_OUTPUT, node.span(), node.name());
            }
            if (node instanceof Readout && !node.name().equals(graph.output())) {
                bag.report(DiagnosticCode.OUTPUT_ONLY_OPERATOR, node.span(), "readout", node.name(), "readout");
            }
        }
    }

    private static void checkSpikingStructure(Graph graph, DiagnosticBag bag) {
        boolean spiking = graph.nodes().values().stream().anyMatch(IfNeurons.class::isInstance);
        for (Node node : graph.nodes().values()) {
            if (spiking && (node instanceof Relu || node instanceof Softmax || node instanceof BatchNorm
                    || node instanceof Dropout)) {
                bag.report(DiagnosticCode.MIXED_NETWORK, node.span(), node.operator(), node.name(),
                        "the conversion passes replace every " + node.operator());
            }
            if (node instanceof PreviousStep previous) {
                previousSource(graph, previous, bag);
            } else if (node instanceof SpikeEncoder) {
                operandKind(graph, node, Input.class, "the network input", bag);
            } else if (node instanceof Readout) {
                operandKind(graph, node, IfNeurons.class, "an if population", bag);
            }
        }
    }

    /** A recurrent edge names an {@code if} population. */
    private static void previousSource(Graph graph, PreviousStep previous, DiagnosticBag bag) {
        Node source = graph.nodes().get(previous.source());
        if (source == null) {
            bag.report(DiagnosticCode.UNKNOWN_NAME, previous.span(), previous.source());
        } else if (!(source instanceof IfNeurons)) {
            bag.report(DiagnosticCode.WRONG_OPERAND_KIND, previous.span(), previous.operator(), previous.name(),
                    "an if population", source.operator(), source.name());
        }
    }

    /** A recurrent edge's declared shape is its source's, once both are known. */
    private static void previousShapes(Graph graph, ShapeInference.Result shapes, DiagnosticBag bag) {
        for (Node node : graph.nodes().values()) {
            if (node instanceof PreviousStep previous && shapes.shapes().containsKey(previous.source())) {
                Shape actual = shapes.shapes().get(previous.source());
                if (!actual.equals(previous.shape())) {
                    bag.report(DiagnosticCode.SHAPE_MISMATCH, previous.span(), "previous '" + previous.name()
                            + "' declares the shape of '" + previous.source() + "'", previous.shape(), actual);
                }
            }
        }
    }

    private static void operandKind(Graph graph, Node node, Class<? extends Node> kind, String wanted,
            DiagnosticBag bag) {
        Node operand = graph.nodes().get(node.inputs().get(0));
        if (operand != null && !kind.isInstance(operand)) {
            bag.report(DiagnosticCode.WRONG_OPERAND_KIND, node.span(), node.operator(), node.name(), wanted,
                    operand.operator(), operand.name());
        }
    }

    private static void checkParameters(Graph graph, ShapeInference.Result shapes, DiagnosticBag bag) {
        String source = graph.weightsFile().orElse("the weights");
        for (Node node : graph.nodes().values()) {
            for (Map.Entry<String, ParamRef> role : node.parameters().entrySet()) {
                ParamRef ref = role.getValue();
                Tensor tensor = graph.weights().tensors().get(ref.key());
                if (tensor == null) {
                    if (graph.weightsFile().isEmpty() && graph.weights().tensors().isEmpty()) {
                        bag.report(DiagnosticCode.NO_WEIGHTS_FILE, ref.span(), node.operator(), ref.key());
                    } else {
                        bag.report(DiagnosticCode.MISSING_PARAMETER, ref.span(), role.getKey(), ref.key(), source);
                    }
                    continue;
                }
                Shape expected = shapes.expectedParameterShapes().get(ref);
                if (expected != null && !expected.equals(tensor.shape())) {
                    bag.report(DiagnosticCode.PARAMETER_SHAPE, ref.span(), role.getKey(), ref.key(), tensor.shape(),
                            expected);
                }
                int bad = tensor.firstNonFinite();
                if (bad >= 0) {
                    bag.report(DiagnosticCode.NON_FINITE_PARAMETER, ref.span(), role.getKey(), ref.key(),
                            tensor.get(bad), bad);
                }
            }
        }
    }

    private static void checkAllUsed(Graph graph, DiagnosticBag bag) {
        if (!graph.nodes().containsKey(graph.output())) {
            return;
        }
        Set<String> live = new HashSet<>();
        live.add(graph.output());
        List<Node> reversed = new ArrayList<>(graph.nodes().values());
        Collections.reverse(reversed);
        // A recurrent edge makes a value defined earlier use a later one, so one backward sweep may not reach it.
        boolean grew = true;
        while (grew) {
            int before = live.size();
            for (Node node : reversed) {
                if (live.contains(node.name())) {
                    live.addAll(node.inputs());
                    if (node instanceof PreviousStep previous) {
                        live.add(previous.source());
                    }
                }
            }
            grew = live.size() > before;
        }
        for (Node node : graph.nodes().values()) {
            if (!live.contains(node.name()) && !(node instanceof Input)) {
                bag.report(DiagnosticCode.UNUSED_VALUE, node.span(), node.name());
            }
        }
    }
}
