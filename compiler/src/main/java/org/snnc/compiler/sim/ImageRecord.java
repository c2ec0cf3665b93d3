package org.snnc.compiler.sim;

/**
 * What one image's simulation yields, before the results of all images are gathered.
 *
 * @param predictions           the class by the graph's readout after each step
 * @param spikeCountPredictions the class by output spike count after each step
 * @param synapticOps           the spike-driven synaptic operations of each step
 * @param spikes                the spikes of each population over all steps
 */
record ImageRecord(int[] predictions, int[] spikeCountPredictions, long[] synapticOps, long[] spikes) {
}
