package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.net.SynapticNetwork;

/**
 * Quantized spiking networks built in code, without the quantize pass: integer weights in [−127, 127] with exponent
 * 0, and IF populations with 24-bit fixed-point arithmetic. {@link Net} writes a network layer by layer;
 * {@link #random} draws a random one: a stack of grouped convolutions (random kernel, stride, padding and groups),
 * max-pool gates when allowed, residual adds of two branches, then flatten and one or two dense layers.
 */
public final class RandomQuantizedNetworks {

    /** The fixed-point arithmetic of every population. */
    public static final FixedPoint FIXED = new FixedPoint(8, 0, 24, 24, Overflow.SATURATE,
            OptionalLong.of(-8388608), FireComparison.GE);

    private static final SourceSpan AT = SourceSpan.GENERATED;

    private RandomQuantizedNetworks() {
    }

    /**
     * A network under construction. Each layer method adds the synapse node ({@code NAME.conv}, {@code NAME.dense})
     * and the IF population {@code NAME}, and returns the population's name; the input's encoder is {@code x.enc}.
     */
    public static final class Net {

        private final GraphBuilder graph;
        private final Random random;
        private int spanLine = 1;

        /** A network named {@code name} with a u8 input of {@code shape}; weights are drawn from {@code seed}. */
        public Net(String name, Shape shape, long seed) {
            this.graph = Graph.builder(name);
            this.random = new Random(seed);
            graph.add(new Input("x", DType.U8, shape, Scale.ONE, AT));
            graph.add(new SpikeEncoder("x.enc", "x", InputEncoding.ANALOG, 0, AT));
        }

        /** Population {@code name} = if(conv2d(source)). */
        public String conv(String name, String source, int filters, Window2d window, int groups) {
            return population(name, convNode(name + ".conv", source, filters, window, groups));
        }

        /** Population {@code name} = if(dense(flatten(source))) (no flatten for a flat source). */
        public String dense(String name, String source, int units) {
            return population(name, denseNode(name + ".dense", source, units));
        }

        /** Population {@code name} = if(add(conv2d(a), conv2d(b))), both convs giving the same shape. */
        public String add(String name, String a, Window2d windowA, String b, Window2d windowB, int filters) {
            String left = convNode(name + ".a", a, filters, windowA, 1);
            String right = convNode(name + ".b", b, filters, windowB, 1);
            graph.add(new Add(name + ".add", List.of(left, right), AT));
            return population(name, name + ".add");
        }

        /** Population {@code name} = if(add(dense(s) for each source)). */
        public String denseSum(String name, List<String> sources, int units) {
            List<String> terms = new ArrayList<>();
            for (int k = 0; k < sources.size(); k++) {
                terms.add(denseNode(name + ".d" + k, sources.get(k), units));
            }
            graph.add(new Add(name + ".add", terms, AT));
            return population(name, name + ".add");
        }

        /** Gate {@code name} = maxpool_gate(population). */
        public String gate(String name, String population, Window2d window) {
            graph.add(new MaxPoolGate(name, population, window, OptionalDouble.empty(), AT));
            return name;
        }

        /** The graph, read out (membrane) from {@code output}. */
        public Graph build(String output) {
            graph.add(new Readout("out", output, ReadoutMode.MEMBRANE, ReadoutWindow.ALL, 0, AT));
            return graph.output("out").build();
        }

        /** The synaptic network of {@link #build}. */
        public SynapticNetwork network(String output) {
            return SynapticNetwork.of(build(output));
        }

        /** The shape of a value added so far. */
        public Shape shape(String value) {
            return ShapeInference.infer(graph.output(value).build(), new DiagnosticBag()).shape(value);
        }

        private String convNode(String node, String source, int filters, Window2d window, int groups) {
            int channels = shape(source).dim(0);
            ParamRef weight = integers(node + ".weight", Shape.of(filters, channels / groups, window.kernelH(),
                    window.kernelW()));
            graph.add(new Conv2d(node, source, filters, window, groups, weight, Optional.empty(), AT));
            return node;
        }

        private String denseNode(String node, String source, int units) {
            Shape in = shape(source);
            String flat = source;
            if (in.rank() != 1) {
                flat = node + ".flat";
                graph.add(new Flatten(flat, source, AT));
            }
            graph.add(new Dense(node, flat, units, integers(node + ".weight", Shape.of(units, in.size())),
                    Optional.empty(), AT));
            return node;
        }

        private String population(String name, String input) {
            Shape shape = shape(input);
            Optional<ParamRef> current = random.nextBoolean() ? Optional.of(integers(name + ".current", shape))
                    : Optional.empty();
            graph.add(new IfNeurons(name, input, 100, ResetMode.SUBTRACT, random.nextInt(100), current, Optional.of(FIXED),
                    new SourceSpan("net.snn", spanLine++, 1)));
            return name;
        }

        private ParamRef integers(String key, Shape shape) {
            double[] values = new double[shape.size()];
            for (int k = 0; k < values.length; k++) {
                values[k] = random.nextInt(255) - 127;
            }
            return graph.addWeight(key, Tensor.wrap(shape, values), AT);
        }
    }

    /**
     * A random quantized network: input [1..3, 4..11, same]; 1 to 4 conv layers (filters 1..6 in 1..3 groups,
     * square or oblong kernels of 1..3, stride 1..2, padding below the kernel), each possibly followed by a gate when
     * {@code gates} (tiling 2×2, or overlapping 3×3 stride 2 padding 1) or made a residual add of the previous two
     * sources; then one or two dense layers. With {@code square}, kernels and paddings are square, so every map is.
     */
    public static SynapticNetwork random(Random random, boolean gates, boolean square) {
        int channels = 1 + random.nextInt(3);
        int side = 4 + random.nextInt(8);
        Net net = new Net("random", Shape.of(channels, side, side), random.nextLong());
        List<String> sources = new ArrayList<>(List.of("x.enc"));
        int layers = 1 + random.nextInt(4);
        for (int layer = 0; layer < layers; layer++) {
            String source = sources.get(sources.size() - 1);
            Shape in = net.shape(source);
            String name = "c" + layer;
            if (sources.size() >= 2 && random.nextInt(4) == 0
                    && sameMap(in, net.shape(sources.get(sources.size() - 2)))) {
                int filters = 1 + random.nextInt(6);
                sources.add(net.add(name, source, Window2d.square(3, 1, 1), sources.get(sources.size() - 2),
                        Window2d.square(1, 1, 0), filters));
                continue;
            }
            int groups = 1 + random.nextInt(3);
            if (in.dim(0) % groups != 0) {
                groups = 1;
            }
            int filters = groups * (1 + random.nextInt(Math.max(1, 6 / groups)));
            int kernelH = 1 + random.nextInt(Math.min(3, in.dim(1)));
            int kernelW = !square && random.nextInt(4) == 0 ? 1 + random.nextInt(Math.min(3, in.dim(2)))
                    : Math.min(kernelH, in.dim(2));
            int stride = 1 + random.nextInt(2);
            int padH = random.nextInt(kernelH);
            int padW = square ? padH : random.nextInt(kernelW);
            Window2d window = new Window2d(kernelH, kernelW, stride, stride, Padding.symmetric(padH, padW));
            String population = net.conv(name, source, filters, window, groups);
            sources.add(population);
            Shape out = net.shape(population);
            if (gates && out.dim(1) >= 2 && out.dim(2) >= 2 && random.nextInt(3) == 0) {
                Window2d pool = random.nextBoolean() || out.dim(1) < 3 || out.dim(2) < 3 ? Window2d.square(2, 2, 0)
                        : Window2d.square(3, 2, 1);
                sources.add(net.gate("g" + layer, population, pool));
            }
        }
        String last = net.dense("fc0", sources.get(sources.size() - 1), 2 + random.nextInt(11));
        if (random.nextBoolean()) {
            last = net.dense("fc1", last, 2 + random.nextInt(11));
        }
        return net.network(last);
    }

    private static boolean sameMap(Shape a, Shape b) {
        return a.rank() == 3 && b.rank() == 3 && a.dim(1) == b.dim(1) && a.dim(2) == b.dim(2);
    }
}
