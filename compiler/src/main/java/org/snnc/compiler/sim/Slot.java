package org.snnc.compiler.sim;

/**
 * Where a node's value of the current step lives in a {@link WorkerState}: a dense array (the output of a conv2d,
 * dense or avgpool synapse) or an {@link EventList} (spikes, and what index-preserving synapses make of them).
 *
 * @param index the number of the array or event list
 * @param dense whether the value is a dense array
 */
record Slot(int index, boolean dense) {
}
