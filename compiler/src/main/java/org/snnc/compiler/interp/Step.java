package org.snnc.compiler.interp;

/**
 * One node of a graph compiled for the {@link AnnInterpreter}: its parameters copied to plain arrays and its geometry
 * resolved to ints, so that the hot loops touch nothing but arrays. A step is immutable and shared by every worker.
 */
interface Step {

    /**
     * Computes this node's values for one image from {@code slots}, which holds the values of every earlier node by
     * slot number. The result is a new array, or (for identities) the operand's own array; steps never write to their
     * operands, so sharing is safe.
     */
    double[] apply(double[][] slots);
}
