/**
 * The float64 spiking simulator of a converted network (Rueckauer et al. 2017): {@link
 * org.snnc.compiler.sim.SpikingSimulator} compiles a spiking graph to primitive arrays and runs it image by image,
 * event-driven: each spike adds its fan-out weights to the synaptic input of the populations it reaches. {@link
 * org.snnc.compiler.sim.AnnMacs} counts the multiply-accumulates of the ANN that the synaptic operations are
 * compared with. The semantics and the operation counts are those of {@code shared/reference/CONVENTIONS.md}.
 */
package org.snnc.compiler.sim;
