package org.snnc.compiler.frontend.text;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.Decay;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Window2d;
import org.snnc.grammar.SnnParser;

/**
 * Lowers a parse tree to the IR. It checks what the tree alone can tell: operator names, operand counts, attribute
 * names and types, value names (unknown, duplicate, or used before their definition) and the output marker.
 * Pooling windows default to a stride equal to the kernel, as in PyTorch; convolutions to stride 1.
 */
final class TreeLowering {

    /** The batchnorm ε when none is written, as in PyTorch and ONNX. */
    static final double DEFAULT_BATCHNORM_EPSILON = 1e-5;
    /** The dropout rate when none is written, as in PyTorch. */
    static final double DEFAULT_DROPOUT_RATE = 0.5;

    /** The decay of a gate's exponential moving average estimator when none is written. */
    static final double DEFAULT_EMA_DECAY = 0.9;
    /** A gate's estimator words, each mapped to whether it selects the exponential moving average. */
    private static final List<String> FIXED_POINT_ATTRIBUTES = List.of("weight_bits", "weight_exponent",
            "accumulator_bits", "state_bits", "overflow", "floor", "fire");

    static final String CURRENT_DECAY = "current_decay";
    static final String VOLTAGE_DECAY = "voltage_decay";

    /** Registers wider than 62 bits could overflow the long arithmetic that integer simulation uses. */
    static final int MAX_REGISTER_BITS = 62;

    static final Map<String, Boolean> GATE_ESTIMATOR_IS_EMA = Map.of("count", false, "ema", true);

    private final SourceLocator locator;
    private final DiagnosticBag diagnostics;
    private final Map<String, SourceSpan> definitions = new HashMap<>();
    private final Set<String> defined = new HashSet<>();

    TreeLowering(SourceLocator locator, DiagnosticBag diagnostics) {
        this.locator = locator;
        this.diagnostics = diagnostics;
    }

    ParsedNetwork lower(SnnParser.NetworkContext tree) {
        String name = tree.networkHeader().identifier().getText();
        GraphBuilder graph = Graph.builder(name).span(locator.spanOf(tree.networkHeader()));
        Optional<SourceSpan> weightsSpan = Optional.empty();
        if (tree.weightsDecl() != null) {
            graph.weightsFile(Optional.of(StringLiterals.unquote(tree.weightsDecl().path.getText())));
            weightsSpan = Optional.of(locator.spanOf(tree.weightsDecl().path));
        }
        collectDefinitions(tree.statement());
        String output = null;
        for (SnnParser.StatementContext statement : tree.statement()) {
            Optional<Node> node = statement.inputDecl() != null
                    ? lowerInput(statement.inputDecl())
                    : lowerAssignment(statement.assignment());
            // A duplicate definition is already reported; keeping the first lets lowering go on.
            node.filter(n -> !graph.contains(n.name())).ifPresent(graph::add);
            SnnParser.AssignmentContext assignment = statement.assignment();
            if (assignment != null && assignment.OUTPUT() != null) {
                String marked = assignment.identifier().getText();
                if (output != null) {
                    diagnostics.report(DiagnosticCode.MULTIPLE_OUTPUTS, locator.spanOf(assignment), marked, output);
                } else {
                    output = marked;
                }
            }
        }
        if (tree.statement().stream().noneMatch(statement -> statement.inputDecl() != null)) {
            // Reported here as well as by the verifier: without an input, every operation is a name error first.
            diagnostics.report(DiagnosticCode.MISSING_INPUT_DECLARATION, locator.spanOf(tree.networkHeader()));
        }
        if (output == null) {
            diagnostics.report(DiagnosticCode.MISSING_OUTPUT, locator.spanOf(tree.networkHeader()));
            return new ParsedNetwork(graph.output("").build(), weightsSpan);
        }
        return new ParsedNetwork(graph.output(output).build(), weightsSpan);
    }

    private void collectDefinitions(List<SnnParser.StatementContext> statements) {
        for (SnnParser.StatementContext statement : statements) {
            SnnParser.IdentifierContext id = statement.inputDecl() != null
                    ? statement.inputDecl().identifier() : statement.assignment().identifier();
            SourceSpan span = locator.spanOf(id);
            SourceSpan first = definitions.putIfAbsent(id.getText(), span);
            if (first != null) {
                diagnostics.report(DiagnosticCode.DUPLICATE_NAME, span, id.getText(), first.relativeTo(span));
            }
        }
    }

    private Optional<Node> lowerInput(SnnParser.InputDeclContext declaration) {
        String name = declaration.identifier().getText();
        SnnParser.TensorTypeContext type = declaration.tensorType();
        SourceSpan span = locator.spanOf(declaration);
        boolean valid = true;
        Optional<DType> dtype = DType.fromSpelling(type.dtype.getText());
        if (dtype.isEmpty()) {
            diagnostics.report(DiagnosticCode.INVALID_INPUT_TYPE, locator.spanOf(type.dtype), name,
                    "unknown element type '" + type.dtype.getText() + "'; expected u8, i8, i32, i64, f32 or f64");
            valid = false;
        }
        int[] dims = type.dimensions().INT().stream()
                .mapToInt(t -> parseDimension(name, t.getSymbol())).toArray();
        valid &= java.util.Arrays.stream(dims).allMatch(d -> d > 0);
        Scale scale = Scale.ONE;
        if (type.scaleClause() != null) {
            double numerator = Numbers.parse(type.scaleClause().numerator);
            double denominator = type.scaleClause().denominator == null
                    ? 1 : Numbers.parse(type.scaleClause().denominator);
            if (!(numerator > 0 && denominator > 0 && Double.isFinite(numerator) && Double.isFinite(denominator))) {
                diagnostics.report(DiagnosticCode.INVALID_INPUT_TYPE, locator.spanOf(type.scaleClause()), name,
                        "the scale must be a positive finite ratio, got " + type.scaleClause().getText().substring(5));
                valid = false;
            } else {
                scale = new Scale(numerator, denominator);
            }
        }
        defined.add(name);
        return valid ? Optional.of(new Input(name, dtype.get(), Shape.of(dims), scale, span)) : Optional.empty();
    }

    private int parseDimension(String input, org.antlr.v4.runtime.Token token) {
        String text = token.getText();
        try {
            int dim = Integer.parseInt(text);
            if (dim > 0) {
                return dim;
            }
        } catch (NumberFormatException tooLarge) {
            // reported below, like a zero dimension
        }
        diagnostics.report(DiagnosticCode.INVALID_INPUT_TYPE, locator.spanOf(token), input,
                "dimension " + text + " must be a positive integer below 2^31");
        return 0;
    }

    private Optional<Node> lowerAssignment(SnnParser.AssignmentContext assignment) {
        String name = assignment.identifier().getText();
        SnnParser.OperationContext operation = assignment.operation();
        SourceSpan span = locator.spanOf(assignment);
        String keyword = operation.operator.getText();
        Optional<OperatorSignature> signature = OperatorSignature.forKeyword(keyword);
        if (signature.isEmpty()) {
            SourceSpan where = locator.spanOf(operation.operator);
            OperatorSignature.unsupportedReason(keyword).ifPresentOrElse(
                    reason -> diagnostics.report(DiagnosticCode.UNSUPPORTED_CONSTRUCT, where, reason),
                    () -> diagnostics.report(DiagnosticCode.UNKNOWN_OPERATOR, where, keyword,
                            OperatorSignature.allKeywords()));
            defined.add(name);
            return Optional.empty();
        }
        Arguments args = new Arguments(signature.get(), operation, locator, diagnostics);
        boolean operandsKnown = checkOperands(args, signature.get() == OperatorSignature.PREVIOUS);
        Node node = build(signature.get(), name, args, span);
        defined.add(name);
        return operandsKnown && args.operands().size() > 0 ? Optional.of(node) : Optional.empty();
    }

    /** Whether every operand is defined before its use, or anywhere in the network for a {@code recurrent} edge. */
    private boolean checkOperands(Arguments args, boolean recurrent) {
        boolean known = true;
        for (Arguments.Operand operand : args.operands()) {
            if (defined.contains(operand.name()) || recurrent && definitions.containsKey(operand.name())) {
                continue;
            }
            known = false;
            SourceSpan later = definitions.get(operand.name());
            if (later != null) {
                diagnostics.report(DiagnosticCode.USED_BEFORE_DEFINITION, operand.span(), operand.name(),
                        later.relativeTo(operand.span()));
            } else {
                diagnostics.report(DiagnosticCode.UNKNOWN_NAME, operand.span(), operand.name());
            }
        }
        return known;
    }

    private Node build(OperatorSignature signature, String name, Arguments args, SourceSpan span) {
        return switch (signature) {
            case CONV2D -> new Conv2d(name, args.operand(), args.positiveInt("filters"),
                    window(args, args.positivePair("kernel"), new int[] {1, 1}),
                    args.positiveInt("groups", 1), args.parameter("weight"), args.optionalParameter("bias"), span);
            case DENSE -> new Dense(name, args.operand(), args.positiveInt("units"), args.parameter("weight"),
                    args.optionalParameter("bias"), span);
            case BATCHNORM -> new BatchNorm(name, args.operand(), args.nonNegativeReal("eps", DEFAULT_BATCHNORM_EPSILON),
                    args.parameter("gamma"), args.parameter("beta"), args.parameter("mean"), args.parameter("var"),
                    span);
            case RELU -> new Relu(name, args.operand(), args.positiveReal("max", Double.POSITIVE_INFINITY), span);
            case AVGPOOL -> {
                int[] kernel = args.positivePair("kernel");
                yield new AvgPool(name, args.operand(), window(args, kernel, kernel),
                        args.bool("count_include_pad", false), span);
            }
            case MAXPOOL -> {
                int[] kernel = args.positivePair("kernel");
                yield new MaxPool(name, args.operand(), window(args, kernel, kernel), span);
            }
            case FLATTEN -> new Flatten(name, args.operand(), span);
            case ADD -> new Add(name, args.operandNames(), span);
            case CONCAT -> new Concat(name, args.operandNames(), span);
            case DROPOUT -> new Dropout(name, args.operand(), args.fraction("rate", DEFAULT_DROPOUT_RATE), span);
            case SOFTMAX -> new Softmax(name, args.operand(), span);
            case AFFINE -> new Affine(name, args.operand(), args.parameter("scale"), args.optionalParameter("shift"),
                    span);
            case ENCODE -> new SpikeEncoder(name, args.operand(),
                    args.word("mode", InputEncoding::fromSpelling, InputEncoding.ANALOG,
                            "analog, poisson or sequence"),
                    args.seed("seed"), span);
            case IF -> {
                double threshold = args.positiveReal("threshold", IfNeurons.UNIT_THRESHOLD);
                Optional<FixedPoint> fixed = fixedPoint(args);
                yield new IfNeurons(name, args.operand(), threshold,
                        args.word("reset", ResetMode::fromSpelling, ResetMode.SUBTRACT, "subtract or zero"),
                        args.realBelow("v0", 0, threshold), args.optionalParameter("current"),
                        fixed.isPresent() ? Optional.empty() : decay(args), fixed, span);
            }
            case MAXPOOL_GATE -> {
                int[] kernel = args.positivePair("kernel");
                boolean ema = args.word("estimator", w -> Optional.ofNullable(GATE_ESTIMATOR_IS_EMA.get(w)), false,
                        "count or ema");
                OptionalDouble decay = ema
                        ? OptionalDouble.of(args.fraction("decay", DEFAULT_EMA_DECAY)) : OptionalDouble.empty();
                yield new MaxPoolGate(name, args.operand(), window(args, kernel, kernel), decay, span);
            }
            case PREVIOUS -> new PreviousStep(name, args.operand(), Shape.of(args.positiveDims("shape", 3)), span);
            case READOUT -> new Readout(name, args.operand(),
                    args.word("mode", ReadoutMode::fromSpelling, ReadoutMode.MEMBRANE, "membrane, spikecount or softmax"),
                    args.word("window", ReadoutWindow::fromSpelling, ReadoutWindow.ALL, "all or half"),
                    args.seed("seed"), span);
        };
    }

    /**
     * A float population's decays, present when either is written: {@code current_decay} δu (default 1) and
     * {@code voltage_decay} δv (default 0), each in [0, 1].
     */
    private static Optional<Decay> decay(Arguments args) {
        if (!args.has(CURRENT_DECAY) && !args.has(VOLTAGE_DECAY)) {
            return Optional.empty();
        }
        return Optional.of(new Decay(args.unitInterval(CURRENT_DECAY, 1), args.unitInterval(VOLTAGE_DECAY, 0)));
    }

    /**
     * A quantized population's decays, present when either is written: integers δu (default 4096) and δv (default 0)
     * in [0, 4096].
     */
    private static Optional<FixedPoint.IntegerDecay> integerDecay(Arguments args) {
        if (!args.has(CURRENT_DECAY) && !args.has(VOLTAGE_DECAY)) {
            return Optional.empty();
        }
        int one = FixedPoint.IntegerDecay.ONE;
        return Optional.of(new FixedPoint.IntegerDecay(
                args.has(CURRENT_DECAY) ? args.intInRange(CURRENT_DECAY, 0, one) : one,
                args.has(VOLTAGE_DECAY) ? args.intInRange(VOLTAGE_DECAY, 0, one) : 0));
    }

    /**
     * The integer arithmetic of a quantized population, present when any of its attributes is written; then all but
     * {@code floor} and the decays are required.
     */
    private static Optional<FixedPoint> fixedPoint(Arguments args) {
        if (FIXED_POINT_ATTRIBUTES.stream().noneMatch(args::has)) {
            return Optional.empty();
        }
        return Optional.of(new FixedPoint(
                args.intInRange("weight_bits", 2, MAX_REGISTER_BITS),
                args.intInRange("weight_exponent", 0, MAX_REGISTER_BITS),
                args.intInRange("accumulator_bits", 2, MAX_REGISTER_BITS),
                args.intInRange("state_bits", 2, MAX_REGISTER_BITS),
                args.word("overflow", Overflow::fromSpelling, Overflow.SATURATE, "saturate or wrap"),
                args.optionalInteger("floor"),
                args.word("fire", FireComparison::fromSpelling, FireComparison.GE, "ge or gt"),
                integerDecay(args)));
    }

    private static Window2d window(Arguments args, int[] kernel, int[] defaultStride) {
        int[] stride = args.positivePair("stride", defaultStride);
        return new Window2d(kernel[0], kernel[1], stride[0], stride[1], args.padding("padding"));
    }
}
