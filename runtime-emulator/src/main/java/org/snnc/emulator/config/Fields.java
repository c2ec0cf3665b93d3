package org.snnc.emulator.config;

import static org.snnc.emulator.config.ConfigurationError.BAD_FIELD;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads the fields of a parsed JSON tree, checking each one's type and bounds and collecting one message per problem,
 * each naming the field by its JSON path and ending with its {@link ConfigurationError} code
 * (`config.json: cores[3].neurons[0].threshold: 0 must be at least 1 [E1003]`); a field of the wrong type or out of
 * range is {@link ConfigurationError#BAD_FIELD}. A field that fails reads as a harmless placeholder so that the reading
 * goes on and finds the other problems.
 */
final class Fields {
    private final String fileName;
    private final List<String> problems = new ArrayList<>();
    /** The entries the declared sizes will take, counted as they are read, against the emulator's budget. */
    private final EntryBudget budget = EntryBudget.ofHeap(this);

    Fields(String fileName) {
        this.fileName = fileName;
    }

    List<String> problems() {
        return problems;
    }

    EntryBudget budget() {
        return budget;
    }

    boolean failed() {
        return !problems.isEmpty();
    }

    void problem(ConfigurationError error, String path, String message) {
        problems.add(error.at(fileName, path, message));
    }

    static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String at(String path, int index) {
        return path + "[" + index + "]";
    }

    /** The member {@code key} of {@code object}, or null (reported) when it is missing or null. */
    JsonNode required(JsonNode object, String path, String key) {
        JsonNode value = object == null ? null : object.get(key);
        if (object != null && (value == null || value.isNull())) {
            problem(BAD_FIELD, at(path, key), "missing");
            return null;
        }
        return value;
    }

    JsonNode object(JsonNode object, String path, String key) {
        JsonNode value = required(object, path, key);
        if (value != null && !value.isObject()) {
            problem(BAD_FIELD, at(path, key), "expected an object, got " + describe(value));
            return null;
        }
        return value;
    }

    /** The elements of an array member; an empty list (reported) when it is missing or not an array. */
    List<JsonNode> array(JsonNode object, String path, String key) {
        JsonNode value = required(object, path, key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            problem(BAD_FIELD, at(path, key), "expected an array, got " + describe(value));
            return List.of();
        }
        List<JsonNode> elements = new ArrayList<>(value.size());
        value.forEach(elements::add);
        return elements;
    }

    /** An array element that must be an object; null (reported) otherwise. */
    JsonNode element(JsonNode element, String path) {
        if (!element.isObject()) {
            problem(BAD_FIELD, path, "expected an object, got " + describe(element));
            return null;
        }
        return element;
    }

    String text(JsonNode object, String path, String key) {
        JsonNode value = required(object, path, key);
        if (value == null) {
            return "";
        }
        if (!value.isTextual()) {
            problem(BAD_FIELD, at(path, key), "expected a string, got " + describe(value));
            return "";
        }
        return value.textValue();
    }

    /** An optional boolean member: {@code absent} when it is missing, reported when it is not a boolean. */
    boolean flag(JsonNode object, String path, String key, boolean absent) {
        JsonNode value = object == null ? null : object.get(key);
        if (value == null) {
            return absent;
        }
        if (!value.isBoolean()) {
            problem(BAD_FIELD, at(path, key), "expected true or false, got " + describe(value));
            return absent;
        }
        return value.booleanValue();
    }

    String choice(JsonNode object, String path, String key, Set<String> allowed) {
        JsonNode value = required(object, path, key);
        if (value == null) {
            return "";
        }
        if (!value.isTextual() || !allowed.contains(value.textValue())) {
            problem(BAD_FIELD, at(path, key),
                    describe(value) + " must be one of " + String.join(", ", new TreeSet<>(allowed)));
            return "";
        }
        return value.textValue();
    }

    long integer(JsonNode object, String path, String key, long min, long max) {
        JsonNode value = required(object, path, key);
        return value == null ? min : integerValue(value, at(path, key), min, max);
    }

    /** An optional integer member in [min, max]: {@code absent} when it is missing. */
    long optionalInteger(JsonNode object, String path, String key, long absent, long min, long max) {
        JsonNode value = object == null ? null : object.get(key);
        return value == null ? absent : integerValue(value, at(path, key), min, max);
    }

    int integer(JsonNode object, String path, String key, int min, int max) {
        return (int) integer(object, path, key, (long) min, (long) max);
    }

    long integerValue(JsonNode value, String path, long min, long max) {
        return integerValue(value, () -> path, min, max);
    }

    /** {@code value} as an integer in [min, max]; {@code path} is spelled only for a problem. */
    private long integerValue(JsonNode value, Supplier<String> path, long min, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            problem(BAD_FIELD, path.get(), "expected an integer, got " + describe(value));
            return min;
        }
        long number = value.longValue();
        if (number < min) {
            problem(BAD_FIELD, path.get(), number + " must be at least " + min);
            return min;
        }
        if (number > max) {
            problem(BAD_FIELD, path.get(), number + " must be at most " + max);
            return min;
        }
        return number;
    }

    /** An array of integers each in [min, max], of a length in [minLength, maxLength]. */
    long[] integers(JsonNode object, String path, String key, int minLength, int maxLength, long min, long max) {
        List<JsonNode> elements = array(object, path, key);
        String arrayPath = at(path, key);
        if (object != null && object.get(key) != null && object.get(key).isArray()
                && (elements.size() < minLength || elements.size() > maxLength)) {
            problem(BAD_FIELD, arrayPath, minLength == maxLength
                    ? "expected " + minLength + " elements, got " + elements.size()
                    : "expected " + minLength + " to " + maxLength + " elements, got " + elements.size());
            return new long[0];
        }
        long[] values = new long[elements.size()];
        int failedBefore = problems.size();
        for (int i = 0; i < values.length && problems.size() - failedBefore < 3; i++) {
            int index = i;
            // The path is spelled only for a problem: arrays of weights hold millions of valid numbers.
            values[i] = integerValue(elements.get(i), () -> at(arrayPath, index), min, max);
        }
        return values;
    }

    int[] ints(JsonNode object, String path, String key, int minLength, int maxLength, int min, int max) {
        long[] values = integers(object, path, key, minLength, maxLength, min, max);
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (int) values[i];
        }
        return result;
    }

    private static String describe(JsonNode value) {
        String kind = value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        String shown = value.isContainerNode() ? "" : " " + abbreviate(value.toString());
        return kind + shown;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
