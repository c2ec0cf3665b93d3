package org.snnc.compiler.nir;

/** A directed edge of a NIR graph: the source node's output is (part of) the target node's input. */
public record NirEdge(String source, String target) {

    @Override
    public String toString() {
        return source + " → " + target;
    }
}
