package org.snnc.compiler.ir;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** The named parameter tensors of a graph, sorted by name so that writing them out is canonical. */
public record Weights(SortedMap<String, Tensor> tensors) {

    public static final Weights EMPTY = new Weights(new TreeMap<>());

    public Weights {
        tensors = Collections.unmodifiableSortedMap(new TreeMap<>(tensors));
    }

    public static Weights of(Map<String, Tensor> tensors) {
        return new Weights(new TreeMap<>(tensors));
    }

    public Optional<Tensor> get(String key) {
        return Optional.ofNullable(tensors.get(key));
    }

    public boolean contains(String key) {
        return tensors.containsKey(key);
    }

    /** A copy with one tensor added or replaced. */
    public Weights with(String key, Tensor tensor) {
        TreeMap<String, Tensor> copy = new TreeMap<>(tensors);
        copy.put(key, tensor);
        return new Weights(copy);
    }
}
