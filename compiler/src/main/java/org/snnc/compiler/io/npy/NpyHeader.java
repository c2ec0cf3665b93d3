package org.snnc.compiler.io.npy;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The dictionary of a {@code .npy} header, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}.
 *
 * <p>The header is a Python literal. {@link #parse} reads it with a strict parser for the subset NumPy writes:
 *
 * <pre>
 * value  = string | integer | True | False | None | tuple | list | dict
 * string = '...' | "..."          with the escapes \\ \' \" \n \t only
 * integer = [-] digits            without leading zeros; at most 2^63-1 in magnitude
 * tuple  = ( ) | ( value , [value {, value} [,]] )       ( value ) alone is not a tuple
 * list   = [ [value {, value} [,]] ]
 * dict   = { [string : value {, string : value} [,]] }
 * </pre>
 *
 * The dictionary must hold exactly the keys {@code descr} (a string), {@code fortran_order} (a bool) and
 * {@code shape} (a tuple of at most {@value NpyArray#MAX_RANK} non-negative integers). Spaces, tabs and newlines may
 * separate tokens and pad the end, as NumPy pads the header.
 *
 * @param descr the descriptor as written, e.g. {@code >f4}
 * @param dims the shape; a dimension may exceed {@code int}
 */
record NpyHeader(String descr, NpyElementType elementType, ByteOrder byteOrder, boolean fortranOrder, long[] dims) {

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** The number of data bytes the header declares, saturated at {@link Long#MAX_VALUE} instead of overflowing. */
    long dataBytes() {
        long bytes = elementType.itemSize();
        for (long d : dims) {
            if (d == 0) {
                return 0;
            }
        }
        for (long d : dims) {
            bytes = multiplySaturated(bytes, d);
        }
        return bytes;
    }

    /** The exact number of data bytes, for messages about sizes beyond {@code long}. */
    String dataBytesText() {
        BigInteger bytes = BigInteger.valueOf(elementType.itemSize());
        for (long d : dims) {
            bytes = bytes.multiply(BigInteger.valueOf(d));
        }
        return bytes.toString();
    }

    String shapeText() {
        return NpyArray.shapeText(Arrays.stream(dims).mapToObj(Long::toString).toArray(String[]::new));
    }

    private static long multiplySaturated(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    /**
     * Parses a header.
     *
     * @param source names the file in diagnostics
     * @throws CompilationException {@link DiagnosticCode#WEIGHTS_FILE_MALFORMED} for a header that is not such a
     *     dictionary, {@link DiagnosticCode#UNSUPPORTED_DTYPE} for a descriptor snnc does not read
     */
    static NpyHeader parse(String text, String source) {
        Parser parser = new Parser(text, source);
        parser.skipSpace();
        if (!parser.peek('{')) {
            throw parser.error("the header is not a dictionary literal");
        }
        Map<String, Parsed> dict = parser.dict();
        parser.skipSpace();
        if (parser.pos < text.length()) {
            throw parser.error("unexpected text after the header dictionary");
        }
        for (String key : dict.keySet()) {
            if (!KEYS.contains(key)) {
                throw malformed(source, "the header has an unexpected key '" + key + "'");
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw malformed(source, "the header has no '" + key + "'");
            }
        }
        Parsed descr = dict.get("descr");
        if (!(descr.value() instanceof String descrText)) {
            throw CompilationException.of(DiagnosticCode.UNSUPPORTED_DTYPE, SourceSpan.ofFile(source), source,
                    descr.text());
        }
        NpyElementType type = NpyElementType.ofCode(descrText.isEmpty() ? "" : descrText.substring(1))
                .orElseThrow(() -> unsupported(source, descrText));
        ByteOrder order = switch (descrText.charAt(0)) {
            case '<' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            // '|' means "not applicable", so only for single bytes.
            case '|' -> {
                if (type.itemSize() != 1) {
                    throw unsupported(source, descrText);
                }
                yield ByteOrder.LITTLE_ENDIAN;
            }
            default -> throw unsupported(source, descrText);
        };
        if (!(dict.get("fortran_order").value() instanceof Boolean fortran)) {
            throw malformed(source, "'fortran_order' must be True or False, got " + dict.get("fortran_order").text());
        }
        Parsed shape = dict.get("shape");
        if (!(shape.value() instanceof Tuple tuple)) {
            throw malformed(source, "'shape' must be a tuple of integers, got " + shape.text());
        }
        if (tuple.items().size() > NpyArray.MAX_RANK) {
            throw malformed(source, "the shape has rank " + tuple.items().size() + "; NumPy allows at most "
                    + NpyArray.MAX_RANK);
        }
        long[] dims = new long[tuple.items().size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(tuple.items().get(i) instanceof Long dim)) {
                throw malformed(source, "'shape' must be a tuple of integers, got " + shape.text());
            }
            if (dim < 0) {
                throw malformed(source, "negative dimension " + dim + " in shape " + shape.text());
            }
            dims[i] = dim;
        }
        return new NpyHeader(descrText, type, order, fortran, dims);
    }

    private static CompilationException malformed(String source, String reason) {
        return CompilationException.of(DiagnosticCode.WEIGHTS_FILE_MALFORMED, SourceSpan.ofFile(source), source, reason);
    }

    private static CompilationException unsupported(String source, String descr) {
        return CompilationException.of(DiagnosticCode.UNSUPPORTED_DTYPE, SourceSpan.ofFile(source), source, descr);
    }

    /** A parsed tuple; a Python list is a {@link List}. */
    private record Tuple(List<Object> items) {
    }

    /** A value with the source text it was parsed from, for messages. */
    private record Parsed(Object value, String text) {
    }

    private static final Object NONE = new Object();

    /** A recursive-descent parser over the header text; {@link #pos} is the next unread character. */
    private static final class Parser {
        private static final int MAX_DEPTH = 16;

        private final String text;
        private final String source;
        private int pos;
        private int depth;

        Parser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        CompilationException error(String reason) {
            return malformed(source, reason + " at offset " + pos + " of the header");
        }

        void skipSpace() {
            while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        void expect(char c) {
            skipSpace();
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        /** Skips spaces and consumes {@code c} if it is next. */
        boolean accept(char c) {
            skipSpace();
            if (peek(c)) {
                pos++;
                return true;
            }
            return false;
        }

        Parsed parsed() {
            skipSpace();
            int start = pos;
            Object value = value();
            return new Parsed(value, text.substring(start, pos));
        }

        Object value() {
            skipSpace();
            if (pos >= text.length()) {
                throw error("the header ends where a value should be");
            }
            if (++depth > MAX_DEPTH) {
                throw error("values nest deeper than " + MAX_DEPTH);
            }
            try {
                char c = text.charAt(pos);
                if (c == '\'' || c == '"') {
                    return string();
                } else if (c == '-' || (c >= '0' && c <= '9')) {
                    return integer();
                } else if (c == '(') {
                    return tuple();
                } else if (c == '[') {
                    pos++;
                    return new ArrayList<>(items(']'));
                } else if (c == '{') {
                    return dict();
                } else if (keyword("True")) {
                    return Boolean.TRUE;
                } else if (keyword("False")) {
                    return Boolean.FALSE;
                } else if (keyword("None")) {
                    return NONE;
                }
                throw error("unexpected character '" + c + "'");
            } finally {
                depth--;
            }
        }

        private boolean keyword(String word) {
            if (!text.startsWith(word, pos)) {
                return false;
            }
            int end = pos + word.length();
            if (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                return false;
            }
            pos = end;
            return true;
        }

        private String string() {
            char quote = text.charAt(pos++);
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= text.length() || text.charAt(pos) == '\n') {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = pos < text.length() ? text.charAt(pos++) : ' ';
                    switch (e) {
                        case '\\', '\'', '"' -> out.append(e);
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        default -> throw error("unsupported escape '\\" + e + "' in a string");
                    }
                } else {
                    out.append(c);
                }
            }
        }

        private Long integer() {
            int start = pos;
            if (peek('-')) {
                pos++;
            }
            int digits = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            String number = text.substring(start, pos);
            if (pos == digits) {
                throw error("expected digits after '-'");
            }
            if (text.charAt(digits) == '0' && pos - digits > 1) {
                throw error("integer " + number + " has a leading zero");
            }
            // At most 19 digits fit a long; checking the length first keeps parseLong from throwing.
            if (pos - digits > 19) {
                throw error("integer " + number + " is too large");
            }
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException e) {
                throw error("integer " + number + " is too large");
            }
        }

        private Object tuple() {
            pos++; // '('
            if (accept(')')) {
                return new Tuple(List.of());
            }
            Object first = value();
            if (accept(')')) {
                return first; // parentheses around a single value make no tuple
            }
            expect(',');
            List<Object> items = new ArrayList<>();
            items.add(first);
            items.addAll(items(')'));
            return new Tuple(List.copyOf(items));
        }

        /** Comma-separated values up to and including {@code close}, with an optional trailing comma. */
        private List<Object> items(char close) {
            List<Object> items = new ArrayList<>();
            while (!accept(close)) {
                items.add(value());
                if (!accept(',')) {
                    expect(close);
                    break;
                }
            }
            return items;
        }

        Map<String, Parsed> dict() {
            pos++; // '{'
            Map<String, Parsed> entries = new LinkedHashMap<>();
            while (!accept('}')) {
                skipSpace();
                if (!peek('\'') && !peek('"')) {
                    throw error("expected a string key");
                }
                String key = string();
                if (entries.containsKey(key)) {
                    throw error("key '" + key + "' appears twice");
                }
                expect(':');
                entries.put(key, parsed());
                if (!accept(',')) {
                    expect('}');
                    break;
                }
            }
            return entries;
        }
    }
}
