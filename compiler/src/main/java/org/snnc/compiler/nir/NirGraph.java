package org.snnc.compiler.nir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A NIR graph: named nodes, edges between them, and string metadata. Several edges into one node are summed. Nested
 * graphs stay nested here; {@link #flattened()} inlines them.
 */
public record NirGraph(Map<String, NirNode> nodes, List<NirEdge> edges, Map<String, String> metadata) {

    public NirGraph {
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        edges = List.copyOf(edges);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The same graph with every nested graph inlined, as NIR's own readers do: a nested node n of graph g becomes
     * {@code g.n}, an edge into g goes to each of g's Input nodes, an edge out of g leaves from each of its Output
     * nodes, and the nested Input and Output nodes stay as pass-through nodes.
     */
    public NirGraph flattened() {
        Map<String, NirNode> flatNodes = new LinkedHashMap<>();
        List<NirEdge> flatEdges = new ArrayList<>();
        inline(this, "", flatNodes, flatEdges);
        return new NirGraph(flatNodes, flatEdges, metadata);
    }

    private static void inline(NirGraph graph, String prefix, Map<String, NirNode> flatNodes,
            List<NirEdge> flatEdges) {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        Map<String, List<String>> exits = new LinkedHashMap<>();
        graph.nodes.forEach((name, node) -> {
            String full = prefix + name;
            if (node instanceof NirNode.Graph nested) {
                inline(nested.graph(), full + ".", flatNodes, flatEdges);
                entries.put(full, nested.graph().namesOf(NirNode.Input.class, full + "."));
                exits.put(full, nested.graph().namesOf(NirNode.Output.class, full + "."));
            } else {
                flatNodes.put(full, node);
            }
        });
        for (NirEdge edge : graph.edges) {
            String source = prefix + edge.source();
            String target = prefix + edge.target();
            for (String from : exits.getOrDefault(source, List.of(source))) {
                for (String to : entries.getOrDefault(target, List.of(target))) {
                    flatEdges.add(new NirEdge(from, to));
                }
            }
        }
    }

    private List<String> namesOf(Class<? extends NirNode> type, String prefix) {
        List<String> names = new ArrayList<>();
        nodes.forEach((name, node) -> {
            if (type.isInstance(node)) {
                names.add(prefix + name);
            }
        });
        return names;
    }
}
