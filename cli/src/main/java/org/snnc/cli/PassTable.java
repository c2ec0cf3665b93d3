package org.snnc.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.snnc.compiler.passes.Normalize;
import org.snnc.compiler.passes.PassRun;
import org.snnc.compiler.passes.PipelineResult;

/** The PassManager's timing and statistics, as a table for people and as records for JSON reports. */
final class PassTable {

    private PassTable() {
    }

    static void print(PipelineResult result, PrintWriter out) {
        out.printf("%-16s %10s %10s  %-7s %s%n", "pass", "time", "verify", "changed", "statistics");
        for (PassRun run : result.runs()) {
            String statistics = run.statistics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
            out.printf("%-16s %7.1f ms %7.1f ms  %-7s %s%n", run.pass(), run.wallNanos() / 1e6,
                    run.verifyNanos() / 1e6, run.changed() ? "yes" : "no", statistics);
        }
        out.printf("%-16s %7.1f ms%n", "total", result.totalNanos() / 1e6);
        Map<String, Object> lambdas = result.record(Normalize.LAMBDAS).orElse(Map.of());
        if (!lambdas.isEmpty()) {
            out.println("λ: " + lambdas.entrySet().stream().map(e -> e.getKey() + " " + formatLambda(e.getValue()))
                    .collect(Collectors.joining(", ")));
        }
        out.flush();
    }

    private static String formatLambda(Object lambda) {
        if (lambda instanceof Number number) {
            return String.format(java.util.Locale.ROOT, "%.4g", number.doubleValue());
        }
        return lambda instanceof List<?> perChannel ? perChannel.size() + " channels" : String.valueOf(lambda);
    }

    /** One map per pass run, with snake_case keys: pass, summary, wall_ms, verify_ms, changed, statistics. */
    static List<Map<String, Object>> records(PipelineResult result) {
        return result.runs().stream().map(run -> {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("pass", run.pass());
            record.put("summary", run.summary());
            record.put("wall_ms", run.wallNanos() / 1e6);
            record.put("verify_ms", run.verifyNanos() / 1e6);
            record.put("changed", run.changed());
            record.put("statistics", new java.util.TreeMap<>(run.statistics()));
            return record;
        }).toList();
    }
}
