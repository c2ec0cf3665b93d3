package org.snnc.compiler.frontend.text;

import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Graph;

/**
 * A network read from text, before its weights are loaded: the graph (with empty {@link org.snnc.compiler.ir.Weights})
 * and where the {@code weights} declaration was written, so that file errors can point at it.
 */
public record ParsedNetwork(Graph graph, Optional<SourceSpan> weightsDeclaration) {
}
