package org.snnc.targets.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snnc.compiler.concurrent.PerImageWorkers;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Weights;
import org.snnc.compiler.passes.ExtremeValues;
import org.snnc.compiler.passes.Normalize;
import org.snnc.compiler.passes.PassContext;
import org.snnc.compiler.passes.Progress;

/**
 * How far below zero the populations' input goes, the statistic behind the membrane-floor cap. The prepared float
 * graph is evaluated as a rate network on the first {@value #MAX_IMAGES} calibration images: the encoder gives the
 * input values (analog) or their clamp to [0, 1] (Poisson), a population P has input
 * <pre>
 *   z = (E(r) + b) / θ_float        E its synapse expression on its sources' rates r, b its current
 * </pre>
 * in thresholds per step and fires at rate clip(z, 0, 1), and a gate passes the highest rate of its window. z_low(P)
 * is the {@value #PERCENTILE}th percentile of z over P's neurons and the images (numpy's linear percentile,
 * {@link Normalize#percentile}): a neuron that receives z_low every step falls by |z_low|·θ per step.
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
        Map<String, AnnInterpreter> kernels = new HashMap<>();
        Map<String, Long> totals = new LinkedHashMap<>();
        Map<String, Integer> lastUse = new HashMap<>();
        int position = 0;
        for (Node node : prepared.nodes().values()) {
            if (node instanceof Conv2d || node instanceof Dense || node instanceof MaxPoolGate) {
                kernels.put(node.name(), kernel(prepared, node, shapes.get(node.inputs().get(0))));
            } else if (node instanceof IfNeurons) {
                totals.put(node.name(), count * (long) shapes.get(node.name()).size());
            }
            for (String operand : node.inputs()) {
                lastUse.put(operand, position);
            }
            position++;
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
                evaluate(prepared, kernels, lastUse, scaled(images[image], inputFactor), samples);
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

    /** Evaluates one image node by node and offers each population's z to its samples. */
    private static void evaluate(Graph prepared, Map<String, AnnInterpreter> kernels, Map<String, Integer> lastUse,
            double[] image, Map<String, ExtremeValues> samples) {
        Map<String, double[]> values = new HashMap<>();
        int position = 0;
        for (Node node : prepared.nodes().values()) {
            List<double[]> operands = node.inputs().stream().map(values::get).toList();
            double[] result;
            if (node instanceof Input) {
                result = image;
            } else if (node instanceof SpikeEncoder encoder) {
                result = encoder.encoding() == InputEncoding.ANALOG ? operands.get(0)
                        : Arrays.stream(operands.get(0)).map(x -> Math.min(Math.max(x, 0), 1)).toArray();
            } else if (kernels.containsKey(node.name())) {
                result = kernels.get(node.name()).evaluate(operands.get(0));
            } else if (node instanceof Add) {
                result = sum(operands);
            } else if (node instanceof Concat) {
                result = operands.stream().flatMapToDouble(Arrays::stream).toArray();
            } else if (node instanceof Flatten) {
                result = operands.get(0);
            } else if (node instanceof IfNeurons population) {
                result = population(prepared, population, operands.get(0), samples.get(population.name()));
            } else {
                result = null;
            }
            for (String operand : node.inputs()) {
                if (lastUse.get(operand) == position) {
                    values.remove(operand);
                }
            }
            if (result != null) {
                values.put(node.name(), result);
            }
            position++;
        }
    }

    /** Offers z = (input + b)/θ of every neuron to {@code samples} and returns the rates clip(z, 0, 1). */
    private static double[] population(Graph prepared, IfNeurons population, double[] input,
            ExtremeValues samples) {
        int size = input.length;
        double[] current = population.current()
                .map(c -> prepared.weights().get(c.key()).orElseThrow().backingArray()).orElse(new double[size]);
        double[] rates = new double[size];
        for (int k = 0; k < size; k++) {
            double z = (input[k] + current[k]) / population.threshold();
            samples.add(z);
            rates[k] = Math.min(Math.max(z, 0), 1);
        }
        return rates;
    }

    private static double[] sum(List<double[]> operands) {
        double[] total = new double[operands.get(0).length];
        for (double[] operand : operands) {
            Arrays.setAll(total, k -> total[k] + operand[k]);
        }
        return total;
    }

    /**
     * {@code node} alone on an input of its operand's shape, with only its own parameters, for the ANN
     * interpreter's kernels; a gate passes the highest rate of its window, so it evaluates as a max pool.
     */
    private static AnnInterpreter kernel(Graph prepared, Node node, Shape operandShape) {
        String operand = node.name().equals("operand") ? "operand_" : "operand";
        Node alone = node instanceof MaxPoolGate gate
                ? new MaxPool(gate.name(), operand, gate.window(), gate.span())
                : node.withInputs(List.of(operand));
        Map<String, Tensor> own = new TreeMap<>();
        alone.parameters().values().forEach(ref -> own.put(ref.key(), prepared.weights().get(ref.key()).orElseThrow()));
        return new AnnInterpreter(Graph.builder("kernel")
                .add(new Input(operand, DType.F64, operandShape, Scale.ONE, node.span()))
                .add(alone)
                .output(node.name())
                .weights(Weights.of(own))
                .build());
    }
}
