package org.snnc.compiler.ir;

/**
 * The leak of a current-based (CUBA) leaky integrate-and-fire population, as Loihi's compartment and lava-dl's CUBA
 * neuron have it: a synaptic current u and the membrane v both decay each step, by fractions {@code current} (δu) and
 * {@code voltage} (δv) in [0, 1]:
 * <pre>
 *   u ← u·(1 − δu) + input
 *   v ← v·(1 − δv) + u + current
 * </pre>
 * Plain integrate-and-fire is δu = 1, δv = 0 (u = input, v ← v + input + current), which is what a population without
 * a decay does; conversion never makes one. Quantized, the decays are {@link FixedPoint.IntegerDecay}s.
 *
 * @param current δu, the fraction of u lost per step
 * @param voltage δv, the fraction of v lost per step
 */
public record Decay(double current, double voltage) {

    public Decay {
        if (!(current >= 0 && current <= 1 && voltage >= 0 && voltage <= 1)) {
            throw new IllegalArgumentException("decays lie in [0, 1], not δu = " + current + ", δv = " + voltage);
        }
    }
}
