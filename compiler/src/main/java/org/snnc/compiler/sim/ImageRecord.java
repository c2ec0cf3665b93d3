package org.snnc.compiler.sim;

/**
 * What one image's simulation yields, before the results of all images are gathered.
 *
 * @param predictions           the class by the graph's readout after each step
 * @param spikeCountPredictions the class by output spike count after each step
 * @param synapticOps           the spike-driven synaptic operations of each step (0 after an early exit)
 * @param margins               the membrane readout's top score minus the runner-up's after each step, in θ
 * @param stepsRun              T, or the step at which the early exit stopped the image; the classes and margins of
 *                              later steps repeat that step's
 * @param spikes                the spikes of each population over the steps run
 */
record ImageRecord(int[] predictions, int[] spikeCountPredictions, long[] synapticOps, double[] margins,
        int stepsRun, long[] spikes) {
}
