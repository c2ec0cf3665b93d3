package org.snnc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.emulator.RunSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code snnc merge PART.json … --report R.json [--plot DIR]}: merges the partial runs that {@code snnc run --shard
 * K/N --partial PART.json} wrote into the report, and the plots, of the one run of all their images: the same report
 * as {@code snnc run} without shards, but for its wall time, speed and threads (the parts' wall times summed, the
 * most threads of any part). The parts may be given in any order. They must be parts of the same run (equal
 * {@link RunContext}s: configuration, data, image count, T, early exit), hold no image twice, and together hold
 * every image of the run.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge the partial runs of snnc run --shard K/N --partial PART.json into the report of the "
                + "whole run.")
final class MergeCommand implements Callable<Integer> {

    /** How many missing ranges a diagnostic names before it stops. */
    private static final int SHOWN_GAPS = 5;

    @Parameters(arity = "1..*", paramLabel = "PART.json", description = "The partial runs, in any order.")
    private List<Path> parts;

    @Option(names = "--report", paramLabel = "REPORT.json", description = "Write every figure as JSON.")
    private Path report;

    @Option(names = "--plot", paramLabel = "DIR",
            description = "Draw accuracy, error-vs-operations and early-exit frontier PNGs here.")
    private Path plotDirectory;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        JsonReports.requireReplaceable(report);
        List<PartialRun> runs = parts.stream().map(PartialRun::read).toList();
        RunContext context = runs.get(0).context();
        for (int k = 1; k < runs.size(); k++) {
            if (!runs.get(k).context().equals(context)) {
                throw disagree(0, k, "they differ in " + differences(context, runs.get(k).context()));
            }
        }
        for (int i = 0; i < runs.size(); i++) {
            for (int j = i + 1; j < runs.size(); j++) {
                String shared = shared(runs.get(i).summary(), runs.get(j).summary());
                if (shared != null) {
                    throw CompilationException.of(DiagnosticCode.SHARDS_OVERLAP, span(j), parts.get(i),
                            parts.get(j), shared);
                }
            }
        }
        RunSummary merged = runs.get(0).summary();
        for (int k = 1; k < runs.size(); k++) {
            try {
                merged = merged.merge(runs.get(k).summary());
            } catch (IllegalArgumentException e) {
                throw disagree(0, k, e.getMessage());
            }
        }
        if (!merged.coversFirst(context.images())) {
            throw CompilationException.of(DiagnosticCode.SHARDS_MISSING, span(0), merged.images(), context.images(),
                    gaps(merged, context.images()));
        }
        EmulationReport.of(context, merged).publish(spec.commandLine().getOut(), report, plotDirectory);
        return 0;
    }

    private SourceSpan span(int part) {
        return SourceSpan.ofFile(parts.get(part).toString());
    }

    private CompilationException disagree(int first, int other, String why) {
        return CompilationException.of(DiagnosticCode.PARTIALS_DISAGREE, span(other), parts.get(first),
                parts.get(other), why);
    }

    /** The keys whose values differ between two contexts, each with both values when they are short. */
    private static String differences(RunContext a, RunContext b) {
        ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        JsonNode left = json.valueToTree(a);
        JsonNode right = json.valueToTree(b);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> names = left.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!left.get(key).equals(right.get(key))) {
                keys.add(left.get(key).isValueNode() && right.get(key).isValueNode()
                        ? key + " (" + left.get(key) + " and " + right.get(key) + ")" : key);
            }
        }
        return String.join(", ", keys);
    }

    /** The first images both summaries hold, as "a..b", or null if they share none. */
    private static String shared(RunSummary a, RunSummary b) {
        for (RunSummary.Slice x : a.slices()) {
            for (RunSummary.Slice y : b.slices()) {
                int from = Math.max(x.first(), y.first());
                int to = Math.min(x.end(), y.end());
                if (from < to) {
                    return from + ".." + (to - 1);
                }
            }
        }
        return null;
    }

    /** The images 0 … images − 1 that {@code merged} lacks, as ranges "a..b", the first few. */
    private static String gaps(RunSummary merged, int images) {
        List<String> missing = new ArrayList<>();
        int next = 0;
        for (RunSummary.Slice slice : merged.slices()) {
            if (slice.first() > next) {
                missing.add(next + ".." + (slice.first() - 1));
            }
            next = slice.end();
        }
        if (next < images) {
            missing.add(next + ".." + (images - 1));
        }
        return String.join(", ", missing.subList(0, Math.min(SHOWN_GAPS, missing.size())))
                + (missing.size() > SHOWN_GAPS ? " and " + (missing.size() - SHOWN_GAPS) + " more ranges" : "");
    }
}
