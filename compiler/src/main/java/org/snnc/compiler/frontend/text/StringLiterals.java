package org.snnc.compiler.frontend.text;

/** The network language's string literals: double quotes, with {@code \"} and {@code \\} as the only escapes. */
public final class StringLiterals {

    private StringLiterals() {
    }

    /** The text of a literal token, quotes included, without its quotes and escapes. */
    public static String unquote(String literal) {
        String body = literal.substring(1, literal.length() - 1);
        StringBuilder text = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                c = body.charAt(++i);
            }
            text.append(c);
        }
        return text.toString();
    }

    /** A literal that {@link #unquote} reads back as {@code text}. */
    public static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
