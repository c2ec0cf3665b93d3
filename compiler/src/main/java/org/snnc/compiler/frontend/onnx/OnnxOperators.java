package org.snnc.compiler.frontend.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The ONNX operators of the default domain that the importer lowers, keyed by op type: each with what becomes of it
 * and its lowering. The table dispatches {@link OnnxLowering}'s nodes, and it writes the list of supported operators
 * that an unsupported one's E0401 names ({@link #supportedMessage()}) and README.md's operator table
 * ({@link #markdownTable()}), so that neither can drift from what the importer does.
 */
final class OnnxOperators {

    /** What becomes of an operator. */
    enum Fate {
        LAYER("becomes a layer"),
        FOLDED("folds into a neighbouring layer or the input's layout"),
        CONSTANT("is evaluated at import when its operands are constants");

        private final String meaning;

        Fate(String meaning) {
            this.meaning = meaning;
        }
    }

    /**
     * One supported operator.
     *
     * @param opType    the ONNX op type
     * @param fate      what becomes of it
     * @param condition when it is accepted and into what, for the message and the table; empty when always
     * @param lowering  lowers a node of this type
     */
    record Operator(String opType, Fate fate, String condition, BiConsumer<OnnxLowering, OnnxNode> lowering) {
    }

    /** Activations that rate-coded conversion cannot reproduce, refused by name with the reason (E0406). */
    static final Set<String> NONLINEARITIES = Collections.unmodifiableSet(new TreeSet<>(Set.of("LeakyRelu", "PRelu",
            "Sigmoid", "HardSigmoid", "Tanh", "Elu", "Selu", "Celu", "Gelu", "Erf", "Softplus", "Softsign",
            "HardSwish", "Mish", "ThresholdedRelu")));

    private static final Map<String, Operator> TABLE = table(List.of(
            new Operator("Add", Fate.LAYER, "a residual sum of activations; by a constant it folds into the layer "
                    + "before it", (l, n) -> l.dense.add(n)),
            new Operator("AveragePool", Fate.LAYER, "2-D, ceil_mode and count_include_pad too",
                    (l, n) -> l.windows.pool(n)),
            new Operator("BatchNormalization", Fate.LAYER, "inference mode", OnnxLowering::batchNorm),
            new Operator("Cast", Fate.CONSTANT, "", (l, n) -> l.constants.cast(n)),
            new Operator("Clip", Fate.LAYER, "Clip(0, m), a relu clipped at m (ReLU6)", OnnxLowering::clip),
            new Operator("Concat", Fate.LAYER, "along channels; one operand is the identity",
                    (l, n) -> l.reshapes.concat(n)),
            new Operator("Constant", Fate.CONSTANT, "", (l, n) -> l.constants.constantNode(n)),
            new Operator("ConstantOfShape", Fate.CONSTANT, "", (l, n) -> l.constants.constantOfShape(n)),
            new Operator("Conv", Fate.LAYER, "2-D, grouped and dilated too", (l, n) -> l.windows.conv(n)),
            new Operator("Div", Fate.FOLDED, "by a constant", (l, n) -> l.affine.arithmetic(n,
                    AffineView.Arithmetic.DIV)),
            new Operator("Dropout", Fate.FOLDED, "the identity at inference", OnnxLowering::dropout),
            new Operator("Flatten", Fate.LAYER, "", (l, n) -> l.reshapes.flatten(n)),
            new Operator("Gather", Fate.CONSTANT, "also of channels, folded into the layer that reads them",
                    (l, n) -> l.constants.gather(n)),
            new Operator("Gemm", Fate.LAYER, "a dense layer", (l, n) -> l.dense.gemm(n)),
            new Operator("GlobalAveragePool", Fate.LAYER, "an average pool over the whole map",
                    (l, n) -> l.windows.globalAveragePool(n)),
            new Operator("Identity", Fate.FOLDED, "", OnnxLowering::identity),
            new Operator("MatMul", Fate.LAYER, "by a constant matrix, a dense layer", (l, n) -> l.dense.matMul(n)),
            new Operator("MaxPool", Fate.LAYER, "2-D, ceil_mode too", (l, n) -> l.windows.pool(n)),
            new Operator("Mul", Fate.FOLDED, "by a constant", (l, n) -> l.affine.arithmetic(n,
                    AffineView.Arithmetic.MUL)),
            new Operator("Pad", Fate.FOLDED, "constant 0: of H and W into the conv or pool after it; of channels "
                    + "alone, a selecting 1×1 conv", (l, n) -> l.windows.pad(n)),
            new Operator("ReduceMean", Fate.LAYER, "over H and W, a global average pool",
                    (l, n) -> l.windows.reduceMean(n)),
            new Operator("Relu", Fate.LAYER, "", OnnxLowering::relu),
            new Operator("Reshape", Fate.LAYER, "one that flattens", (l, n) -> l.reshapes.reshape(n)),
            new Operator("Shape", Fate.CONSTANT, "", (l, n) -> l.constants.shapeOperator(n)),
            new Operator("Slice", Fate.LAYER, "of an activation's channels, or of its rows and columns from 0 by a "
                    + "step, a selecting 1×1 conv; of constants evaluated", (l, n) -> l.constants.slice(n)),
            new Operator("Softmax", Fate.LAYER, "the output", OnnxLowering::softmax),
            new Operator("Squeeze", Fate.LAYER, "a reshape", (l, n) -> l.reshapes.squeeze(n)),
            new Operator("Sub", Fate.FOLDED, "by a constant", (l, n) -> l.affine.arithmetic(n,
                    AffineView.Arithmetic.SUB)),
            new Operator("Transpose", Fate.FOLDED, "of an N×H×W×C input, or before a flatten; of constants too",
                    (l, n) -> l.reshapes.transpose(n)),
            new Operator("Unsqueeze", Fate.LAYER, "a reshape; of channels, folded into the layer that reads them",
                    (l, n) -> l.reshapes.unsqueeze(n))));

    private OnnxOperators() {
    }

    private static Map<String, Operator> table(List<Operator> operators) {
        Map<String, Operator> table = new LinkedHashMap<>();
        for (Operator operator : operators) {
            if (table.put(operator.opType(), operator) != null) {
                throw new IllegalStateException("operator " + operator.opType() + " listed twice");
            }
        }
        return Collections.unmodifiableMap(table);
    }

    /** The operator of {@code opType}, when the importer lowers it. */
    static Optional<Operator> of(String opType) {
        return Optional.ofNullable(TABLE.get(opType));
    }

    /** Every supported operator, by op type. */
    static Map<String, Operator> all() {
        return TABLE;
    }

    /** The supported operators as an unsupported one's E0401 lists them: per fate, each with its condition. */
    static String supportedMessage() {
        return java.util.Arrays.stream(Fate.values()).map(fate -> "that " + fate.meaning + ": "
                + TABLE.values().stream().filter(operator -> operator.fate() == fate)
                        .map(operator -> operator.opType()
                                + (operator.condition().isEmpty() ? "" : " (" + operator.condition() + ")"))
                        .collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }

    /** README.md's table of the supported operators, one row each, and of the refused nonlinearities. */
    static String markdownTable() {
        StringBuilder table = new StringBuilder("| ONNX operator | what becomes of it | accepted |\n|---|---|---|\n");
        for (Operator operator : TABLE.values()) {
            table.append("| `").append(operator.opType()).append("` | ").append(operator.fate().meaning)
                    .append(" | ").append(operator.condition().isEmpty() ? "always" : operator.condition())
                    .append(" |\n");
        }
        table.append("| ").append(NONLINEARITIES.stream().map(op -> "`" + op + "`").collect(Collectors.joining(", ")))
                .append(" | refused with E0406 | never: a rate-coded neuron has no equivalent |\n");
        return table.toString();
    }
}
