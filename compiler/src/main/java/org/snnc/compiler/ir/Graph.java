package org.snnc.compiler.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;

/**
 * An immutable network: its nodes by name in definition order (which is a topological order, since a value may only
 * use values defined before it), the name of the output value, and the weight tensors the nodes refer to.
 *
 * @param name        the network's name
 * @param nodes       every node keyed by its own name, in definition order
 * @param output      the name of the output value
 * @param weights     the tensors that {@link ParamRef}s name
 * @param weightsFile the weights file as the network text names it, relative to the network file
 * @param span        where the network was declared
 */
public record Graph(
        String name,
        Map<String, Node> nodes,
        String output,
        Weights weights,
        Optional<String> weightsFile,
        SourceSpan span) {

    public Graph {
        LinkedHashMap<String, Node> copy = new LinkedHashMap<>(nodes);
        copy.forEach((key, node) -> {
            if (!key.equals(node.name())) {
                throw new IllegalArgumentException("node '" + node.name() + "' is keyed as '" + key + "'");
            }
        });
        nodes = Collections.unmodifiableMap(copy);
    }

    public static GraphBuilder builder(String name) {
        return new GraphBuilder(name);
    }

    /** A builder that starts from this graph, for passes that derive a new graph. */
    public GraphBuilder toBuilder() {
        return new GraphBuilder(this);
    }

    public Node node(String nodeName) {
        Node node = nodes.get(nodeName);
        if (node == null) {
            throw new IllegalArgumentException("no node '" + nodeName + "' in graph " + name);
        }
        return node;
    }

    public List<Node> nodeList() {
        return List.copyOf(nodes.values());
    }

    /** The input nodes, in definition order (a verified graph has exactly one). */
    public List<Input> inputs() {
        return nodes.values().stream().filter(Input.class::isInstance).map(Input.class::cast).toList();
    }

    /** The single input of a verified graph. */
    public Input input() {
        List<Input> inputs = inputs();
        if (inputs.size() != 1) {
            throw new IllegalStateException("graph " + name + " has " + inputs.size() + " inputs");
        }
        return inputs.get(0);
    }

    /** The names of the nodes that read {@code nodeName}, in definition order. */
    public List<String> users(String nodeName) {
        return nodes.values().stream().filter(n -> n.inputs().contains(nodeName)).map(Node::name).toList();
    }
}
