package org.snnc.compiler.nir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snnc.compiler.ir.Tensor;

/**
 * What one run of a {@link NirInterpreter} recorded, step by step: each shape is (T, *the node's shape).
 *
 * @param outputs the output of every graph Output node and every recorded node, by node name
 * @param states  for every recorded neuron node, its state variables after each step ({@code v}, and {@code i} for
 *                the CUBA nodes), by node name, then variable
 */
public record NirRecording(Map<String, Tensor> outputs, Map<String, Map<String, Tensor>> states) {

    public NirRecording {
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        Map<String, Map<String, Tensor>> copy = new LinkedHashMap<>();
        states.forEach((node, variables) -> copy.put(node, Collections.unmodifiableMap(new LinkedHashMap<>(variables))));
        states = Collections.unmodifiableMap(copy);
    }

    /** The output of {@code node} at every step. */
    public Tensor output(String node) {
        Tensor values = outputs.get(node);
        if (values == null) {
            throw new IllegalArgumentException("node '" + node + "' was not recorded; recorded: " + outputs.keySet());
        }
        return values;
    }

    /** State variable {@code variable} ({@code v} or {@code i}) of neuron node {@code node} after every step. */
    public Tensor state(String node, String variable) {
        Tensor values = states.getOrDefault(node, Map.of()).get(variable);
        if (values == null) {
            throw new IllegalArgumentException("no state '" + variable + "' of node '" + node + "' was recorded");
        }
        return values;
    }
}
