package org.snnc.compiler.sim;

/**
 * The sizes of the mutable arrays a compiled network needs per worker.
 *
 * @param eventCapacities  the capacity of each event list, by slot number
 * @param denseSizes       the length of each dense slot
 * @param gateSizes        the number of rate estimates of each maxpool gate (its input's size)
 * @param populationSizes  the number of neurons of each population
 * @param poissonEncoders  the number of Poisson encoders, each with its own generator
 * @param classes          the size of the output population the readout reads
 */
record Layout(int[] eventCapacities, int[] denseSizes, int[] gateSizes, int[] populationSizes, int poissonEncoders,
        int classes) {
}
