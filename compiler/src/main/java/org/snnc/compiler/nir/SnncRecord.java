package org.snnc.compiler.nir;

import java.util.Map;
import java.util.OptionalLong;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Spelled;

/**
 * A record of {@link SnncMetadata} (split into its fields by {@link SnncMetadata#fields}) that
 * {@link NirConventions.Flavor#SNNC} restores the IR from, read as typed fields. A field that is missing or not of its
 * type is refused with {@link DiagnosticCode#NIR_BAD_FIELD}, naming the record.
 *
 * @param node   the NIR node it describes
 * @param type   the node's NIR type, for diagnostics
 * @param key    its metadata key, without the node's name
 * @param fields its fields in their order
 * @param span   where the file is, for diagnostics
 */
record SnncRecord(String node, String type, String key, Map<String, String> fields, SourceSpan span) {

    /**
     * The record {@code key + name} of {@code graph}: refused with {@link DiagnosticCode#NIR_NOT_COMPILABLE} when it
     * is missing, with {@link DiagnosticCode#NIR_BAD_FIELD} when it is not a record.
     */
    static SnncRecord of(NirGraph graph, String name, String key, SourceSpan span) {
        String type = graph.nodes().get(name).type();
        String record = graph.metadata().get(key + name);
        if (record == null) {
            throw CompilationException.of(DiagnosticCode.NIR_NOT_COMPILABLE, span, name, type, "the snnc flavor "
                    + "restores the IR from the metadata '" + key + name + "' that snnc writes, and this graph lacks "
                    + "it; give the flavor of the framework that wrote it");
        }
        try {
            return new SnncRecord(name, type, key, SnncMetadata.fields(record), span);
        } catch (IllegalArgumentException malformed) {
            throw CompilationException.of(DiagnosticCode.NIR_BAD_FIELD, span, name, type, "metadata " + key + name,
                    malformed.getMessage());
        }
    }

    boolean has(String field) {
        return fields.containsKey(field);
    }

    String field(String field) {
        String value = fields.get(field);
        if (value == null) {
            throw bad(field);
        }
        return value;
    }

    /** The field spelled as one of {@code type}'s constants. */
    <T extends Enum<T> & Spelled> T word(String field, Class<T> type) {
        return Spelled.lookup(type, field(field)).orElseThrow(() -> bad(field));
    }

    /** The field {@code true} or {@code false}. */
    boolean flag(String field) {
        String value = field(field);
        if (!value.equals("true") && !value.equals("false")) {
            throw bad(field);
        }
        return value.equals("true");
    }

    long integer(String field) {
        try {
            return Long.parseLong(field(field));
        } catch (NumberFormatException malformed) {
            throw bad(field);
        }
    }

    double number(String field) {
        try {
            return Double.parseDouble(field(field));
        } catch (NumberFormatException malformed) {
            throw bad(field);
        }
    }

    /** The scale {@code numerator/denominator} (or {@code numerator}, over 1) of an Input's record. */
    Scale scale() {
        String[] ratio = field("scale").split("/");
        try {
            return new Scale(Double.parseDouble(ratio[0]), ratio.length == 2 ? Double.parseDouble(ratio[1]) : 1);
        } catch (IllegalArgumentException malformed) {
            throw bad("scale");
        }
    }

    /** The fixed-point arithmetic of a quantized population's record. */
    FixedPoint fixedPoint() {
        return new FixedPoint((int) integer("weight_bits"), (int) integer("weight_exponent"),
                (int) integer("accumulator_bits"), (int) integer("state_bits"), word("overflow", Overflow.class),
                has("floor") ? OptionalLong.of(integer("floor")) : OptionalLong.empty(),
                word("fire", FireComparison.class));
    }

    /** The refusal of {@code field}: missing or not of its type. */
    CompilationException bad(String field) {
        return CompilationException.of(DiagnosticCode.NIR_BAD_FIELD, span, node, type, "metadata " + key + node,
                "no valid '" + field + "' in '" + SnncMetadata.record(fields) + "'");
    }
}
