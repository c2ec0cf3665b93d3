package org.snnc.compiler.ir;

import org.snnc.compiler.diag.SourceSpan;

/** A reference from a node to a named tensor in the graph's {@link Weights}, with the span that wrote it. */
public record ParamRef(String key, SourceSpan span) {
}
