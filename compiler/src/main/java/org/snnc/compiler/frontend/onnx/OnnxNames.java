package org.snnc.compiler.frontend.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns ONNX names into snnc names, deterministically: the same model always imports to the same names. The NIR
 * importer names its values the same way, from NIR's node names.
 *
 * <p><b>Value names</b> follow the network language's identifier syntax {@code [a-zA-Z_][a-zA-Z_0-9.]*}:
 * <ol>
 *   <li>start from the ONNX node's name, or from its first output's name when the node has none; the node that
 *       computes the graph output takes the output's name instead ({@code probs});</li>
 *   <li>split at {@code /}, drop empty segments and every segment that the next one repeats as a prefix followed by
 *       a dot (PyTorch writes the scope {@code blocks} and then {@code blocks.0});</li>
 *   <li>join the segments with {@code _} and replace every run of other characters outside {@code [A-Za-z0-9_.]}
 *       by one {@code _};</li>
 *   <li>prefix {@code n} when the result starts with a digit or a dot, and use {@code v} when nothing is left;</li>
 *   <li>append {@code _2}, {@code _3}, … until the name is new.</li>
 * </ol>
 * So PyTorch's {@code /0/0.0/Conv} becomes {@code n0.0_Conv} and {@code /0/blocks/blocks.0/c1/Conv} becomes
 * {@code n0_blocks.0_c1_Conv}.
 *
 * <p><b>Parameter keys</b> are quoted strings in the network language and entry names in an npz archive, so they
 * need no leading letter: a key is the initializer's name with every run of characters outside
 * {@code [A-Za-z0-9_.]} replaced by {@code _} (no {@code /} that would open a folder in the archive), made unique
 * the same way. {@code 0.0.weight} stays {@code 0.0.weight}.
 */
public final class OnnxNames {

    private static final Pattern OTHER = Pattern.compile("[^A-Za-z0-9_.]+");

    private final Set<String> values = new HashSet<>();

    /** Reserves and returns a new value name derived from {@code onnxName}. */
    public String newValueName(String onnxName) {
        return unique(identifier(onnxName), values);
    }

    /** The identifier for an ONNX name, before uniqueness: steps 2 to 4 above. */
    public static String identifier(String onnxName) {
        List<String> segments = new ArrayList<>();
        for (String segment : onnxName.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            boolean repeated = i + 1 < segments.size() && segments.get(i + 1).startsWith(segments.get(i) + ".");
            if (!repeated) {
                kept.add(segments.get(i));
            }
        }
        String joined = OTHER.matcher(String.join("_", kept)).replaceAll("_");
        if (joined.isEmpty()) {
            return "v";
        }
        char first = joined.charAt(0);
        return Character.isDigit(first) || first == '.' ? "n" + joined : joined;
    }

    /** The parameter key for an initializer or constant name, before uniqueness. */
    static String key(String onnxName) {
        String key = OTHER.matcher(onnxName).replaceAll("_");
        return key.isEmpty() ? "param" : key;
    }

    /** {@code base}, or {@code base_2}, {@code base_3}, … whichever {@code taken} does not hold yet; reserves it. */
    static String unique(String base, Set<String> taken) {
        String name = base;
        for (int k = 2; taken.contains(name); k++) {
            name = base + "_" + k;
        }
        taken.add(name);
        return name;
    }
}
