package org.snnc.compiler.frontend.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * One ONNX node seen through its operands and typed attributes. An attribute of the wrong type is reported against
 * the node (E0402) and read as its default, so that one bad attribute does not hide the node's other problems.
 */
final class OnnxNode {

    private final NodeProto proto;
    private final DiagnosticBag diagnostics;
    private final SourceSpan span;
    private final Map<String, AttributeProto> attributes = new LinkedHashMap<>();

    OnnxNode(NodeProto proto, DiagnosticBag diagnostics, SourceSpan span) {
        this.proto = proto;
        this.diagnostics = diagnostics;
        this.span = span;
        proto.getAttributeList().forEach(a -> attributes.putIfAbsent(a.getName(), a));
    }

    NodeProto proto() {
        return proto;
    }

    String opType() {
        return proto.getOpType();
    }

    /** How messages name the node: its name, or its first output when it has none. */
    String label() {
        if (!proto.getName().isEmpty()) {
            return proto.getName();
        }
        return proto.getOutputCount() > 0 ? proto.getOutput(0) : "<unnamed " + opType() + ">";
    }

    /** The operand names as written, with {@code ""} for a skipped optional operand. */
    List<String> inputs() {
        return proto.getInputList();
    }

    /** Operand {@code index}, or empty when the node omits it. */
    Optional<String> input(int index) {
        return index < proto.getInputCount() && !proto.getInput(index).isEmpty()
                ? Optional.of(proto.getInput(index)) : Optional.empty();
    }

    List<String> outputs() {
        return proto.getOutputList();
    }

    /** Output {@code index}, or empty when the node does not produce it. */
    Optional<String> output(int index) {
        return index < proto.getOutputCount() && !proto.getOutput(index).isEmpty()
                ? Optional.of(proto.getOutput(index)) : Optional.empty();
    }

    boolean has(String attribute) {
        return attributes.containsKey(attribute);
    }

    long intAttribute(String name, long fallback) {
        AttributeProto a = typed(name, AttributeType.INT);
        return a == null ? fallback : a.getI();
    }

    /**
     * A FLOAT attribute as the decimal it was written as: ONNX stores float32, so 1e-5 arrives as
     * 9.99999974738e-6; the shortest decimal that rounds to the same float32 ({@link Float#toString}) is 1e-5 again.
     */
    double floatAttribute(String name, double fallback) {
        AttributeProto a = typed(name, AttributeType.FLOAT);
        return a == null ? fallback : Double.parseDouble(Float.toString(a.getF()));
    }

    Optional<long[]> intsAttribute(String name) {
        AttributeProto a = typed(name, AttributeType.INTS);
        return a == null ? Optional.empty() : Optional.of(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
    }

    /** A FLOATS attribute, each value read as its decimal like {@link #floatAttribute}. */
    Optional<double[]> floatsAttribute(String name) {
        AttributeProto a = typed(name, AttributeType.FLOATS);
        return a == null ? Optional.empty() : Optional.of(a.getFloatsList().stream()
                .mapToDouble(f -> Double.parseDouble(Float.toString(f))).toArray());
    }

    String stringAttribute(String name, String fallback) {
        AttributeProto a = typed(name, AttributeType.STRING);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    Optional<TensorProto> tensorAttribute(String name) {
        AttributeProto a = typed(name, AttributeType.TENSOR);
        return a == null ? Optional.empty() : Optional.of(a.getT());
    }

    /** Reports E0402 against this node. */
    void unsupported(String what) {
        diagnostics.report(DiagnosticCode.ONNX_UNSUPPORTED_ATTRIBUTE, span, label(), opType(), what);
    }

    private AttributeProto typed(String name, AttributeType type) {
        AttributeProto a = attributes.get(name);
        if (a == null) {
            return null;
        }
        if (a.getType() != type) {
            unsupported("attribute '" + name + "' is " + a.getType() + ", expected " + type);
            return null;
        }
        return a;
    }
}
