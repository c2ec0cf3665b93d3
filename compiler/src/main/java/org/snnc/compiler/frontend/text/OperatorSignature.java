package org.snnc.compiler.frontend.text;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** What each operator of the network language accepts: how many operands, and which attributes. */
enum OperatorSignature {
    CONV2D("conv2d", 1, 1, "filters", "kernel", "stride", "padding", "groups", "weight", "bias"),
    DENSE("dense", 1, 1, "units", "weight", "bias"),
    BATCHNORM("batchnorm", 1, 1, "eps", "gamma", "beta", "mean", "var"),
    RELU("relu", 1, 1, "max"),
    AVGPOOL("avgpool", 1, 1, "kernel", "stride", "padding", "count_include_pad"),
    MAXPOOL("maxpool", 1, 1, "kernel", "stride", "padding"),
    FLATTEN("flatten", 1, 1),
    ADD("add", 2, Integer.MAX_VALUE),
    CONCAT("concat", 2, Integer.MAX_VALUE),
    DROPOUT("dropout", 1, 1, "rate"),
    SOFTMAX("softmax", 1, 1),
    AFFINE("affine", 1, 1, "scale", "shift"),
    ENCODE("encode", 1, 1, "mode", "seed"),
    IF("if", 1, 1, "threshold", "reset", "v0", "current", "current_decay", "voltage_decay", "weight_bits",
            "weight_exponent", "accumulator_bits", "state_bits",
            "overflow", "floor", "fire"),
    MAXPOOL_GATE("maxpool_gate", 1, 1, "kernel", "stride", "padding", "estimator", "decay"),
    READOUT("readout", 1, 1, "mode", "window", "seed"),
    PREVIOUS("previous", 1, 1, "shape");

    private static final Map<String, String> UNSUPPORTED = unsupportedOperators();

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

    /**
     * Why an operator that other frameworks have cannot be converted, for operators people are likely to write;
     * empty for anything else.
     */
    static Optional<String> unsupportedReason(String keyword) {
        return Optional.ofNullable(UNSUPPORTED.get(keyword)).map(reason -> keyword + ": " + reason);
    }

    private static Map<String, String> unsupportedOperators() {
        Map<String, String> reasons = new HashMap<>();
        String activation = "a spiking neuron's firing rate follows ReLU only, so rate-coded conversion needs relu";
        for (String op : List.of("sigmoid", "tanh", "gelu", "elu", "selu", "silu", "swish", "leaky_relu", "prelu",
                "softplus", "hardswish")) {
            reasons.put(op, activation);
        }
        String norm = "it normalizes each sample at run time; only inference batchnorm folds into the weights";
        for (String op : List.of("layernorm", "groupnorm", "instancenorm")) {
            reasons.put(op, norm);
        }
        for (String op : List.of("lstm", "gru", "rnn")) {
            reasons.put(op, "snnc converts feed-forward networks, not recurrent layers");
        }
        for (String op : List.of("mul", "div", "matmul")) {
            reasons.put(op, "a product of two activations has no synaptic equivalent");
        }
        for (String op : List.of("conv1d", "conv3d")) {
            reasons.put(op, "only 2-D convolutions are supported");
        }
        return Map.copyOf(reasons);
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
