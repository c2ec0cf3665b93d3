package org.snnc.compiler.passes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.ir.Graph;

/** The graph a pipeline produced and a record of every pass run, in order. */
public record PipelineResult(Graph graph, List<PassRun> runs) {

    public PipelineResult {
        runs = List.copyOf(runs);
    }

    /** The record of {@code key} (the last pass's that made it), if a pass made it. */
    public <T> Optional<T> record(RecordKey<T> key) {
        return RecordKey.read(records(), key);
    }

    /** Every pass's records, merged in pipeline order (a later pass's record wins). */
    public Map<RecordKey<?>, Object> records() {
        Map<RecordKey<?>, Object> merged = new LinkedHashMap<>();
        runs.forEach(run -> merged.putAll(run.records()));
        return merged;
    }

    public long totalNanos() {
        return runs.stream().mapToLong(run -> run.wallNanos() + run.verifyNanos()).sum();
    }
}
