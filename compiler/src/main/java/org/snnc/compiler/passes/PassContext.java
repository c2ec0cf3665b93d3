package org.snnc.compiler.passes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one pass run may use and report: the inputs of the compilation (calibration data, threads, progress), named
 * statistics (counts the manager prints after the pass) and records (structured results, such as the λs of
 * normalization, that go into reports). The manager creates a fresh context for every pass run.
 */
public final class PassContext {

    private final CompilationInputs inputs;
    private final Map<String, Long> statistics = new LinkedHashMap<>();
    /** Each record under its key; {@link #record(RecordKey, Object)} stores only a key's own type. */
    private final Map<RecordKey<?>, Object> records = new LinkedHashMap<>();

    public PassContext(CompilationInputs inputs) {
        this.inputs = inputs;
    }

    public CompilationInputs inputs() {
        return inputs;
    }

    /** The scaled calibration images, if the compilation has any. */
    public Optional<double[][]> calibration() {
        return inputs.calibration();
    }

    /** Adds {@code amount} to the statistic {@code name} (kebab-case, e.g. {@code batchnorms-folded}). */
    public void count(String name, long amount) {
        statistics.merge(name, amount, Long::sum);
    }

    /** Stores a structured result under {@code key}. */
    public <T> void record(RecordKey<T> key, T value) {
        records.put(key, value);
    }

    /** The result stored under {@code key}, if any. */
    public <T> Optional<T> record(RecordKey<T> key) {
        return RecordKey.read(records, key);
    }

    public Map<String, Long> statistics() {
        return Collections.unmodifiableMap(statistics);
    }

    /** Every record, by key, in the order made. */
    public Map<RecordKey<?>, Object> records() {
        return Collections.unmodifiableMap(records);
    }
}
