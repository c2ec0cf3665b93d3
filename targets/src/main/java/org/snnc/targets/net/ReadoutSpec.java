package org.snnc.targets.net;

import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;

/**
 * How the class is read from the output population.
 *
 * @param name       the readout's IR name
 * @param population the output population
 * @param mode       membrane (argmax of spikes·θ + v), spike count, or Poisson softmax
 * @param window     the steps the scores integrate: all, or the later half
 * @param seed       the softmax sampler's seed
 */
public record ReadoutSpec(String name, String population, ReadoutMode mode, ReadoutWindow window, long seed) {
}
