package org.snnc.targets.spec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.InputFiles;

/**
 * Where chip specs come from: the built-in targets, shipped as JSON resources beside this class, and users' own
 * {@code .json} files, all in the one {@value ChipSpecSchema#FORMAT} format that {@code docs/chip-spec.md}
 * documents. Hardware is data: quantization, partitioning, mapping, emission and the emulator read the
 * {@link ChipSpec} this returns, never a chip's figures written in code.
 */
public final class ChipSpecs {

    private static final List<String> BUILT_INS = List.of("generic", "loihi", "speck");
    private static final String RESOURCE_FOLDER = "/org/snnc/targets/chips/";
    /** Where an unknown target name is reported: it comes from the command line's target option. */
    private static final SourceSpan TARGET_OPTION = SourceSpan.ofFile("--target");

    private ChipSpecs() {
    }

    /** The names of the built-in targets, in the order the documentation lists them. */
    public static List<String> builtIns() {
        return BUILT_INS;
    }

    /**
     * The spec of {@code target}: a built-in name, or the path of a chip spec file. A target that is not a built-in
     * name is taken as a path when it ends in {@code .json} or holds a path separator, so that a mistyped name is
     * reported as an unknown target rather than as a missing file.
     *
     * @throws CompilationException {@link DiagnosticCode#UNKNOWN_TARGET} for any other name; E0602/E0603 for a file
     *                              that is missing or unreadable; E0801–E0804 for a file that is not a valid spec
     */
    public static ChipSpec load(String target) {
        if (BUILT_INS.contains(target)) {
            return parse(builtInText(target), RESOURCE_FOLDER.substring(1) + target + ".json");
        }
        if (!looksLikePath(target)) {
            throw CompilationException.of(DiagnosticCode.UNKNOWN_TARGET, TARGET_OPTION, target,
                    String.join(", ", BUILT_INS));
        }
        Path file;
        try {
            file = Path.of(target);
        } catch (InvalidPathException notAPath) {
            throw CompilationException.of(DiagnosticCode.UNKNOWN_TARGET, TARGET_OPTION, target,
                    String.join(", ", BUILT_INS));
        }
        SourceSpan wholeFile = SourceSpan.ofFile(target);
        byte[] bytes = InputFiles.readAllBytes(file, wholeFile);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return parse(text, target);
        } catch (CharacterCodingException notText) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, wholeFile, target, "it is not UTF-8 text");
        }
    }

    /**
     * The spec that {@code jsonText} describes; {@code fileName} names it in diagnostics.
     *
     * @throws CompilationException every problem found, in text order, each at the line and column of the key or
     *                              value it is about: E0801 (not JSON), E0802 (missing key), E0803 (unknown key),
     *                              E0804 (wrong type, out of range or inconsistent)
     */
    public static ChipSpec parse(String jsonText, String fileName) {
        return ChipSpecReader.read(LocatedJson.read(jsonText, fileName));
    }

    /**
     * {@code spec} as canonical chip spec JSON: fixed key order, optional keys only when set, per-core resources
     * folded into {@code core} and {@code core_overrides}. {@code parse(toJson(spec), name)} equals {@code spec}, so
     * configuration files can embed the spec they were built for.
     */
    public static String toJson(ChipSpec spec) {
        return ChipSpecWriter.write(spec);
    }

    private static boolean looksLikePath(String target) {
        return target.toLowerCase(Locale.ROOT).endsWith(".json") || target.contains("/")
                || target.contains(File.separator);
    }

    private static String builtInText(String name) {
        try (InputStream in = ChipSpecs.class.getResourceAsStream(RESOURCE_FOLDER + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("built-in chip spec " + name + ".json is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in chip spec " + name, e);
        }
    }
}
