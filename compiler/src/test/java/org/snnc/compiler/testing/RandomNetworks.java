package org.snnc.compiler.testing;

import java.util.Optional;
import java.util.Random;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * Small random valid networks with random weights, for differential properties: convolutions (strided, padded,
 * grouped), batchnorm, both poolings, residual adds and concatenated branches, then a dense head. The same seed
 * always gives the same network.
 *
 * <p>{@link #generateForChips} gives the same kinds of networks in the form a chip can hold once converted: every
 * weighted layer, pooling and batchnorm is followed by a relu (or is the output), so that conversion puts a population
 * after each; a residual join is relu(x + conv(x)); and an average pool that pads counts the padding.
 */
public final class RandomNetworks {

    private final Random random;
    private final GraphBuilder graph;
    private final boolean chipReady;
    private int counter;
    private String current;
    private int channels;
    private int height;
    private int width;

    private RandomNetworks(long seed, boolean chipReady) {
        this.random = new Random(seed);
        this.graph = Graph.builder("random" + Long.toHexString(seed).replace('-', 'm')).span(SourceSpan.GENERATED);
        this.chipReady = chipReady;
    }

    /** A network of 1 to 4 random blocks on a small image, ending in a dense layer and usually a softmax. */
    public static Graph generate(long seed) {
        return new RandomNetworks(seed, false).build();
    }

    /**
     * Like {@link #generate}, with the same random choices, but with a relu after every block, branch and hidden
     * dense layer, so that each weighted layer feeds a population: the networks a chip can hold.
     */
    public static Graph generateForChips(long seed) {
        return new RandomNetworks(seed, true).build();
    }

    private Graph build() {
        channels = 1 + random.nextInt(3);
        height = 5 + random.nextInt(6);
        width = 5 + random.nextInt(6);
        boolean pixels = random.nextBoolean();
        current = "x";
        graph.add(new Input(current, pixels ? DType.U8 : DType.F32, Shape.of(channels, height, width),
                pixels ? new Scale(1, 255) : Scale.ONE, SourceSpan.GENERATED));
        int blocks = 1 + random.nextInt(4);
        for (int i = 0; i < blocks; i++) {
            switch (random.nextInt(6)) {
                case 0 -> {
                    convolution(1 + random.nextInt(4), false);
                    chipRelu();
                }
                case 1 -> {
                    convolution(1 + random.nextInt(4), true);
                    add(new Relu(name(), current, SourceSpan.GENERATED));
                }
                case 2 -> {
                    pool();
                    chipRelu();
                }
                case 3 -> residual();
                case 4 -> branches();
                default -> {
                    batchNorm();
                    add(new Dropout(name(), current, 0.1 * random.nextInt(9), SourceSpan.GENERATED));
                    chipRelu();
                }
            }
        }
        add(new Flatten(name(), current, SourceSpan.GENERATED));
        int features = channels * height * width;
        if (random.nextBoolean()) {
            dense(features, 2 + random.nextInt(6));
            features = channels;
            add(new Relu(name(), current, SourceSpan.GENERATED));
        }
        dense(features, 2 + random.nextInt(9));
        if (random.nextInt(4) > 0) {
            add(new Softmax(name(), current, SourceSpan.GENERATED));
        }
        return graph.output(current).build();
    }

    private void convolution(int filters, boolean sameSize) {
        int kernel = sameSize ? 1 + 2 * random.nextInt(2) : 1 + random.nextInt(Math.min(3, Math.min(height, width)));
        int stride = sameSize ? 1 : 1 + random.nextInt(2);
        Padding padding = sameSize ? Padding.symmetric(kernel / 2, kernel / 2)
                : new Padding(random.nextInt(2), random.nextInt(2), random.nextInt(2), random.nextInt(2));
        int groups = channels > 1 && filters % channels == 0 && random.nextBoolean() ? channels : 1;
        Window2d window = new Window2d(kernel, kernel, stride, stride, padding);
        String name = name();
        ParamRef weight = parameter(name + ".weight", filters, channels / groups, kernel, kernel);
        Optional<ParamRef> bias = random.nextBoolean()
                ? Optional.of(parameter(name + ".bias", filters)) : Optional.empty();
        add(new Conv2d(name, current, filters, window, groups, weight, bias, SourceSpan.GENERATED));
        channels = filters;
        height = window.outputHeight(height);
        width = window.outputWidth(width);
    }

    private void pool() {
        if (height < 2 || width < 2) {
            add(new Relu(name(), current, SourceSpan.GENERATED));
            return;
        }
        int stride = 1 + random.nextInt(2);
        int pad = random.nextInt(2);
        Window2d window = new Window2d(2, 2, stride, stride, Padding.symmetric(pad, pad));
        add(random.nextBoolean()
                ? new MaxPool(name(), current, window, SourceSpan.GENERATED)
                : new AvgPool(name(), current, window, random.nextBoolean() || chipReady && pad > 0,
                        SourceSpan.GENERATED));
        height = window.outputHeight(height);
        width = window.outputWidth(width);
    }

    private void residual() {
        String skip = current;
        convolution(channels, true);
        if (!chipReady) {
            add(new Relu(name(), current, SourceSpan.GENERATED));
        }
        add(new Add(name(), java.util.List.of(skip, current), SourceSpan.GENERATED));
        chipRelu();
    }

    private void branches() {
        String trunk = current;
        int trunkChannels = channels;
        convolution(1 + random.nextInt(3), true);
        chipRelu();
        String left = current;
        int leftChannels = channels;
        current = trunk;
        channels = trunkChannels;
        convolution(1 + random.nextInt(3), true);
        chipRelu();
        add(new Concat(name(), java.util.List.of(left, current), SourceSpan.GENERATED));
        channels += leftChannels;
    }

    private void batchNorm() {
        String name = name();
        add(new BatchNorm(name, current, 1e-5, parameter(name + ".gamma", channels),
                parameter(name + ".beta", channels), parameter(name + ".mean", channels),
                positiveParameter(name + ".var", channels), SourceSpan.GENERATED));
    }

    private void dense(int inputs, int units) {
        String name = name();
        ParamRef weight = parameter(name + ".weight", units, inputs);
        Optional<ParamRef> bias = random.nextBoolean()
                ? Optional.of(parameter(name + ".bias", units)) : Optional.empty();
        add(new Dense(name, current, units, weight, bias, SourceSpan.GENERATED));
        channels = units;
    }

    private ParamRef parameter(String key, int... shape) {
        double[] values = new double[Shape.of(shape).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.5);
        }
        graph.weight(key, Tensor.wrap(Shape.of(shape), values));
        return new ParamRef(key, SourceSpan.GENERATED);
    }

    private ParamRef positiveParameter(String key, int... shape) {
        double[] values = new double[Shape.of(shape).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (0.1 + random.nextDouble());
        }
        graph.weight(key, Tensor.wrap(Shape.of(shape), values));
        return new ParamRef(key, SourceSpan.GENERATED);
    }

    /** A relu after the current value, in the chip-ready form only. */
    private void chipRelu() {
        if (chipReady) {
            add(new Relu(name(), current, SourceSpan.GENERATED));
        }
    }

    private String name() {
        return "v" + counter++;
    }

    private void add(org.snnc.compiler.ir.Node node) {
        graph.add(node);
        current = node.name();
    }
}
