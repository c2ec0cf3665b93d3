package org.snnc.targets.quant;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snnc.compiler.interp.Activations;
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
 */
final class FloorHeadroom {

    /** The calibration images evaluated; more barely move a 0.1th percentile, and each costs an ANN evaluation. */
    private static final int MAX_IMAGES = 200;
    private static final double PERCENTILE = 0.1;
    /** The images evaluated together, which bounds the memory the intermediate values take. */
    private static final int CHUNK = 50;

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
        Map<String, double[]> samples = new LinkedHashMap<>();
        for (Node node : prepared.nodes().values()) {
            if (node instanceof Conv2d || node instanceof Dense || node instanceof MaxPoolGate) {
                kernels.put(node.name(), kernel(prepared, node, shapes.get(node.inputs().get(0))));
            } else if (node instanceof IfNeurons) {
                samples.put(node.name(), new double[count * shapes.get(node.name()).size()]);
            }
        }
        try (Progress progress = context.inputs().progress().start("measuring headroom", count)) {
            for (int first = 0; first < count; first += CHUNK) {
                double[][] chunk = new double[Math.min(CHUNK, count - first)][];
                int offset = first;
                Arrays.setAll(chunk, i -> scaled(images[offset + i], inputFactor));
                evaluate(prepared, kernels, chunk, first, samples, context.inputs().threads());
                progress.advance(chunk.length);
            }
        }
        Map<String, Double> low = new LinkedHashMap<>();
        samples.forEach((population, z) -> {
            Arrays.sort(z);
            low.put(population, Normalize.percentile(z, PERCENTILE));
        });
        return low;
    }

    private static double[] scaled(double[] image, double factor) {
        double[] values = image.clone();
        Arrays.setAll(values, k -> values[k] * factor);
        return values;
    }

    /** Evaluates one chunk of images node by node and stores each population's z from image {@code first} on. */
    private static void evaluate(Graph prepared, Map<String, AnnInterpreter> kernels, double[][] chunk, int first,
            Map<String, double[]> samples, int threads) {
        Map<String, double[][]> values = new HashMap<>();
        for (Node node : prepared.nodes().values()) {
            List<double[][]> operands = node.inputs().stream().map(values::get).toList();
            double[][] result;
            if (node instanceof Input) {
                result = chunk;
            } else if (node instanceof SpikeEncoder encoder) {
                result = encoder.encoding() == InputEncoding.ANALOG ? operands.get(0)
                        : map(operands.get(0), x -> Math.min(Math.max(x, 0), 1));
            } else if (kernels.containsKey(node.name())) {
                Activations activations = kernels.get(node.name()).evaluateBatch(operands.get(0), Set.of(), threads);
                result = new double[chunk.length][];
                Arrays.setAll(result, image -> activations.values(node.name(), image));
            } else if (node instanceof Add) {
                result = new double[chunk.length][];
                Arrays.setAll(result, image -> sum(operands, image));
            } else if (node instanceof Concat) {
                result = new double[chunk.length][];
                Arrays.setAll(result, image -> operands.stream().flatMapToDouble(o -> Arrays.stream(o[image]))
                        .toArray());
            } else if (node instanceof Flatten) {
                result = operands.get(0);
            } else if (node instanceof IfNeurons population) {
                result = population(prepared, population, operands.get(0), samples.get(population.name()), first);
            } else {
                continue;
            }
            values.put(node.name(), result);
        }
    }

    /** Stores z = (input + b)/θ of every image and returns the rates clip(z, 0, 1). */
    private static double[][] population(Graph prepared, IfNeurons population, double[][] input, double[] samples,
            int first) {
        int size = input[0].length;
        double[] current = population.current()
                .map(c -> prepared.weights().get(c.key()).orElseThrow().toArray()).orElse(new double[size]);
        double[][] rates = new double[input.length][size];
        for (int image = 0; image < input.length; image++) {
            for (int k = 0; k < size; k++) {
                double z = (input[image][k] + current[k]) / population.threshold();
                samples[(first + image) * size + k] = z;
                rates[image][k] = Math.min(Math.max(z, 0), 1);
            }
        }
        return rates;
    }

    private static double[] sum(List<double[][]> operands, int image) {
        double[] total = new double[operands.get(0)[image].length];
        for (double[][] operand : operands) {
            Arrays.setAll(total, k -> total[k] + operand[image][k]);
        }
        return total;
    }

    private static double[][] map(double[][] values, java.util.function.DoubleUnaryOperator f) {
        double[][] mapped = new double[values.length][];
        Arrays.setAll(mapped, image -> Arrays.stream(values[image]).map(f).toArray());
        return mapped;
    }

    /**
     * {@code node} alone on an input of its operand's shape, for the ANN interpreter's kernels; a gate passes the
     * highest rate of its window, so it evaluates as a max pool.
     */
    private static AnnInterpreter kernel(Graph prepared, Node node, Shape operandShape) {
        String operand = node.name().equals("operand") ? "operand_" : "operand";
        Node alone = node instanceof MaxPoolGate gate
                ? new MaxPool(gate.name(), operand, gate.window(), gate.span())
                : node.withInputs(List.of(operand));
        return new AnnInterpreter(Graph.builder("kernel")
                .add(new Input(operand, DType.F64, operandShape, Scale.ONE, node.span()))
                .add(alone)
                .output(node.name())
                .weights(prepared.weights())
                .build());
    }
}
