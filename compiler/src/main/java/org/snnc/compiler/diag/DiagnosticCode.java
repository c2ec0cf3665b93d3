package org.snnc.compiler.diag;

import java.util.Locale;

/**
 * The catalogue of every diagnostic snnc reports. A code's number is stable: once released it never changes meaning,
 * so that scripts, tests and bug reports can rely on it. Templates are {@link String#format} patterns.
 *
 * <p>Ranges: E01xx text syntax and names, E02xx shapes and attributes, E03xx parameters and weights files,
 * E04xx ONNX import, E05xx data and inputs, E06xx files, paths and memory, E07xx conversion pipelines and passes,
 * E08xx chip specs, E09xx target compilation, E11xx NIR graphs, E12xx sharded runs and their merge (E10xx are the
 * emulator's configuration errors).
 */
public enum DiagnosticCode {
    // E01xx: syntax and names
    SYNTAX_ERROR(101, Severity.ERROR, "syntax error: %s"),
    UNKNOWN_NAME(102, Severity.ERROR, "unknown value '%s'"),
    DUPLICATE_NAME(103, Severity.ERROR, "'%s' is already defined at %s"),
    UNKNOWN_OPERATOR(104, Severity.ERROR, "unknown operator '%s'; expected one of %s"),
    USED_BEFORE_DEFINITION(105, Severity.ERROR, "'%s' is used before its definition at %s"),
    MISSING_INPUT_DECLARATION(106, Severity.ERROR, "the network declares no input"),
    MULTIPLE_INPUTS(107, Severity.ERROR, "a second input '%s'; snnc networks have exactly one input, first declared at %s"),
    MISSING_OUTPUT(108, Severity.ERROR, "the network marks no value as its output; write 'output NAME = ...'"),
    MULTIPLE_OUTPUTS(109, Severity.ERROR, "a second output '%s'; the output is already '%s'"),
    UNUSED_VALUE(110, Severity.WARNING, "'%s' is computed but never used"),
    INVALID_NAME(111, Severity.ERROR, "'%s' cannot name a %s; names are letters, digits, '_' and '.', not starting "
            + "with a digit or '.'"),

    // E02xx: operands, attributes and shapes
    WRONG_OPERAND_COUNT(201, Severity.ERROR, "%s takes %s, got %d"),
    UNKNOWN_ATTRIBUTE(202, Severity.ERROR, "%s has no attribute '%s'; it accepts %s"),
    MISSING_ATTRIBUTE(203, Severity.ERROR, "%s needs attribute '%s'"),
    DUPLICATE_ATTRIBUTE(204, Severity.ERROR, "attribute '%s' is given twice"),
    INVALID_ATTRIBUTE(205, Severity.ERROR, "attribute '%s' of %s: %s"),
    SHAPE_MISMATCH(206, Severity.ERROR, "%s: shapes %s and %s do not match"),
    KERNEL_DOES_NOT_FIT(207, Severity.ERROR, "kernel %s with padding %s does not fit input %s"),
    RANK_MISMATCH(208, Severity.ERROR, "%s expects a rank-%d input, got %s%s"),
    CHANNELS_NOT_DIVISIBLE(209, Severity.ERROR, "%s of %d channels cannot be split into %d groups"),
    UNSUPPORTED_CONSTRUCT(210, Severity.ERROR, "unsupported: %s"),
    SOFTMAX_NOT_OUTPUT(211, Severity.ERROR, "softmax '%s' is not the network output; snnc supports softmax only as the output"),
    INVALID_INPUT_TYPE(212, Severity.ERROR, "input '%s': %s"),
    OUTPUT_ONLY_OPERATOR(213, Severity.ERROR, "%s '%s' is not the network output; %s appears only as the output"),
    MIXED_NETWORK(214, Severity.ERROR, "%s '%s' is an ANN operation in a network of IF populations; %s"),
    WRONG_OPERAND_KIND(215, Severity.ERROR, "%s '%s' must read %s, but reads %s '%s'"),
    PARTLY_QUANTIZED(216, Severity.ERROR, "if '%s' has no fixed-point arithmetic but '%s' has; a quantized network is "
            + "quantized throughout"),
    NOT_FIXED_POINT(217, Severity.ERROR, "%s '%s' in a quantized network: %s"),
    SHAPE_TOO_LARGE(218, Severity.ERROR, "%s '%s' has shape %s, more than 2^31-1 elements; snnc stores at most "
            + "2^31-1 values per layer"),

    // E03xx: parameters and weights files
    MISSING_PARAMETER(301, Severity.ERROR, "%s '%s' is not in %s"),
    PARAMETER_SHAPE(302, Severity.ERROR, "%s '%s' has shape %s, expected %s"),
    NON_FINITE_PARAMETER(303, Severity.ERROR, "%s '%s' holds %s at flat index %d"),
    WEIGHTS_FILE_MISSING(304, Severity.ERROR, "weights file %s does not exist"),
    WEIGHTS_FILE_TRUNCATED(305, Severity.ERROR, "%s is truncated: %s"),
    WEIGHTS_FILE_MALFORMED(306, Severity.ERROR, "%s is not a valid npz/npy file: %s"),
    NO_WEIGHTS_FILE(307, Severity.ERROR, "%s names parameter '%s' but the network declares no weights file"),
    UNSUPPORTED_DTYPE(308, Severity.ERROR, "%s: unsupported dtype '%s'; snnc reads f4, f8, u1, i1, i4 and i8"),

    // E04xx: ONNX import
    ONNX_UNSUPPORTED_OPERATOR(401, Severity.ERROR, "ONNX operator %s (node '%s') is not supported; snnc imports %s"),
    ONNX_UNSUPPORTED_ATTRIBUTE(402, Severity.ERROR, "ONNX node '%s' (%s): %s"),
    ONNX_MALFORMED(403, Severity.ERROR, "cannot read ONNX model: %s"),
    ONNX_DYNAMIC_WEIGHT(404, Severity.ERROR, "ONNX node '%s' (%s): input '%s' must be an initializer (a constant weight)"),
    ONNX_UNSUPPORTED_GRAPH(405, Severity.ERROR, "ONNX graph: %s"),
    ONNX_NONLINEARITY(406, Severity.ERROR, "ONNX operator %s (node '%s') cannot be converted: a spiking neuron's rate is "
            + "a ReLU of its input, clipped at its highest rate, so %s has no exact rate-coded integrate-and-fire "
            + "equivalent; train the network with ReLU or ReLU6 (Clip(0, m)) instead"),

    // E05xx: data sets and inference inputs
    DATA_MISSING_ARRAY(501, Severity.ERROR, "%s holds no array '%s'; a data set has 'x' (images) and 'y' (labels)"),
    DATA_SHAPE_MISMATCH(502, Severity.ERROR, "%s: %s"),
    DATA_DTYPE_MISMATCH(503, Severity.ERROR, "%s: array '%s' is %s but network input '%s' expects %s%s"),
    EMPTY_DATA_SET(504, Severity.ERROR, "%s holds no images; %s needs at least one"),

    // E06xx: files, paths and memory
    PATH_ESCAPES_FOLDER(601, Severity.ERROR, "path \"%s\" leaves the folder of %s; pass --allow-outside-paths to permit it"),
    FILE_NOT_FOUND(602, Severity.ERROR, "file %s does not exist"),
    FILE_UNREADABLE(603, Severity.ERROR, "cannot read %s: %s"),
    FILE_UNWRITABLE(604, Severity.ERROR, "cannot write %s: %s"),
    UNKNOWN_FILE_KIND(605, Severity.ERROR, "%s: unknown file kind; expected %s"),
    MEMORY_LIMIT(606, Severity.ERROR, "%s needs %,d bytes of memory, more than the %,d the heap has free; give the "
            + "JVM more with SNNC_JAVA_OPTS=-Xmx<size>, or %s"),
    INVALID_PATH(607, Severity.ERROR, "\"%s\" is not a valid path: %s"),

    // E07xx: conversion pipelines and passes
    UNKNOWN_PASS(701, Severity.ERROR, "unknown pass '%s'; the passes are %s"),
    PIPELINE_ORDER(702, Severity.ERROR, "%s"),
    CALIBRATION_REQUIRED(703, Severity.ERROR, "pass '%s' needs calibration data; pass --calibration DATA.npz"),
    NOT_CONVERTIBLE(704, Severity.ERROR, "%s '%s' cannot be converted: %s"),
    NOT_SIMULATABLE(705, Severity.ERROR, "the network is not ready to simulate: %s"),

    // E08xx: chip specs
    CHIP_SPEC_SYNTAX(801, Severity.ERROR, "chip spec is not valid JSON: %s"),
    CHIP_SPEC_MISSING_FIELD(802, Severity.ERROR, "chip spec: missing field '%s'"),
    CHIP_SPEC_UNKNOWN_FIELD(803, Severity.ERROR, "chip spec: unknown field '%s'; expected one of %s"),
    CHIP_SPEC_INVALID_FIELD(804, Severity.ERROR, "chip spec: field '%s' %s"),
    UNKNOWN_TARGET(805, Severity.ERROR, "unknown target '%s'; the built-in targets are %s, or give the path of a chip "
            + "spec .json file"),

    // E09xx: quantization, partitioning, mapping and emission for a target
    FEATURE_UNSUPPORTED(901, Severity.ERROR, "%s '%s' needs %s, which target %s lacks; %s"),
    FEATURE_REPLACED(902, Severity.WARNING, "%s '%s' is replaced by %s for target %s; %s"),
    LAYER_TOO_BIG(903, Severity.ERROR, "layer '%s' does not fit target %s: %s"),
    TOO_MANY_CORES(904, Severity.ERROR, "the network needs %d cores but target %s has %d: %s"),
    CORE_LIMIT(905, Severity.ERROR, "core %d: %s %d exceeds %d"),
    NO_VALID_MAPPING(906, Severity.ERROR, "no valid mapping onto target %s: %s"),
    UNSUPPORTED_GEOMETRY(907, Severity.ERROR, "layer '%s' does not fit target %s: %s"),
    NOT_QUANTIZABLE(908, Severity.ERROR, "layer '%s' cannot be quantized for target %s: %s"),
    QUANTIZATION_CLIPPED(909, Severity.WARNING, "layer '%s': %s"),

    // E11xx: NIR graphs
    NIR_MALFORMED(1101, Severity.ERROR, "%s is not a NIR graph: %s"),
    NIR_UNKNOWN_NODE(1102, Severity.ERROR, "node '%s': unknown NIR node type '%s'; snnc reads %s"),
    NIR_BAD_FIELD(1103, Severity.ERROR, "node '%s' (%s), field '%s': %s"),
    NIR_BAD_EDGE(1104, Severity.ERROR, "edge %s: %s"),
    NIR_SHAPE_MISMATCH(1105, Severity.ERROR, "node '%s' (%s): %s"),
    NIR_NOT_COMPILABLE(1106, Severity.ERROR, "node '%s' (%s) cannot be compiled: %s"),
    NIR_NOT_EXPORTABLE(1107, Severity.ERROR, "'%s' cannot be written as NIR: %s"),

    // E12xx: sharded runs and their merge
    SHARD_INVALID(1201, Severity.ERROR, "shard %s: %s"),
    PARTIAL_MALFORMED(1202, Severity.ERROR, "%s is not a partial run that snnc run --partial wrote: %s"),
    PARTIALS_DISAGREE(1203, Severity.ERROR, "%s and %s are not parts of the same run: %s"),
    SHARDS_OVERLAP(1204, Severity.ERROR, "%s and %s both hold images %s; give each shard once"),
    SHARDS_MISSING(1205, Severity.ERROR, "the partial runs hold %d of the run's %d images; images %s are missing");

    private final int number;
    private final Severity severity;
    private final String template;

    DiagnosticCode(int number, Severity severity, String template) {
        this.number = number;
        this.severity = severity;
        this.template = template;
    }

    /** The stable identifier, e.g. {@code E0206} for an error or {@code W0110} for a warning. */
    public String id() {
        String prefix = severity == Severity.ERROR ? "E" : severity == Severity.WARNING ? "W" : "N";
        return String.format(Locale.ROOT, "%s%04d", prefix, number);
    }

    public int number() {
        return number;
    }

    public Severity severity() {
        return severity;
    }

    public String template() {
        return template;
    }

    /** Fills in the template. */
    public String message(Object... args) {
        return String.format(Locale.ROOT, template, args);
    }

    /** A diagnostic of this code at a span. */
    public Diagnostic at(SourceSpan span, Object... args) {
        return new Diagnostic(this, span, message(args));
    }
}
