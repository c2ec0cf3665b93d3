package org.snnc.targets.mapping;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.diag.SourceSpan;

/**
 * A network cut into pieces that each fit a core: what an allocator places.
 *
 * @param pieces the population pieces with their gate pieces and costs, in network order (populations in the graph's
 *               order, each one's pieces by ascending first element)
 * @param spans  where each layer (population) was written, for diagnostics
 */
public record Partition(List<PieceDemand> pieces, Map<String, SourceSpan> spans) {

    public Partition {
        pieces = List.copyOf(pieces);
        spans = Collections.unmodifiableMap(new LinkedHashMap<>(spans));
    }

    /** Where {@code layer} was written. */
    public SourceSpan span(String layer) {
        return spans.getOrDefault(layer, SourceSpan.GENERATED);
    }

    /** The layers in network order. */
    public List<String> layers() {
        return List.copyOf(spans.keySet());
    }
}
