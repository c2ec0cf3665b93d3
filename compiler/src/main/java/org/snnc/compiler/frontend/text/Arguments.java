package org.snnc.compiler.frontend.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.grammar.SnnParser;

/**
 * The operands and attributes of one operation, with typed accessors. Each accessor reports a wrong or missing value
 * into the diagnostics and returns a harmless fallback, so that lowering goes on and finds every error.
 */
final class Arguments {

    /** An operand: a value name and where it was written. */
    record Operand(String name, SourceSpan span) {
    }

    private final OperatorSignature signature;
    private final SourceSpan span;
    private final DiagnosticBag diagnostics;
    private final SourceLocator locator;
    private final List<Operand> operands = new ArrayList<>();
    private final Map<String, SnnParser.ValueContext> attributes = new LinkedHashMap<>();

    Arguments(OperatorSignature signature, SnnParser.OperationContext operation, SourceLocator locator,
            DiagnosticBag diagnostics) {
        this.signature = signature;
        this.span = locator.spanOf(operation);
        this.diagnostics = diagnostics;
        this.locator = locator;
        if (operation.argumentList() != null) {
            for (SnnParser.ArgumentContext argument : operation.argumentList().argument()) {
                collect(argument);
            }
        }
        if (!signature.acceptsOperandCount(operands.size())) {
            diagnostics.report(DiagnosticCode.WRONG_OPERAND_COUNT, span, signature.keyword(),
                    signature.operandCountInWords(), operands.size());
        }
    }

    private void collect(SnnParser.ArgumentContext argument) {
        if (argument instanceof SnnParser.OperandArgumentContext operand) {
            operands.add(new Operand(operand.identifier().getText(), locator.spanOf(operand)));
            return;
        }
        SnnParser.KeywordArgumentContext keyword = (SnnParser.KeywordArgumentContext) argument;
        String key = keyword.identifier().getText();
        SourceSpan keySpan = locator.spanOf(keyword);
        if (!signature.acceptsAttribute(key)) {
            diagnostics.report(DiagnosticCode.UNKNOWN_ATTRIBUTE, keySpan, signature.keyword(), key,
                    signature.attributeList());
        } else if (attributes.putIfAbsent(key, keyword.value()) != null) {
            diagnostics.report(DiagnosticCode.DUPLICATE_ATTRIBUTE, keySpan, key);
        }
    }

    List<Operand> operands() {
        return operands;
    }

    /** The first operand's name, or an empty name if the operand count is already reported as wrong. */
    String operand() {
        return operands.isEmpty() ? "" : operands.get(0).name();
    }

    List<String> operandNames() {
        return operands.stream().map(Operand::name).toList();
    }

    boolean has(String key) {
        return attributes.containsKey(key);
    }

    /** A required positive integer. */
    int positiveInt(String key) {
        if (!has(key)) {
            missing(key);
            return 1;
        }
        return positiveInt(key, 1);
    }

    /** An optional positive integer. */
    int positiveInt(String key, int fallback) {
        Optional<Long> value = integer(attributes.get(key), key);
        if (value.isEmpty()) {
            return fallback;
        }
        if (value.get() <= 0 || value.get() > Integer.MAX_VALUE) {
            invalid(key, "must be a positive integer, got " + value.get());
            return fallback;
        }
        return value.get().intValue();
    }

    /** An optional integer of any sign within the range of a long. */
    OptionalLong optionalInteger(String key) {
        Optional<Long> value = integer(attributes.get(key), key);
        return value.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** A required integer in [min, max]. */
    int intInRange(String key, int min, int max) {
        OptionalLong value = optionalInteger(key);
        if (value.isEmpty()) {
            if (!has(key)) {
                missing(key);
            }
            return min;
        }
        if (value.getAsLong() < min || value.getAsLong() > max) {
            invalid(key, "must be an integer in [" + min + ", " + max + "], got " + value.getAsLong());
            return min;
        }
        return (int) value.getAsLong();
    }

    /** A required pair of positive integers, written {@code 5} (both) or {@code [5, 3]} (height, width). */
    int[] positivePair(String key) {
        if (!has(key)) {
            missing(key);
            return new int[] {1, 1};
        }
        return positivePair(key, new int[] {1, 1});
    }

    /** An optional pair of positive integers, as {@link #positivePair(String)}. */
    int[] positivePair(String key, int[] fallback) {
        List<Long> values = integers(key, 2);
        if (values.isEmpty()) {
            return fallback;
        }
        if (values.stream().anyMatch(v -> v <= 0 || v > Integer.MAX_VALUE)) {
            invalid(key, "values must be positive integers, got " + values);
            return fallback;
        }
        return values.size() == 1
                ? new int[] {values.get(0).intValue(), values.get(0).intValue()}
                : new int[] {values.get(0).intValue(), values.get(1).intValue()};
    }

    /** A required list of one to {@code maxCount} positive integers, such as a shape {@code [6, 12, 12]}. */
    int[] positiveDims(String key, int maxCount) {
        if (!has(key)) {
            missing(key);
            return new int[] {1};
        }
        List<Long> values = integers(key, maxCount);
        if (values.isEmpty() || values.stream().anyMatch(v -> v <= 0 || v > Integer.MAX_VALUE)) {
            invalid(key, "values must be positive integers below 2^31, got " + values);
            return new int[] {1};
        }
        return values.stream().mapToInt(Long::intValue).toArray();
    }

    /** Padding written as {@code p} (all sides), {@code [v, h]} or {@code [top, left, bottom, right]}. */
    Padding padding(String key) {
        List<Long> values = integers(key, 4);
        if (values.isEmpty()) {
            return Padding.NONE;
        }
        if (values.size() == 3) {
            invalid(key, "give one value, [vertical, horizontal] or [top, left, bottom, right]");
            return Padding.NONE;
        }
        if (values.stream().anyMatch(v -> v < 0 || v > Integer.MAX_VALUE)) {
            invalid(key, "padding must be non-negative, got " + values);
            return Padding.NONE;
        }
        int[] p = values.stream().mapToInt(Long::intValue).toArray();
        return switch (p.length) {
            case 1 -> new Padding(p[0], p[0], p[0], p[0]);
            case 2 -> Padding.symmetric(p[0], p[1]);
            default -> new Padding(p[0], p[1], p[2], p[3]);
        };
    }

    /** A required reference to a weight tensor, written as a string. */
    ParamRef parameter(String key) {
        Optional<ParamRef> ref = optionalParameter(key);
        if (ref.isEmpty() && !has(key)) {
            missing(key);
        }
        return ref.orElse(new ParamRef("", span));
    }

    Optional<ParamRef> optionalParameter(String key) {
        SnnParser.ValueContext value = attributes.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof SnnParser.StringValueContext text)) {
            invalid(key, "expected a parameter name in quotes, got " + value.getText());
            return Optional.empty();
        }
        return Optional.of(new ParamRef(StringLiterals.unquote(text.STRING().getText()), locator.spanOf(value)));
    }

    /** An optional non-negative finite real number. */
    double nonNegativeReal(String key, double fallback) {
        SnnParser.ValueContext value = attributes.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof SnnParser.NumberValueContext number)) {
            invalid(key, "expected a number, got " + value.getText());
            return fallback;
        }
        double parsed = Numbers.parse(number.number());
        if (!Double.isFinite(parsed) || parsed < 0) {
            invalid(key, "must be a non-negative finite number, got " + number.getText());
            return fallback;
        }
        return parsed;
    }

    /** An optional positive finite real number. */
    double positiveReal(String key, double fallback) {
        double value = nonNegativeReal(key, fallback);
        if (value == 0) {
            invalid(key, "must be positive, got 0");
            return fallback;
        }
        return value;
    }

    /** An optional real number in [0, {@code bound}). */
    double realBelow(String key, double fallback, double bound) {
        double value = nonNegativeReal(key, fallback);
        if (value >= bound) {
            invalid(key, "must be below " + Numbers.format(bound) + ", got " + Numbers.format(value));
            return fallback;
        }
        return value;
    }

    /** An optional word from a closed set, such as a reset mode; {@code choices} lists the words for diagnostics. */
    <T> T word(String key, Function<String, Optional<T>> parse, T fallback, String choices) {
        SnnParser.ValueContext value = attributes.get(key);
        if (value == null) {
            return fallback;
        }
        Optional<T> parsed = value instanceof SnnParser.WordValueContext ? parse.apply(value.getText()) : Optional.empty();
        if (parsed.isEmpty()) {
            invalid(key, "expected " + choices + ", got " + value.getText());
            return fallback;
        }
        return parsed.get();
    }

    /** An optional non-negative integer seed for a random generator; 0 when none is written. */
    long seed(String key) {
        Optional<Long> value = integer(attributes.get(key), key);
        if (value.isPresent() && value.get() < 0) {
            invalid(key, "must be a non-negative integer, got " + value.get());
            return 0;
        }
        return value.orElse(0L);
    }

    /** An optional fraction in [0, 1), such as a dropout rate. */
    /** A real in [0, 1], {@code fallback} when absent. */
    double unitInterval(String key, double fallback) {
        double value = nonNegativeReal(key, fallback);
        if (value > 1) {
            invalid(key, "must lie in [0, 1], got " + Numbers.format(value));
            return fallback;
        }
        return value;
    }

    double fraction(String key, double fallback) {
        double value = nonNegativeReal(key, fallback);
        if (value >= 1) {
            invalid(key, "must be below 1, got " + Numbers.format(value));
            return fallback;
        }
        return value;
    }

    /** An optional boolean, written {@code true} or {@code false}. */
    boolean bool(String key, boolean fallback) {
        SnnParser.ValueContext value = attributes.get(key);
        if (value == null) {
            return fallback;
        }
        String text = value.getText();
        if (value instanceof SnnParser.WordValueContext && (text.equals("true") || text.equals("false"))) {
            return text.equals("true");
        }
        invalid(key, "expected true or false, got " + text);
        return fallback;
    }

    /** One integer, or a list of one to {@code maxCount} integers. */
    private List<Long> integers(String key, int maxCount) {
        SnnParser.ValueContext value = attributes.get(key);
        if (value == null) {
            return List.of();
        }
        List<SnnParser.ValueContext> items = value instanceof SnnParser.ListValueContext list
                ? list.value() : List.of(value);
        if (items.size() > maxCount) {
            invalid(key, "expected at most " + maxCount + " values, got " + items.size());
            return List.of();
        }
        List<Long> result = new ArrayList<>();
        for (SnnParser.ValueContext item : items) {
            Optional<Long> parsed = integer(item, key);
            if (parsed.isEmpty()) {
                return List.of();
            }
            result.add(parsed.get());
        }
        return result;
    }

    private Optional<Long> integer(SnnParser.ValueContext value, String key) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof SnnParser.NumberValueContext number && number.number().INT() != null) {
            try {
                long magnitude = Long.parseLong(number.number().INT().getText());
                return Optional.of(number.number().getText().startsWith("-") ? -magnitude : magnitude);
            } catch (NumberFormatException tooLarge) {
                invalid(key, "integer " + value.getText() + " is too large");
                return Optional.empty();
            }
        }
        invalid(key, "expected an integer, got " + value.getText());
        return Optional.empty();
    }

    private void missing(String key) {
        diagnostics.report(DiagnosticCode.MISSING_ATTRIBUTE, span, signature.keyword(), key);
    }

    private void invalid(String key, String reason) {
        SnnParser.ValueContext value = attributes.get(key);
        diagnostics.report(DiagnosticCode.INVALID_ATTRIBUTE, value != null ? locator.spanOf(value) : span, key,
                signature.keyword(), reason);
    }
}
