package org.snnc.targets.spec;

/**
 * Energy per operation, for estimates: E = synapticOps·synapticOpPj + neuronUpdates·neuronUpdatePj.
 *
 * @param synapticOpPj   picojoules per synaptic operation (one accumulate of one spike into one target)
 * @param neuronUpdatePj picojoules per neuron update (one neuron, one step)
 * @param source         where the figures come from
 */
public record EnergyModel(double synapticOpPj, double neuronUpdatePj, String source) {
}
