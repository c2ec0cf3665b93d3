package org.snnc.emulator.config;

/**
 * The catalogue of configuration errors: every problem the emulator finds in a `config.json` carries one of these
 * stable codes, after the file and the JSON path (or line:column) it is about:
 * {@code config.json: cores[3].axons[1].axon_first: axons [0, 8) overlap axons [4, 12) of cores[3].axons[0] [E1004]}.
 * docs/configuration.md lists them for users; a code is never reused for another kind of problem.
 */
public enum ConfigurationError {
    /** The text is not one JSON object: a syntax error (located by line:column), or another value at the top. */
    NOT_JSON("E1001"),
    /** A JSON object that is not a configuration this emulator reads: another format, or an unknown version. */
    NOT_A_CONFIGURATION("E1002"),
    /** A field is missing, of the wrong JSON type, or out of its range. */
    BAD_FIELD("E1003"),
    /**
     * Fields each valid that do not fit together: a name that resolves to nothing, a size that does not follow from
     * its geometry, an element on no core or on two, overlapping axons, a route or synapse without its axon.
     */
    INCONSISTENT("E1004"),
    /** More than the emulator can allocate: a size beyond an int, or more table entries than the heap can hold. */
    OVER_BUDGET("E1005"),
    /** The file cannot be read: it does not exist, is not a regular file (a directory, device or FIFO), or is denied. */
    UNREADABLE("E1006");

    private final String code;

    ConfigurationError(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** A problem about the field at JSON {@code path} (none for the whole file): {@code file: path: message [E10xx]}. */
    public String at(String fileName, String path, String message) {
        return fileName + ": " + (path.isEmpty() ? "" : path + ": ") + message + " [" + code + "]";
    }

    /** A problem at a position of the text: {@code file:line:column: message [E10xx]}, gnu style. */
    public String at(String fileName, long line, long column, String message) {
        return fileName + ":" + line + ":" + column + ": " + message + " [" + code + "]";
    }
}
