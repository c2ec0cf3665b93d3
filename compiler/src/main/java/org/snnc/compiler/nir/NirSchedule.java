package org.snnc.compiler.nir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The order in which one step evaluates a flattened graph, and which edges carry the previous step's value.
 *
 * <p>A depth-first search starts from the Input nodes (by name), then from every node not yet reached (by name), and
 * follows each node's edges in file order; an edge to a node still on the search path closes a cycle. For each such
 * cycle one edge becomes a <em>back edge</em>, chosen by {@link NirConventions.Recurrence}: the closing edge itself,
 * or the cycle's edge out of its neuron node nearest before it. A back edge delivers its source's output of step
 * t − 1 (zero at t = 0). Every other edge delivers this step's value; the remaining edges must form a DAG (E1104 if
 * moving a back edge off the closing edge leaves a cycle unbroken), evaluated in topological order (Kahn's
 * algorithm, Input nodes first, ties by name). A back edge is the only delay the graph itself implies.
 *
 * @param order     every node, each after the sources of its forward edges
 * @param backEdges the edges that carry the previous step's value
 * @param incoming  each node's incoming edges, in file order (an edge listed twice counts twice)
 */
record NirSchedule(List<String> order, Set<NirEdge> backEdges, Map<String, List<NirEdge>> incoming) {

    /** The schedule of {@code graph}, which must be flattened; an edge naming no node is E1104. */
    static NirSchedule of(NirGraph graph, NirConventions.Recurrence recurrence, SourceSpan span) {
        Map<String, List<NirEdge>> outgoing = new HashMap<>();
        Map<String, List<NirEdge>> incoming = new LinkedHashMap<>();
        graph.nodes().keySet().forEach(name -> {
            outgoing.put(name, new ArrayList<>());
            incoming.put(name, new ArrayList<>());
        });
        for (NirEdge edge : graph.edges()) {
            for (String end : List.of(edge.source(), edge.target())) {
                if (!graph.nodes().containsKey(end)) {
                    throw CompilationException.of(DiagnosticCode.NIR_BAD_EDGE, span, edge,
                            "the graph has no node '" + end + "'");
                }
            }
            outgoing.get(edge.source()).add(edge);
            incoming.get(edge.target()).add(edge);
        }
        Set<NirEdge> back = backEdges(graph, outgoing, recurrence);
        List<String> order = topologicalOrder(graph, outgoing, incoming, back);
        if (order.size() < graph.nodes().size()) {
            throw CompilationException.of(DiagnosticCode.NIR_BAD_EDGE, span, back,
                    "with these edges delayed (recurrence " + recurrence + "), a cycle still has no delayed edge: "
                            + "it reaches its neuron node by another path; read the graph with recurrence "
                            + NirConventions.Recurrence.CLOSING_EDGE);
        }
        Map<String, List<NirEdge>> frozen = new LinkedHashMap<>();
        incoming.forEach((name, edges) -> frozen.put(name, List.copyOf(edges)));
        return new NirSchedule(order, Set.copyOf(back), Collections.unmodifiableMap(frozen));
    }

    /** The Input nodes by name, then every other node by name: where the search starts, and how ties break. */
    private static List<String> inputsFirst(NirGraph graph) {
        Comparator<String> order = Comparator.comparing((String name) -> !(graph.nodes().get(name)
                instanceof NirNode.Input)).thenComparing(Comparator.naturalOrder());
        return graph.nodes().keySet().stream().sorted(order).toList();
    }

    /** Depth-first, iteratively (a deep chain must not exhaust the stack); gray nodes are those on the path. */
    private static Set<NirEdge> backEdges(NirGraph graph, Map<String, List<NirEdge>> outgoing,
            NirConventions.Recurrence recurrence) {
        Set<NirEdge> back = new LinkedHashSet<>();
        Set<String> gray = new LinkedHashSet<>();
        Set<String> done = new LinkedHashSet<>();
        for (String root : inputsFirst(graph)) {
            if (gray.contains(root) || done.contains(root)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            Deque<Integer> next = new ArrayDeque<>();
            path.push(root);
            next.push(0);
            gray.add(root);
            while (!path.isEmpty()) {
                String node = path.peek();
                int index = next.pop();
                List<NirEdge> edges = outgoing.get(node);
                if (index == edges.size()) {
                    path.pop();
                    gray.remove(node);
                    done.add(node);
                    continue;
                }
                next.push(index + 1);
                NirEdge edge = edges.get(index);
                String target = edge.target();
                if (gray.contains(target)) {
                    back.add(recurrence == NirConventions.Recurrence.NEURON_OUTPUT
                            ? afterLastNeuron(graph, path, next, outgoing, edge) : edge);
                } else if (!done.contains(target)) {
                    path.push(target);
                    next.push(0);
                    gray.add(target);
                }
            }
        }
        return back;
    }

    /**
     * The edge that leaves the neuron node nearest before {@code closing} on the cycle it closes, or {@code closing}
     * if the cycle has no neuron node. The cycle is the search path from the closing edge's target to its source;
     * each node on the path follows the edge just before its {@code next} index.
     */
    private static NirEdge afterLastNeuron(NirGraph graph, Deque<String> path, Deque<Integer> next,
            Map<String, List<NirEdge>> outgoing, NirEdge closing) {
        Iterator<String> nodes = path.iterator();
        Iterator<Integer> indices = next.iterator();
        while (nodes.hasNext()) {
            String node = nodes.next();
            int index = indices.next();
            if (NirParameters.isNeuron(graph.nodes().get(node))) {
                return outgoing.get(node).get(index - 1);
            }
            if (node.equals(closing.target())) {
                break;
            }
        }
        return closing;
    }

    private static List<String> topologicalOrder(NirGraph graph, Map<String, List<NirEdge>> outgoing,
            Map<String, List<NirEdge>> incoming, Set<NirEdge> back) {
        Map<String, Integer> pending = new HashMap<>();
        incoming.forEach((name, edges) -> pending.put(name,
                (int) edges.stream().filter(edge -> !back.contains(edge)).count()));
        Deque<String> ready = new ArrayDeque<>();
        inputsFirst(graph).stream().filter(name -> pending.get(name) == 0)
                .forEach(ready::add);
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String node = ready.poll();
            order.add(node);
            for (NirEdge edge : outgoing.get(node)) {
                if (!back.contains(edge) && pending.merge(edge.target(), -1, Integer::sum) == 0) {
                    ready.add(edge.target());
                }
            }
        }
        return List.copyOf(order);
    }
}
