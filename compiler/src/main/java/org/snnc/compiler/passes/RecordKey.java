package org.snnc.compiler.passes;

/**
 * The name and type of a structured result that a pass records ({@link PassContext#record}) and a caller reads back
 * ({@link PipelineResult#record}), so that no caller casts; reports list the records by name
 * ({@link PipelineResult#records}).
 *
 * @param name the record's name in reports (snake_case)
 * @param <T>  the type of the value
 */
public record RecordKey<T>(String name) {
}
