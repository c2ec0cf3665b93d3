package org.snnc.compiler.sim;

/**
 * One piece of a simulation step on the state of one image: a spike source, a synapse, or a population's update.
 * Compiled operations are immutable and shared by all workers; they keep every mutable value in the state.
 */
@FunctionalInterface
interface Operation {

    /** Performs the operation and returns the synaptic operations it cost (0 unless it is a weighted synapse). */
    long run(WorkerState state);
}
