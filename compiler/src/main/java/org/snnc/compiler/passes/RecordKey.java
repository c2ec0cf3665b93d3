package org.snnc.compiler.passes;

import java.util.Map;
import java.util.Optional;

/**
 * The name and type of a structured result that a pass records ({@link PassContext#record}) and a caller reads back
 * ({@link PipelineResult#record}), so that no caller casts; reports list the records by name
 * ({@link PipelineResult#records}).
 *
 * @param name the record's name in reports (snake_case)
 * @param <T>  the type of the value
 */
public record RecordKey<T>(String name) {

    /** The value of {@code key} in {@code records}, where only {@link PassContext#record} put values. */
    @SuppressWarnings("unchecked") // PassContext#record stores a RecordKey<T>'s value only as a T
    static <T> Optional<T> read(Map<RecordKey<?>, Object> records, RecordKey<T> key) {
        return Optional.ofNullable((T) records.get(key));
    }
}
