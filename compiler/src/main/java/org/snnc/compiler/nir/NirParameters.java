package org.snnc.compiler.nir;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snnc.compiler.ir.Tensor;

/**
 * The element-wise parameters of a node, by their NIR field names: one value per element of the node's input, or one
 * value for all of them (a 0-d scalar, or any array of one value). An array of as many values as the input, whatever
 * its shape, is read in C order.
 */
final class NirParameters {

    private NirParameters() {
    }

    /** The element-wise fields of {@code node}, in NIR's order; empty for a node without any. */
    static Map<String, Tensor> of(NirNode node) {
        Map<String, Tensor> fields = new LinkedHashMap<>();
        if (node instanceof NirNode.Scale scale) {
            fields.put("scale", scale.scale());
        } else if (node instanceof NirNode.Delay delay) {
            fields.put("delay", delay.delay());
        } else if (node instanceof NirNode.Threshold threshold) {
            fields.put("threshold", threshold.threshold());
        } else if (node instanceof NirNode.I integrator) {
            fields.put("r", integrator.r());
        } else if (node instanceof NirNode.IF neuron) {
            fields.put("r", neuron.r());
            fields.put("v_threshold", neuron.vThreshold());
            fields.put("v_reset", neuron.vReset());
        } else if (node instanceof NirNode.LI neuron) {
            fields.put("tau", neuron.tau());
            fields.put("r", neuron.r());
            fields.put("v_leak", neuron.vLeak());
        } else if (node instanceof NirNode.LIF neuron) {
            fields.put("tau", neuron.tau());
            fields.put("r", neuron.r());
            fields.put("v_leak", neuron.vLeak());
            fields.put("v_threshold", neuron.vThreshold());
            fields.put("v_reset", neuron.vReset());
        } else if (node instanceof NirNode.CubaLI neuron) {
            fields.put("tau_syn", neuron.tauSyn());
            fields.put("tau_mem", neuron.tauMem());
            fields.put("r", neuron.r());
            fields.put("v_leak", neuron.vLeak());
            fields.put("w_in", neuron.wIn());
        } else if (node instanceof NirNode.CubaLIF neuron) {
            fields.put("tau_syn", neuron.tauSyn());
            fields.put("tau_mem", neuron.tauMem());
            fields.put("r", neuron.r());
            fields.put("v_leak", neuron.vLeak());
            fields.put("v_threshold", neuron.vThreshold());
            fields.put("v_reset", neuron.vReset());
            fields.put("w_in", neuron.wIn());
        }
        return fields;
    }

    /** Whether {@code node} is a neuron population: a node with a membrane that persists from step to step. */
    static boolean isNeuron(NirNode node) {
        return node instanceof NirNode.I || node instanceof NirNode.IF || node instanceof NirNode.LI
                || node instanceof NirNode.LIF || node instanceof NirNode.CubaLI || node instanceof NirNode.CubaLIF;
    }

    /** {@code field} with one value per element of a population of {@code size}; the shape check has passed. */
    static double[] expand(Tensor field, int size) {
        if (field.size() == size) {
            return field.toArray();
        }
        double[] values = new double[size];
        Arrays.fill(values, field.get(0));
        return values;
    }
}
