package org.snnc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.sim.ExitFrontier;
import org.snnc.emulator.RunSummary;

/**
 * A part of a run, as {@code snnc run --partial} writes it and {@code snnc merge} reads it: the run's
 * {@link RunContext}, which is its fingerprint, and the {@link RunSummary} of the part's images. The file is JSON:
 * <pre>{"format": "snnc-partial-run/1", "context": {…}, "summary": {…}}</pre>
 * with the summary in its own JSON form ({@link RunSummary#toJson}). A part must fit its context: the context's
 * steps, the report's kept steps and frontier, the configuration's cores, and images within the run's.
 *
 * @param context the run
 * @param summary the part's figures
 */
public record PartialRun(RunContext context, RunSummary summary) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The value of the file's {@code format} key. */
    public static final String FORMAT = "snnc-partial-run/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    public PartialRun {
        if (context == null || summary == null) {
            throw new IllegalArgumentException("a partial run needs a context and a summary");
        }
        List<RunSummary.Slice> slices = summary.slices();
        if (summary.steps() != context.steps() || slices.get(slices.size() - 1).end() > context.images()) {
            throw new IllegalArgumentException("its summary of images " + slices + " over " + summary.steps()
                    + " steps is not a part of the run of " + context.images() + " images over " + context.steps()
                    + " steps");
        }
        if (!Arrays.equals(summary.keptSteps(), EmulationReport.keptSteps(context.steps()))
                || summary.frontier().size() != (context.membrane()
                        ? ExitFrontier.BOUNDS.size() * ExitFrontier.STREAKS.size() : 0)
                || summary.spikesPerCore().length != context.coreIds().size()) {
            throw new IllegalArgumentException("its summary's kept steps, frontier or cores are not its run's");
        }
    }

    /** Writes {@code part} to {@code file}, whole or not at all. */
    public static void write(Path file, PartialRun part) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.set("context", JSON.valueToTree(part.context()));
        try {
            root.set("summary", JSON.readTree(part.summary().toJson()));
            AtomicFiles.write(file, JSON.writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a partial run holds only numbers and strings", e);
        }
    }

    /**
     * The partial run in {@code file}.
     *
     * @throws CompilationException {@link DiagnosticCode#PARTIAL_MALFORMED} if it is not JSON, not of
     *     {@link #FORMAT}, or its context or summary is missing or invalid; a file that is absent or unreadable as
     *     {@link InputFiles#readAllBytes} reports it
     */
    public static PartialRun read(Path file) {
        SourceSpan span = SourceSpan.ofFile(file.toString());
        byte[] bytes = InputFiles.readAllBytes(file, span);
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
                throw malformed(file, "it has no \"format\": \"" + FORMAT + "\"");
            }
            if (!root.path("context").isObject() || !root.path("summary").isObject()) {
                throw malformed(file, "it needs a \"context\" and a \"summary\" object");
            }
            RunContext context = JSON.treeToValue(root.get("context"), RunContext.class);
            return new PartialRun(context, RunSummary.fromJson(root.get("summary").toString()));
        } catch (JsonProcessingException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IllegalArgumentException invalid) {
                    throw malformed(file, invalid.getMessage());
                }
            }
            throw malformed(file, e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed(file, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw malformed(file, e.getMessage());
        }
    }

    private static CompilationException malformed(Path file, String why) {
        return CompilationException.of(DiagnosticCode.PARTIAL_MALFORMED, SourceSpan.ofFile(file.toString()), file,
                why);
    }
}
