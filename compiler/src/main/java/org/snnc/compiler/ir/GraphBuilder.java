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

    public GraphBuilder remove(String nodeName) {
        if (nodes.remove(nodeName) == null) {
            throw new IllegalArgumentException("no node '" + nodeName + "' to remove");
        }
        return this;
    }

    public boolean contains(String nodeName) {
        return nodes.containsKey(nodeName);
    }

    public Map<String, Node> nodes() {
        return java.util.Collections.unmodifiableMap(nodes);
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
