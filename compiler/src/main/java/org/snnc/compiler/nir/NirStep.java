package org.snnc.compiler.nir;

import java.util.Map;

/** One node's computation, step after step; a node with memory keeps it between calls. */
interface NirStep {

    /** The node's output for this step's summed input, both flat in C order; a new array the caller may keep. */
    double[] apply(double[] input);

    /** The node's state variables after the last step, by name ({@code v}, {@code i}); none but for neurons. */
    default Map<String, double[]> state() {
        return Map.of();
    }
}
