package org.snnc.compiler.frontend.text;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** What each operator of the network language accepts: how many operands, and which attributes. */
enum OperatorSignature {
    CONV2D("conv2d", 1, 1, "filters", "kernel", "stride", "padding", "groups", "weight", "bias"),
    DENSE("dense", 1, 1, "units", "weight", "bias"),
    BATCHNORM("batchnorm", 1, 1, "eps", "gamma", "beta", "mean", "var"),
    RELU("relu", 1, 1),
    AVGPOOL("avgpool", 1, 1, "kernel", "stride", "padding", "count_include_pad"),
    MAXPOOL("maxpool", 1, 1, "kernel", "stride", "padding"),
    FLATTEN("flatten", 1, 1),
    ADD("add", 2, Integer.MAX_VALUE),
    CONCAT("concat", 2, Integer.MAX_VALUE),
    DROPOUT("dropout", 1, 1, "rate"),
    SOFTMAX("softmax", 1, 1);

    private final String keyword;
    private final int minOperands;
    private final int maxOperands;
    private final List<String> attributes;

    OperatorSignature(String keyword, int minOperands, int maxOperands, String... attributes) {
        this.keyword = keyword;
        this.minOperands = minOperands;
        this.maxOperands = maxOperands;
        this.attributes = List.of(attributes);
    }

    static Optional<OperatorSignature> forKeyword(String keyword) {
        return Arrays.stream(values()).filter(op -> op.keyword.equals(keyword)).findFirst();
    }

    static String allKeywords() {
        return Arrays.stream(values()).map(op -> op.keyword).collect(Collectors.joining(", "));
    }

    String keyword() {
        return keyword;
    }

    boolean acceptsOperandCount(int count) {
        return count >= minOperands && count <= maxOperands;
    }

    /** The operand count in words, for diagnostics: "one operand", "two or more operands". */
    String operandCountInWords() {
        return maxOperands == 1 ? "one operand" : "two or more operands";
    }

    boolean acceptsAttribute(String name) {
        return attributes.contains(name);
    }

    String attributeList() {
        return attributes.isEmpty() ? "no attributes" : String.join(", ", attributes);
    }
}
