package org.snnc.compiler.ir;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Assembles a {@link Graph}. Front ends add nodes in definition order; passes start from {@link Graph#toBuilder()},
 * replace or remove nodes and build a new graph. The builder is the only mutable piece of the IR and is never shared.
 */
public final class GraphBuilder {

    private String name;
    private final LinkedHashMap<String, Node> nodes = new LinkedHashMap<>();
    private String output;
    private Weights weights = Weights.EMPTY;
    private Optional<String> weightsFile = Optional.empty();
    private SourceSpan span = SourceSpan.GENERATED;

    GraphBuilder(String name) {
        this.name = name;
    }

    GraphBuilder(Graph graph) {
        this.name = graph.name();
        this.nodes.putAll(graph.nodes());
        this.output = graph.output();
        this.weights = graph.weights();
        this.weightsFile = graph.weightsFile();
        this.span = graph.span();
    }

    public GraphBuilder name(String newName) {
        this.name = newName;
        return this;
    }

    /** Appends a node; its name must be new. */
    public GraphBuilder add(Node node) {
        if (nodes.putIfAbsent(node.name(), node) != null) {
            throw new IllegalArgumentException("duplicate node '" + node.name() + "'");
        }
        return this;
    }

    /** Replaces the node of the same name, keeping its position. */
    public GraphBuilder replace(Node node) {
        if (!nodes.containsKey(node.name())) {
            throw new IllegalArgumentException("no node '" + node.name() + "' to replace");
        }
        nodes.put(node.name(), node);
        return this;
    }

    /** Inserts a node with a new name just before {@code successor}, which must exist. */
    public GraphBuilder insertBefore(String successor, Node node) {
        if (!nodes.containsKey(successor)) {
            throw new IllegalArgumentException("no node '" + successor + "' to insert before");
        }
        if (nodes.containsKey(node.name())) {
            throw new IllegalArgumentException("duplicate node '" + node.name() + "'");
        }
        LinkedHashMap<String, Node> reordered = new LinkedHashMap<>();
        nodes.forEach((name, existing) -> {
            if (name.equals(successor)) {
                reordered.put(node.name(), node);
            }
            reordered.put(name, existing);
        });
        nodes.clear();
        nodes.putAll(reordered);
        return this;
    }

    /** Makes every node that reads {@code from} read {@code to} instead, except {@code to} itself. */
    public GraphBuilder replaceUses(String from, String to) {
        nodes.replaceAll((name, node) -> name.equals(to) || !node.inputs().contains(from) ? node
                : node.withInputs(node.inputs().stream().map(n -> n.equals(from) ? to : n).toList()));
        if (from.equals(output)) {
            output = to;
        }
        return this;
    }

    /** A name not yet used in the graph: {@code base}, or {@code base} with the first free numeric suffix. */
    public String freshName(String base) {
        if (!nodes.containsKey(base)) {
            return base;
        }
        for (int i = 1; ; i++) {
            String candidate = base + "_" + i;
            if (!nodes.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    /** A weight key not yet used: {@code base}, or {@code base} with the first free numeric suffix. */
    public String freshWeightKey(String base) {
        if (!weights.contains(base)) {
            return base;
        }
        for (int i = 1; ; i++) {
            String candidate = base + "_" + i;
            if (!weights.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** Stores {@code tensor} under a fresh key derived from {@code base} and returns a reference to it. */
    public ParamRef addWeight(String base, Tensor tensor, org.snnc.compiler.diag.SourceSpan span) {
        String key = freshWeightKey(base);
        weight(key, tensor);
        return new ParamRef(key, span);
    }

    /**
     * Gives the tensor that {@code old} names new values: in place when {@code old} is its only reference, so that
     * a rewritten layer keeps its key, and otherwise under a fresh key derived from {@code base}.
     */
    public ParamRef rewriteWeight(ParamRef old, String base, Tensor tensor) {
        long references = nodes.values().stream().flatMap(n -> n.parameters().values().stream())
                .filter(ref -> ref.key().equals(old.key())).count();
        if (references == 1) {
            weight(old.key(), tensor);
            return old;
        }
        return addWeight(base, tensor, old.span());
    }

    /** Drops every tensor that no node refers to, so that a pass's replaced parameters are not written out. */
    public GraphBuilder pruneWeights() {
        java.util.Set<String> used = new java.util.HashSet<>();
        nodes.values().forEach(n -> n.parameters().values().forEach(p -> used.add(p.key())));
        java.util.TreeMap<String, Tensor> kept = new java.util.TreeMap<>(weights.tensors());
        kept.keySet().retainAll(used);
        weights = new Weights(kept);
        return this;
    }

    public GraphBuilder remove(String nodeName) {
        if (nodes.remove(nodeName) == null) {
            throw new IllegalArgumentException("no node '" + nodeName + "' to remove");
        }
        return this;
    }

    /** Removes {@code nodeName} when no node reads it and it is not the output, as a rewrite may leave it. */
    public GraphBuilder removeIfUnread(String nodeName) {
        if (!nodeName.equals(output) && nodes.values().stream().noneMatch(node -> node.inputs().contains(nodeName))) {
            nodes.remove(nodeName);
        }
        return this;
    }

    public boolean contains(String nodeName) {
        return nodes.containsKey(nodeName);
    }

    public Map<String, Node> nodes() {
        return java.util.Collections.unmodifiableMap(nodes);
    }

    public Weights weights() {
        return weights;
    }

    public GraphBuilder output(String outputName) {
        this.output = outputName;
        return this;
    }

    public GraphBuilder weights(Weights newWeights) {
        this.weights = newWeights;
        return this;
    }

    public GraphBuilder weight(String key, Tensor tensor) {
        this.weights = weights.with(key, tensor);
        return this;
    }

    public GraphBuilder weightsFile(Optional<String> file) {
        this.weightsFile = file;
        return this;
    }

    public GraphBuilder span(SourceSpan newSpan) {
        this.span = newSpan;
        return this;
    }

    public Graph build() {
        if (output == null) {
            throw new IllegalStateException("graph " + name + " has no output");
        }
        return new Graph(name, nodes, output, weights, weightsFile, span);
    }
}
