package org.snnc.compiler.passes;

import java.util.Map;

/**
 * What the {@link PassManager} observed of one pass run.
 *
 * @param pass        the pass's name
 * @param summary     the pass's one-line summary
 * @param wallNanos   the wall time of the pass, verification excluded
 * @param verifyNanos the wall time of verifying its result
 * @param changed     whether the output graph differs from the input
 * @param statistics  the pass's named counts
 * @param records     the pass's structured results, by key
 */
public record PassRun(String pass, String summary, long wallNanos, long verifyNanos, boolean changed,
        Map<String, Long> statistics, Map<RecordKey<?>, Object> records) {

    public PassRun {
        statistics = Map.copyOf(statistics);
        records = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(records));
    }
}
