package org.snnc.targets.quant;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/**
 * Small random ANNs of the kinds a chip can hold once converted (after the idea of the tests module's
 * RandomNetworks): u8 pixels, convolutions (strided, padded, grouped) each followed by a relu, average and max pooling
 * of relu outputs, residual blocks whose shortcut is an identity, and a dense head. Every weighted layer is followed
 * by a relu or is the output, so that conversion puts a population after each. The same seed gives the same network.
 */
final class RandomQuantizableNetworks {

    private final Random random;
    private final GraphBuilder graph;
    private int counter;
    private String current;
    private int channels;
    private int height;
    private int width;

    private RandomQuantizableNetworks(long seed) {
        this.random = new Random(seed);
        this.graph = Graph.builder("random").span(SourceSpan.GENERATED);
    }

    static Graph generate(long seed) {
        return new RandomQuantizableNetworks(seed).build();
    }

    private Graph build() {
        channels = 1 + random.nextInt(3);
        height = 5 + random.nextInt(6);
        width = 5 + random.nextInt(6);
        current = "x";
        graph.add(new Input(current, DType.U8, Shape.of(channels, height, width), new Scale(1, 255),
                SourceSpan.GENERATED));
        convolution(1 + random.nextInt(4), random.nextBoolean());
        int blocks = random.nextInt(3);
        for (int i = 0; i < blocks; i++) {
            switch (random.nextInt(3)) {
                case 0 -> convolution(1 + random.nextInt(4), random.nextBoolean());
                case 1 -> pool();
                default -> residual();
            }
        }
        add(new Flatten(name(), current, SourceSpan.GENERATED));
        int features = channels * height * width;
        if (random.nextBoolean()) {
            int units = 2 + random.nextInt(6);
            dense(features, units);
            add(new Relu(name(), current, SourceSpan.GENERATED));
            features = units;
        }
        dense(features, 2 + random.nextInt(9));
        if (random.nextBoolean()) {
            add(new Softmax(name(), current, SourceSpan.GENERATED));
        }
        return graph.output(current).build();
    }

    /** A convolution and its relu; {@code sameSize} keeps height and width. */
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
        add(new Relu(name(), current, SourceSpan.GENERATED));
        channels = filters;
        height = window.outputHeight(height);
        width = window.outputWidth(width);
    }

    /** Average or max pooling of the last relu; an average pool that pads counts the padding. */
    private void pool() {
        if (height < 2 || width < 2) {
            return;
        }
        int stride = 1 + random.nextInt(2);
        int pad = random.nextInt(2);
        Window2d window = new Window2d(2, 2, stride, stride, Padding.symmetric(pad, pad));
        add(random.nextBoolean()
                ? new MaxPool(name(), current, window, SourceSpan.GENERATED)
                : new AvgPool(name(), current, window, pad > 0 || random.nextBoolean(), SourceSpan.GENERATED));
        height = window.outputHeight(height);
        width = window.outputWidth(width);
    }

    /** relu(conv(relu(conv(x))) + x), the shortcut x being the last relu. */
    private void residual() {
        String skip = current;
        convolution(channels, true);
        String name = name();
        ParamRef weight = parameter(name + ".weight", channels, channels, 3, 3);
        add(new Conv2d(name, current, channels, Window2d.square(3, 1, 1), 1, weight, Optional.empty(),
                SourceSpan.GENERATED));
        add(new Add(name(), List.of(current, skip), SourceSpan.GENERATED));
        add(new Relu(name(), current, SourceSpan.GENERATED));
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

    private String name() {
        return "v" + counter++;
    }

    private void add(Node node) {
        graph.add(node);
        current = node.name();
    }
}
