package org.snnc.compiler.passes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.ir.Graph;

/** The graph a pipeline produced and a record of every pass run, in order. */
public record PipelineResult(Graph graph, List<PassRun> runs) {

    public PipelineResult {
        runs = List.copyOf(runs);
    }

    /** Every pass's records merged in pipeline order (a later pass's record wins). */
    public Map<String, Object> records() {
        Map<String, Object> merged = new LinkedHashMap<>();
        runs.forEach(run -> merged.putAll(run.records()));
        return merged;
    }

    public long totalNanos() {
        return runs.stream().mapToLong(run -> run.wallNanos() + run.verifyNanos()).sum();
    }
}
