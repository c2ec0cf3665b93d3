package org.snnc.targets.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.sim.RateNetwork;

/**
 * The threshold ratio R of each population that resets to zero, chosen from the calibration images rather than one R
 * for all. A zero-reset neuron of threshold R (input z per step in units of its float threshold 1, v from v0 = f·R)
 * that fires n(t) times in t steps passes on the signal n(t)·R, as its synapses carry the gain R; the ANN's is z·t.
 * Its error has two parts that R trades against each other: every reset throws away the surplus, up to z, so the
 * signal runs low by up to z/R of itself; and the signal moves in steps of R, so it is resolved to R/t. For each
 * candidate R ∈ {1, 2, 4, …, {@value #MAX_RATIO}} the choice counts n(t) exactly for every sampled z of the
 * population (its input in the {@link RateNetwork} on the images, z &gt; 0, as z ≤ 0 never fires at any R) and keeps
 * the R of the least mean squared rate error (n(t)·R − z·t)² / t², summed over the horizons t = 32, 64, 128 and 256,
 * so that a run is accurate early and stays accurate; ties go to the smaller R, which fires sooner.
 */
final class ThresholdRatios {

    /** The horizons the error is taken at, from a short-latency run to a long one. */
    private static final int[] HORIZONS = {32, 64, 128, 256};
    static final int MAX_RATIO = 32;
    /** The calibration images whose inputs are sampled, and the samples kept per population at most. */
    private static final int MAX_IMAGES = 64;
    private static final int MAX_SAMPLES = 20_000;

    private ThresholdRatios() {
    }

    /** R per zero-reset population of the float spiking {@code graph}, by name. */
    static Map<String, Integer> choose(Graph graph, Map<String, Shape> shapes, double[][] images) {
        Map<String, double[]> samples = samples(graph, shapes, Arrays.copyOf(images,
                Math.min(images.length, MAX_IMAGES)));
        Map<String, Integer> ratios = new LinkedHashMap<>();
        samples.forEach((name, z) -> {
            IfNeurons population = (IfNeurons) graph.node(name);
            ratios.put(name, best(z, population.initialMembrane() / population.threshold()));
        });
        return ratios;
    }

    /** The candidate R of the least mean squared error on the inputs {@code z} (each in thresholds per step). */
    static int best(double[] z, double initialFraction) {
        int best = 1;
        double least = Double.POSITIVE_INFINITY;
        for (int ratio = 1; ratio <= MAX_RATIO; ratio *= 2) {
            double error = 0;
            for (double input : z) {
                int[] spikes = spikes(input, ratio, initialFraction);
                for (int h = 0; h < HORIZONS.length; h++) {
                    double gap = (spikes[h] * (double) ratio - input * HORIZONS[h]) / HORIZONS[h];
                    error += gap * gap;
                }
            }
            if (error < least) {
                least = error;
                best = ratio;
            }
        }
        return best;
    }

    /** n(t) at each horizon t of a zero-reset neuron of threshold R from v0 = f·R with input z a step. */
    static int[] spikes(double z, int ratio, double initialFraction) {
        int[] atHorizon = new int[HORIZONS.length];
        double v = initialFraction * ratio;
        int spikes = 0;
        int h = 0;
        for (int t = 1; h < HORIZONS.length; t++) {
            v += z;
            if (v >= ratio) {
                spikes++;
                v = 0;
            }
            if (t == HORIZONS[h]) {
                atHorizon[h++] = spikes;
            }
        }
        return atHorizon;
    }

    /** Up to {@value #MAX_SAMPLES} positive inputs z of each zero-reset population, evenly strided. */
    private static Map<String, double[]> samples(Graph graph, Map<String, Shape> shapes, double[][] images) {
        Map<String, List<double[]>> inputs = new LinkedHashMap<>();
        RateNetwork rates = new RateNetwork(graph, shapes);
        for (double[] image : images) {
            rates.evaluate(image, (population, z) -> {
                if (population.reset() == ResetMode.ZERO) {
                    inputs.computeIfAbsent(population.name(), name -> new ArrayList<>())
                            .add(Arrays.stream(z).filter(value -> value > 0).toArray());
                }
            });
        }
        Map<String, double[]> samples = new LinkedHashMap<>();
        inputs.forEach((name, perImage) -> {
            double[] all = perImage.stream().flatMapToDouble(Arrays::stream).toArray();
            int stride = Math.max(1, all.length / MAX_SAMPLES);
            double[] kept = new double[(all.length + stride - 1) / stride];
            Arrays.setAll(kept, k -> all[k * stride]);
            samples.put(name, kept);
        });
        return samples;
    }
}
