package org.snnc.targets.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.concurrent.PerImageWorkers;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.passes.ExtremeValues;
import org.snnc.compiler.passes.Normalize;
import org.snnc.compiler.passes.PassContext;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.sim.RateNetwork;

/**
 * How far below zero the populations' input goes, the statistic behind the membrane-floor cap. The prepared float
 * graph is evaluated as a {@link RateNetwork} on the first {@value #MAX_IMAGES} calibration images, which gives each
 * population P its input z per step in thresholds. z_low(P) is the {@value #PERCENTILE}th percentile of z over P's
 * neurons and the images (numpy's linear percentile, {@link Normalize#percentile}): a neuron that receives z_low every
 * step falls by |z_low|·θ per step.
 *
 * <p>The images are evaluated one at a time on the calibration's worker threads, and of each population's z only the
 * smallest values the percentile reads are kept ({@link ExtremeValues}), so z_low is that of every z sorted, for any
 * number of threads, at the memory of one image per worker.
 */
final class FloorHeadroom {

    /** The calibration images evaluated; more barely move a 0.1th percentile, and each costs an ANN evaluation. */
    private static final int MAX_IMAGES = 200;
    private static final double PERCENTILE = 0.1;

    private FloorHeadroom() {
    }

    /**
     * z_low of every population, by name.
     *
     * @param images      the calibration images, scaled as the graph's input was before quantization
     * @param inputFactor what turns those images into the values the prepared graph's input holds: 1/scale when
     *                    the scale was folded into the analog input's weights, else 1
     */
    static Map<String, Double> measure(Graph prepared, Map<String, Shape> shapes, double[][] images,
            double inputFactor, PassContext context) {
        int count = Math.min(images.length, MAX_IMAGES);
        RateNetwork rates = new RateNetwork(prepared, shapes);
        Map<String, Long> totals = new LinkedHashMap<>();
        for (Node node : prepared.nodes().values()) {
            if (node instanceof IfNeurons) {
                totals.put(node.name(), count * (long) shapes.get(node.name()).size());
            }
        }
        List<Map<String, ExtremeValues>> workers = Collections.synchronizedList(new ArrayList<>());
        try (Progress progress = context.inputs().progress().start("measuring headroom", count)) {
            PerImageWorkers.run(count, context.inputs().threads(), "snnc-headroom", () -> {
                Map<String, ExtremeValues> samples = new LinkedHashMap<>();
                totals.forEach((population, total) -> samples.put(population,
                        ExtremeValues.forLowerPercentile(total, PERCENTILE)));
                workers.add(samples);
                return samples;
            }, (samples, image) -> {
                rates.evaluate(scaled(images[image], inputFactor), (population, z) -> {
                    ExtremeValues sample = samples.get(population.name());
                    for (double value : z) {
                        sample.add(value);
                    }
                });
                progress.advance(1);
            });
        }
        Map<String, ExtremeValues> merged = workers.get(0);
        for (Map<String, ExtremeValues> worker : workers.subList(1, workers.size())) {
            merged.forEach((population, z) -> z.merge(worker.get(population)));
        }
        Map<String, Double> low = new LinkedHashMap<>();
        merged.forEach((population, z) -> low.put(population, z.percentile(PERCENTILE)));
        return low;
    }

    private static double[] scaled(double[] image, double factor) {
        double[] values = image.clone();
        Arrays.setAll(values, k -> values[k] * factor);
        return values;
    }
}
