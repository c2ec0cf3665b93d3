package org.snnc.compiler.passes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongToDoubleFunction;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;

/**
 * Data-based normalization (Diehl et al. 2015, Rueckauer et al. 2017): rescales the weights so that each relu's
 * activations rarely exceed 1, the most an IF neuron of threshold 1 can fire.
 *
 * <p><b>Measure.</b> Over the calibration images, λ_r of relu r is the p-th percentile (numpy's linear definition,
 * {@link #percentile}) of r's non-zero activations, for the whole layer or per channel (axis 0); λ_r = 1 where r never
 * fires. The output logits y (the softmax's operand, else the output) get one λ_out by
 * {@link NormalizeOptions.OutputScale} from y's positive values.
 *
 * <p><b>Rescale.</b> Every value v gets a scale s_v over axis 0, meaning v′ = v / s_v. The input has s = 1, relu r
 * has λ_r and y has λ_out. Pools pass their operand's scale through, flatten repeats each channel's scale H·W times,
 * and concat concatenates its operands' scales. A weighted node takes the scale its users demand (demands flow back
 * from the relus and y through add, concat slices, pools and channel-uniform flattens), or 1 if none does, and
 * absorbs it with i the input channel (for dense, the input element) that weight row o reads:
 * <pre>
 *   W[o,i,…] ← W[o,i,…]·s_in[i]/s_out[o]      b[o] ← b[o]/s_out[o]          (conv2d, dense)
 *   a[c] ← a[c]·s_in[c]/s_out[c]              shift[c] ← shift[c]/s_out[c]  (affine)
 * </pre>
 * The operands of an add share the add's scale (demanded, else 1). Where a value reaches a user at another scale
 * than the user needs (a residual block's identity shortcut, a relu on the input), an affine v″ = (s_v/s_need)·v′ is
 * inserted before the user. Since every scale is positive and relu, pooling and per-channel linear maps commute with
 * positive per-channel factors, every relu becomes r/λ_r and y becomes y/λ_out, so the argmax is unchanged. A relu
 * clipped at m (ReLU6) has activations ≤ m, so λ_r ≤ m, and its ceiling becomes m/λ_r ≥ 1: its neuron, saturating at
 * rate 1, clips where the ANN does when λ_r = m.
 */
public final class Normalize implements Pass {

    /** Each normalized layer's λ, by the value it scales: a number, or a list of one per channel. */
    public static final RecordKey<Map<String, Object>> LAMBDAS = new RecordKey<>("lambdas");
    /** The percentile p the λs are of. */
    public static final RecordKey<Double> PERCENTILE = new RecordKey<>("percentile");
    /** How many calibration images the λs were measured on. */
    public static final RecordKey<Integer> CALIBRATION_IMAGES = new RecordKey<>("calibration_images");

    private final NormalizeOptions options;

    public Normalize(NormalizeOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "normalize";
    }

    @Override
    public String summary() {
        return "scale the weights so that each relu's p-th percentile activation on the calibration data is 1";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.DROPOUT_FREE, Stage.CANONICAL, Stage.BATCHNORM_FOLDED);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.NORMALIZED);
    }

    @Override
    public Set<Stage> mustPrecede() {
        return EnumSet.of(Stage.SPIKING);
    }

    @Override
    public String mustPrecedeReason() {
        return "it measures the ReLU activations that to-spiking replaces with IF populations";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        double[][] images = context.calibration().orElseThrow(() -> CompilationException.of(
                DiagnosticCode.CALIBRATION_REQUIRED, SourceSpan.GENERATED, name()));
        Map<String, Shape> shapes = Verifier.verify(graph).shapes();
        String logits = graph.node(graph.output()) instanceof Softmax softmax ? softmax.input() : graph.output();
        Measurement measured = measure(graph, shapes, logits, images, context);
        Rescaling rescaling = new Rescaling(graph, shapes, measured, logits, context);
        Graph result = rescaling.run();

        Map<String, Object> lambdas = new LinkedHashMap<>();
        measured.relus().forEach((relu, lambda) -> lambdas.put(relu,
                options.perChannel() ? Arrays.stream(lambda).boxed().toList() : lambda[0]));
        lambdas.put(rescaling.logitsValue(), measured.output()[0]);
        context.count("layers-normalized", lambdas.size());
        context.record(LAMBDAS, lambdas);
        context.record(PERCENTILE, options.percentile());
        context.record(CALIBRATION_IMAGES, images.length);
        return result;
    }

    /**
     * The p-th percentile of the positive values of {@code activations}, or 1 if there are none.
     *
     * @param percentile p in (0, 100]
     */
    static double lambda(double[] activations, double percentile) {
        double[] positive = Arrays.stream(activations).filter(v -> v > 0).sorted().toArray();
        return positive.length == 0 ? 1 : percentile(positive, percentile);
    }

    /**
     * numpy's default ("linear") percentile of {@code sorted}: with rank r = (p/100)·(n−1), the value interpolated
     * between sorted[⌊r⌋] and sorted[⌈r⌉]. Like numpy's {@code _lerp} it interpolates from the nearer neighbour, so
     * that its rounding, and hence the λs, match the reference bit for bit.
     */
    public static double percentile(double[] sorted, double percentile) {
        return percentile(sorted.length, percentile, i -> sorted[(int) i]);
    }

    /**
     * {@link #percentile(double[], double)} of n sorted values that {@code sorted} gives by index; it reads only
     * indices ⌊r⌋ and ⌊r⌋ + 1 (at most n − 1).
     */
    static double percentile(long n, double percentile, LongToDoubleFunction sorted) {
        double rank = (n - 1) * (percentile / 100);
        long below = (long) Math.floor(rank);
        long above = Math.min(below + 1, n - 1);
        double fraction = rank - below;
        double low = sorted.applyAsDouble(below);
        double high = sorted.applyAsDouble(above);
        double difference = high - low;
        return fraction >= 0.5 ? high - difference * (1 - fraction) : low + difference * fraction;
    }

    /** The λs measured: a vector over axis 0 for every relu (one value repeated when layer-wise), and λ_out. */
    private record Measurement(Map<String, double[]> relus, double[] output) {
    }

    /**
     * Evaluates the calibration images one at a time and keeps, per relu (or channel) and for the logits, only the
     * largest positive values that the percentile reads ({@link ExtremeValues}), so the λs are those of all positive
     * activations sorted, bit for bit, at the memory of a few per mille of them.
     */
    private Measurement measure(Graph graph, Map<String, Shape> shapes, String logits, double[][] images,
            PassContext context) {
        Map<String, Integer> groups = new LinkedHashMap<>();
        graph.nodes().values().stream().filter(Relu.class::isInstance).forEach(relu -> groups.put(relu.name(),
                options.perChannel() ? shapes.get(relu.name()).dim(0) : 1));
        double outputPercentile = switch (options.outputScale()) {
            case PERCENTILE -> options.percentile();
            case MAX, NONE -> 100;
        };
        Set<String> keep = new HashSet<>(groups.keySet());
        keep.add(logits);
        AnnInterpreter interpreter = new AnnInterpreter(graph);
        List<Map<String, ExtremeValues[]>> workers;
        try (Progress progress = context.inputs().progress().start("calibrating", images.length)) {
            workers = interpreter.forEachImage(images, keep, context.inputs().threads(), () -> {
                Map<String, ExtremeValues[]> samples = new LinkedHashMap<>();
                groups.forEach((relu, count) -> samples.put(relu,
                        samples(count, images.length * (long) shapes.get(relu).size(), options.percentile())));
                samples.put(logits, samples(1, images.length * (long) shapes.get(logits).size(), outputPercentile));
                return samples;
            }, (samples, image, values) -> {
                samples.forEach((node, group) -> collectPositives(values.get(node), group));
                progress.advance(1);
            });
        }
        Map<String, ExtremeValues[]> merged = workers.get(0);
        for (Map<String, ExtremeValues[]> worker : workers.subList(1, workers.size())) {
            merged.forEach((node, group) -> {
                for (int g = 0; g < group.length; g++) {
                    group[g].merge(worker.get(node)[g]);
                }
            });
        }
        Map<String, double[]> relus = new LinkedHashMap<>();
        groups.keySet().forEach(relu -> {
            double[] lambda = Arrays.stream(merged.get(relu))
                    .mapToDouble(group -> lambda(group, options.percentile())).toArray();
            relus.put(relu, options.perChannel() ? lambda : filled(shapes.get(relu).dim(0), lambda[0]));
        });
        double output = options.outputScale() == NormalizeOptions.OutputScale.NONE ? 1
                : lambda(merged.get(logits)[0], outputPercentile);
        return new Measurement(relus, filled(shapes.get(logits).dim(0), output));
    }

    /** {@link #lambda(double[], double)} of the positive values that {@code positives} was offered. */
    private static double lambda(ExtremeValues positives, double percentile) {
        return positives.count() == 0 ? 1 : positives.percentile(percentile);
    }

    private static double[] filled(int length, double value) {
        double[] values = new double[length];
        Arrays.fill(values, value);
        return values;
    }

    /** One collector per group of a value of {@code total} elements over the batch, for the upper percentile. */
    private static ExtremeValues[] samples(int groups, long total, double percentile) {
        ExtremeValues[] collectors = new ExtremeValues[groups];
        Arrays.setAll(collectors, g -> ExtremeValues.forUpperPercentile(total / groups, percentile));
        return collectors;
    }

    /** Offers the positive values of one image to their groups; a channel's values are contiguous in C order. */
    private static void collectPositives(double[] values, ExtremeValues[] groups) {
        int perGroup = values.length / groups.length;
        for (int k = 0; k < values.length; k++) {
            if (values[k] > 0) {
                groups[k / perGroup].add(values[k]);
            }
        }
    }

    /** The rewrite of one graph, given its λs: the scale of every value so far, and the demands on values. */
    private static final class Rescaling {

        private final Graph graph;
        private final Map<String, Shape> shapes;
        private final Measurement lambdas;
        private final String logits;
        private final PassContext context;
        private final GraphBuilder builder;
        private final Map<String, double[]> scales = new HashMap<>();
        private final Map<String, double[]> demands;
        private String logitsValue;

        Rescaling(Graph graph, Map<String, Shape> shapes, Measurement lambdas, String logits, PassContext context) {
            this.graph = graph;
            this.shapes = shapes;
            this.lambdas = lambdas;
            this.logits = logits;
            this.context = context;
            this.builder = graph.toBuilder();
            this.demands = demands();
        }

        /** The name of the value that holds y/λ_out in the result: y itself, or the affine that rescales it. */
        String logitsValue() {
            return logitsValue;
        }

        Graph run() {
            for (Node node : graph.nodes().values()) {
                if (!(node instanceof Softmax)) {
                    scales.put(node.name(), rescale(node));
                }
            }
            if (graph.node(graph.output()) instanceof Softmax softmax) {
                logitsValue = conform(logits, lambdas.output(), affine -> builder.insertBefore(softmax.name(), affine));
                builder.replace(softmax.withInputs(List.of(logitsValue)));
            } else {
                logitsValue = conform(logits, lambdas.output(), builder::add);
                builder.output(logitsValue);
            }
            return builder.pruneWeights().build();
        }

        /**
         * The scale each value must have for its users: walking from the last node back, a relu demands λ_r of its
         * operand, and add, pools, concat (by slice) and flatten (when per-channel) pass their own demand on. The
         * last user to demand wins; the others get an affine.
         */
        private Map<String, double[]> demands() {
            Map<String, double[]> demanded = new HashMap<>();
            demanded.put(logits, lambdas.output());
            List<Node> reversed = new ArrayList<>(graph.nodes().values());
            Collections.reverse(reversed);
            for (Node node : reversed) {
                double[] demand = node instanceof Relu ? lambdas.relus().get(node.name()) : demanded.get(node.name());
                if (demand == null) {
                    continue;
                }
                if (node instanceof Relu || node instanceof Add || node instanceof AvgPool || node instanceof MaxPool) {
                    node.inputs().forEach(operand -> demanded.putIfAbsent(operand, demand));
                } else if (node instanceof Concat) {
                    int offset = 0;
                    for (String operand : node.inputs()) {
                        int channels = shapes.get(operand).dim(0);
                        demanded.putIfAbsent(operand, Arrays.copyOfRange(demand, offset, offset + channels));
                        offset += channels;
                    }
                } else if (node instanceof Flatten flatten) {
                    perChannel(demand, shapes.get(flatten.input()).dim(0))
                            .ifPresent(channels -> demanded.putIfAbsent(flatten.input(), channels));
                }
            }
            return demanded;
        }

        /** The per-channel scale that {@code flat}, a flattened [C,H,W] scale, repeats; empty if it varies in one. */
        private static Optional<double[]> perChannel(double[] flat, int channels) {
            int block = flat.length / channels;
            double[] perChannel = new double[channels];
            for (int k = 0; k < flat.length; k++) {
                if (flat[k] != flat[k - k % block]) {
                    return Optional.empty();
                }
                perChannel[k / block] = flat[k];
            }
            return Optional.of(perChannel);
        }

        /** Rewrites {@code node} in the builder for its operands' scales and returns its own scale. */
        private double[] rescale(Node node) {
            if (node instanceof Input) {
                return ones(node);
            }
            if (node instanceof Relu relu) {
                double[] lambda = lambdas.relus().get(relu.name());
                String input = conformBefore(relu, relu.input(), lambda);
                // A ceiling m becomes m/λ, exact for a layer's one λ; with λ per channel, m/min λ_c is exact for the
                // channels of the least λ and clips the others above m (their neurons saturate at 1 ≤ m/λ_c anyway).
                double least = Arrays.stream(lambda).min().orElse(1);
                builder.replace(new Relu(relu.name(), input, relu.ceiling() / least, relu.span()));
                return lambda;
            }
            if (node instanceof Add add) {
                double[] scale = demanded(add);
                builder.replace(add.withInputs(add.inputs().stream().map(o -> conformBefore(add, o, scale)).toList()));
                return scale;
            }
            if (node instanceof Conv2d conv) {
                double[] out = demanded(conv);
                builder.replace(new Conv2d(conv.name(), conv.input(), conv.filters(), conv.window(), conv.groups(),
                        rescaleWeight(conv, conv.weight(), "weight", conv.groups(), out),
                        conv.bias().map(b -> divide(conv, b, "bias", out)), conv.span()));
                return out;
            }
            if (node instanceof Dense dense) {
                double[] out = demanded(dense);
                builder.replace(new Dense(dense.name(), dense.input(), dense.units(),
                        rescaleWeight(dense, dense.weight(), "weight", 1, out),
                        dense.bias().map(b -> divide(dense, b, "bias", out)), dense.span()));
                return out;
            }
            if (node instanceof Affine affine) {
                double[] out = demanded(affine);
                builder.replace(new Affine(affine.name(), affine.input(),
                        rescaleWeight(affine, affine.scale(), "scale", out.length, out),
                        affine.shift().map(b -> divide(affine, b, "shift", out)), affine.span()));
                return out;
            }
            if (node instanceof AvgPool || node instanceof MaxPool) {
                return scales.get(node.inputs().get(0));
            }
            if (node instanceof Flatten flatten) {
                double[] channels = scales.get(flatten.input());
                int block = shapes.get(flatten.name()).size() / channels.length;
                double[] flat = new double[channels.length * block];
                Arrays.setAll(flat, k -> channels[k / block]);
                return flat;
            }
            if (node instanceof Concat concat) {
                return concat.inputs().stream().flatMapToDouble(operand -> Arrays.stream(scales.get(operand)))
                        .toArray();
            }
            throw new IllegalStateException("normalize cannot rescale " + node.operator() + " '" + node.name()
                    + "', which a dropout-free, batchnorm-folded ANN does not hold");
        }

        private double[] ones(Node node) {
            return filled(shapes.get(node.name()).dim(0), 1);
        }

        private double[] demanded(Node node) {
            return demands.getOrDefault(node.name(), ones(node));
        }

        private String conformBefore(Node user, String operand, double[] needed) {
            return conform(operand, needed, affine -> builder.insertBefore(user.name(), affine));
        }

        /** {@code operand} if its scale is {@code needed}, else a new affine that rescales it, placed by {@code place}. */
        private String conform(String operand, double[] needed, Consumer<Affine> place) {
            double[] scale = scales.get(operand);
            if (Arrays.equals(scale, needed)) {
                return operand;
            }
            String name = builder.freshName(operand + ".rescaled");
            double[] factors = new double[needed.length];
            Arrays.setAll(factors, c -> scale[c] / needed[c]);
            ParamRef factor = new ParamRef(name + ".scale", SourceSpan.GENERATED);
            builder.weight(factor.key(), Tensor.wrap(Shape.of(factors.length), factors));
            place.accept(new Affine(name, operand, factor, Optional.empty(), SourceSpan.GENERATED));
            scales.put(name, needed);
            context.count("affines-inserted", 1);
            return name;
        }

        /**
         * W[o,i,…]·s_in[i]/s_out[o] under the new key {@code node.role}, where row o of a node with {@code groups}
         * groups reads input channel ⌊o·G/O⌋·I + i of the I per group (a rank-1 weight has I = 1).
         */
        private ParamRef rescaleWeight(Node node, ParamRef weight, String role, int groups, double[] out) {
            double[] in = scales.get(node.inputs().get(0));
            Tensor tensor = tensor(weight);
            double[] values = tensor.toArray();
            Shape shape = tensor.shape();
            int rows = shape.dim(0);
            int perGroup = shape.rank() > 1 ? shape.dim(1) : 1;
            int inner = values.length / rows / perGroup;
            for (int o = 0; o < rows; o++) {
                int firstChannel = o / (rows / groups) * perGroup;
                for (int i = 0; i < perGroup; i++) {
                    double scaleIn = in[firstChannel + i];
                    int from = (o * perGroup + i) * inner;
                    for (int k = from; k < from + inner; k++) {
                        values[k] = values[k] * scaleIn / out[o];
                    }
                }
            }
            return write(node, weight, role, Tensor.wrap(shape, values));
        }

        /** b[o]/s_out[o] under the new key {@code node.role}. */
        private ParamRef divide(Node node, ParamRef bias, String role, double[] out) {
            double[] values = tensor(bias).toArray();
            Arrays.setAll(values, o -> values[o] / out[o]);
            return write(node, bias, role, Tensor.wrap(tensor(bias).shape(), values));
        }

        private Tensor tensor(ParamRef ref) {
            return graph.weights().get(ref.key()).orElseThrow();
        }

        /**
         * Stores a rescaled tensor as {@code node.role}. Every parameter of the graph is rewritten, and node names
         * are unique while roles hold no '.', so the new keys are unique; the old tensors are pruned at the end.
         */
        private ParamRef write(Node node, ParamRef old, String role, Tensor tensor) {
            String key = node.name() + "." + role;
            builder.weight(key, tensor);
            return new ParamRef(key, old.span());
        }
    }
}
