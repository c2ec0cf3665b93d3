package org.snnc.compiler.passes;

import java.util.Set;
import org.snnc.compiler.ir.Graph;

/**
 * One graph-to-graph transformation. Implementations are stateless final classes; the {@link PassManager} runs
 * them in a pipeline whose order it checks against {@link #requires()}, {@link #establishes()} and
 * {@link #mustPrecede()}.
 */
public interface Pass {

    /** The kebab-case name used on the command line, e.g. {@code fold-batchnorm}. */
    String name();

    /** One line saying what the pass does. */
    String summary();

    /** The stages the input graph must have. */
    Set<Stage> requires();

    /** The stages the output graph has. */
    Set<Stage> establishes();

    /** The stages that must not hold yet when this pass runs, because it works on what they remove. */
    default Set<Stage> mustPrecede() {
        return Set.of();
    }

    /** Why the pass must precede {@link #mustPrecede()}, as a clause; shown when a pipeline gets it wrong. */
    default String mustPrecedeReason() {
        return "";
    }

    /** Transforms {@code graph}; reports statistics and records into {@code context}. Never mutates its input. */
    Graph run(Graph graph, PassContext context);
}
