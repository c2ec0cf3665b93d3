package org.snnc.targets.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * A JSON document read into a Jackson tree, together with where in the text each value and each object key starts,
 * so that problems found later, while checking the tree, can point at the user's text. Jackson's tree model keeps no
 * locations, so the tree is built here from its streaming parser, recording a span per JSON pointer.
 */
final class LocatedJson {

    /** Source text is left out of Jackson's locations: its exceptions only contribute a message, never a dump. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private final String fileName;
    private final JsonNode root;
    private final Map<JsonPointer, SourceSpan> valueSpans;
    private final Map<JsonPointer, SourceSpan> keySpans;
    private final List<Diagnostic> duplicateKeys;

    private LocatedJson(String fileName, JsonNode root, Map<JsonPointer, SourceSpan> valueSpans,
            Map<JsonPointer, SourceSpan> keySpans, List<Diagnostic> duplicateKeys) {
        this.fileName = fileName;
        this.root = root;
        this.valueSpans = Map.copyOf(valueSpans);
        this.keySpans = Map.copyOf(keySpans);
        this.duplicateKeys = List.copyOf(duplicateKeys);
    }

    /**
     * Parses {@code text}. A key given twice in one object is not fatal: the first value is kept and the repeat is
     * listed in {@link #duplicateKeys()}, so that the caller reports it along with everything else it finds.
     *
     * @throws CompilationException {@link DiagnosticCode#CHIP_SPEC_SYNTAX} if the text is not one JSON object
     */
    static LocatedJson read(String text, String fileName) {
        Builder builder = new Builder(fileName);
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonNode root = builder.readDocument(parser);
            return new LocatedJson(fileName, root, builder.valueSpans, builder.keySpans, builder.duplicates);
        } catch (JsonProcessingException e) {
            List<Diagnostic> all = new ArrayList<>(builder.duplicates);
            all.add(DiagnosticCode.CHIP_SPEC_SYNTAX.at(builder.span(e.getLocation()), describe(e)));
            throw new CompilationException(all);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a string cannot fail but for its syntax", e);
        }
    }

    JsonNode root() {
        return root;
    }

    /** Keys given a second time within one object, each as an E0804 at the repeat. */
    List<Diagnostic> duplicateKeys() {
        return duplicateKeys;
    }

    /** Where the value at {@code pointer} starts; the whole file for a pointer that is not in the document. */
    SourceSpan valueAt(JsonPointer pointer) {
        return valueSpans.getOrDefault(pointer, SourceSpan.ofFile(fileName));
    }

    /** Where the key of the object member at {@code pointer} starts; its value's place for an array element. */
    SourceSpan keyAt(JsonPointer pointer) {
        SourceSpan key = keySpans.get(pointer);
        return key != null ? key : valueAt(pointer);
    }

    /**
     * Jackson's own message without what only makes sense to Jackson's users: character codes, bracketed source
     * locations (the diagnostic gives the position) and advice to enable parser features (a chip spec is plain JSON).
     */
    private static String describe(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().strip();
        String message = original.lines().findFirst().orElse("")
                .replaceAll("\\s*\\(code -?\\d+\\)", "")
                .replaceAll("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1:$2")
                .replace("start marker at", "opened at")
                .replace("maybe a (non-standard) comment?", "JSON has no comments")
                .replaceAll(":?\\s*enable `[^`]*` to allow", "")
                .replaceAll("\\s*\\([^()]*Feature[^()]*\\)", "")
                .strip();
        return message.isEmpty() ? "malformed JSON"
                : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }

    /** The mutable state of one read; it never escapes {@link #read}. */
    private static final class Builder {

        private final String fileName;
        private final Map<JsonPointer, SourceSpan> valueSpans = new HashMap<>();
        private final Map<JsonPointer, SourceSpan> keySpans = new HashMap<>();
        private final List<Diagnostic> duplicates = new ArrayList<>();

        Builder(String fileName) {
            this.fileName = fileName;
        }

        JsonNode readDocument(JsonParser parser) throws IOException {
            if (parser.nextToken() == null) {
                throw new SyntaxProblem("the file holds no JSON value", parser.currentLocation());
            }
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw new SyntaxProblem("a chip spec is a JSON object {...} at the top level, got "
                        + kind(parser.currentToken()), parser.currentTokenLocation());
            }
            JsonNode root = readValue(parser, JsonPointer.empty(), "");
            if (parser.nextToken() != null) {
                throw new SyntaxProblem("more content after the top-level object: " + kind(parser.currentToken()),
                        parser.currentTokenLocation());
            }
            return root;
        }

        /**
         * Reads the value whose first token is the parser's current one, recording spans under {@code at}; {@code path}
         * names it in messages, as {@code weights.bits} or {@code core_overrides[1].cores}.
         */
        private JsonNode readValue(JsonParser parser, JsonPointer at, String path) throws IOException {
            valueSpans.put(at, span(parser.currentTokenLocation()));
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            switch (parser.currentToken()) {
                case START_OBJECT:
                    return readObject(parser, at, path);
                case START_ARRAY:
                    ArrayNode array = nodes.arrayNode();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        int index = array.size();
                        array.add(readValue(parser, at.appendIndex(index), path + "[" + index + "]"));
                    }
                    return array;
                case VALUE_STRING:
                    return nodes.textNode(parser.getText());
                case VALUE_NUMBER_INT:
                    return nodes.numberNode(parser.getBigIntegerValue());
                case VALUE_NUMBER_FLOAT:
                    return nodes.numberNode(parser.getDoubleValue());
                case VALUE_TRUE:
                case VALUE_FALSE:
                    return nodes.booleanNode(parser.getBooleanValue());
                case VALUE_NULL:
                    return nodes.nullNode();
                default:
                    throw new IllegalStateException("the parser gave " + parser.currentToken() + " for a value");
            }
        }

        private ObjectNode readObject(JsonParser parser, JsonPointer at, String path) throws IOException {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonPointer member = at.appendProperty(key);
                String memberPath = path.isEmpty() ? key : path + "." + key;
                SourceSpan keySpan = span(parser.currentTokenLocation());
                parser.nextToken();
                if (object.has(key)) {
                    duplicates.add(DiagnosticCode.CHIP_SPEC_INVALID_FIELD.at(keySpan, memberPath,
                            "is given twice; the first, at " + keySpans.get(member).relativeTo(keySpan)
                                    + ", is the one read"));
                    parser.skipChildren();
                } else {
                    keySpans.put(member, keySpan);
                    object.set(key, readValue(parser, member, memberPath));
                }
            }
            return object;
        }

        private static String kind(JsonToken token) {
            switch (token) {
                case START_ARRAY:
                    return "an array";
                case START_OBJECT:
                    return "an object";
                case VALUE_STRING:
                    return "a string";
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    return "a number";
                case VALUE_TRUE:
                case VALUE_FALSE:
                    return "a boolean";
                default:
                    return "null";
            }
        }

        SourceSpan span(JsonLocation location) {
            if (location == null || location.getLineNr() < 1) {
                return SourceSpan.ofFile(fileName);
            }
            return new SourceSpan(fileName, location.getLineNr(), Math.max(1, location.getColumnNr()));
        }
    }

    /** A document that is JSON but not a JSON object, reported like a syntax error, at its place. */
    private static final class SyntaxProblem extends JsonProcessingException {

        SyntaxProblem(String message, JsonLocation location) {
            super(message, location);
        }
    }
}
