package org.snnc.compiler.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
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
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Weights;
import org.snnc.compiler.ir.Window2d;

/**
 * Networks of the sizes people deploy, with seeded random weights, for compile tests and benchmarks. Every network
 * takes u8 pixels with scale 1/255, as the MNIST models do, and the same seed always gives the same weights.
 *
 * <p>Each network is first an <em>architecture</em>: the nodes alone, with no weights, so that shapes and parameter
 * counts of even ImageNet VGG-16 cost nothing. {@link #withWeights} then fills every parameter, and
 * {@link ZooOnnx#write} streams the same values into an ONNX file instead. A tensor's values depend only on the seed
 * and its key, never on the order tensors are made in:
 * <ul>
 *   <li>conv and dense weights: N(0, 2/fan-in) (He et al. 2015), fan-in = the weight's size / its first dimension;
 *   <li>biases and batchnorm β and μ: N(0, 0.1²) (biases N(0, 0.01²));
 *   <li>batchnorm σ²: U(0.8, 1.25), and γ: U(0.8, 1.2), or U(0.4, 0.6) for a batchnorm that feeds an add (the last
 *       of a residual branch or a projection shortcut), as trained residual networks have, so that the sum of a
 *       block does not double its variance block after block.
 * </ul>
 * With near-identity batchnorm, He scaling keeps E[relu(y)²] about equal to E[x²] layer after layer (a pixel/255 has
 * E[x²] = 1/3), so activations neither vanish nor explode. Values are float32-representable, so that an ONNX copy
 * holds exactly the same network.
 */
public final class ModelZoo {

    /** The plan of VGG-16's convolutions: output channels, or {@code M} for a 2×2 max pool of stride 2. */
    private static final String[] VGG16 = {"64", "64", "M", "128", "128", "M", "256", "256", "256", "M", "512", "512",
        "512", "M", "512", "512", "512", "M"};
    private static final String[] VGG28 = {"32", "32", "M", "64", "64", "M"};

    private ModelZoo() {
    }

    /** The networks by the names benchmarks take, each with its weights for {@code seed}. */
    public static Graph byName(String name, long seed) {
        return withWeights(architecture(name), seed);
    }

    /** The architecture of a network by name: resnet_dev, vgg28, resnet20, vgg16-cifar or vgg16-imagenet. */
    public static Graph architecture(String name) {
        return switch (name) {
            case "resnet_dev" -> resnetDevArchitecture();
            case "vgg28" -> vgg28Architecture();
            case "resnet20" -> resnet20CifarArchitecture();
            case "vgg16-cifar" -> vgg16CifarArchitecture();
            case "vgg16-imagenet" -> vgg16ImageNetArchitecture();
            default -> throw new IllegalArgumentException("no network '" + name
                    + "' in the zoo; there are resnet_dev, vgg28, resnet20, vgg16-cifar and vgg16-imagenet");
        };
    }

    public static Graph resnetDev(long seed) {
        return withWeights(resnetDevArchitecture(), seed);
    }

    public static Graph vgg28(long seed) {
        return withWeights(vgg28Architecture(), seed);
    }

    public static Graph resnet20Cifar(long seed) {
        return withWeights(resnet20CifarArchitecture(), seed);
    }

    public static Graph vgg16Cifar(long seed) {
        return withWeights(vgg16CifarArchitecture(), seed);
    }

    /**
     * ImageNet VGG-16 with its 138 M weights in memory: about 1.1 GB of float64. Prefer {@link #vgg16ImageNetArchitecture}
     * for shapes and {@link ZooOnnx#write} for the network as a user brings it.
     */
    public static Graph vgg16ImageNet(long seed) {
        return withWeights(vgg16ImageNetArchitecture(), seed);
    }

    /**
     * ImageNet VGG-16 as an ONNX file, as a user brings it (138 M parameters, about 553 MB), written without holding
     * its weights; import it with u8 input and scale 1/255.
     */
    public static Path writeVgg16ImageNetOnnx(Path file, long seed) throws IOException {
        return ZooOnnx.write(vgg16ImageNetArchitecture(), seed, file);
    }

    /**
     * The architecture of {@code shared/models/resnet_dev.json}: u8[1,28,28] → conv 3×3 pad 1 (1→12, with bias), BN,
     * relu, avgpool 2 → 2 residual blocks relu(x + BN(conv(relu(BN(conv(x)))))) → global average pool → dense 12→10 →
     * softmax.
     */
    public static Graph resnetDevArchitecture() {
        Net net = new Net("resnet_dev", 1, 28, 28);
        net.convBnRelu(12, 1, true).avgPool(2);
        for (int block = 0; block < 2; block++) {
            net.basicBlock(12, 1, true);
        }
        return net.globalAveragePool().classifier(10).build();
    }

    /**
     * The VGG-style net of issue 17 for u8[1,28,28]: [conv 3×3 pad 1 32, BN, relu]×2, maxpool 2, [conv 3×3 pad 1 64,
     * BN, relu]×2, maxpool 2, dense 3136→256 relu, dense 256→10, softmax.
     */
    public static Graph vgg28Architecture() {
        return new Net("vgg28", 1, 28, 28).vggFeatures(VGG28, true).classifier(256, 10).build();
    }

    /**
     * ResNet-20 for CIFAR-10 (He et al. 2016, section 4.2): u8[3,32,32] → conv 3×3 16, BN, relu → 3 stages of 3
     * basic blocks of widths 16, 32, 64, the first block of stages 2 and 3 with stride 2 and a 1×1 stride-2 projection
     * shortcut with BN → global average pool → dense 64→10 → softmax. Convolutions have no bias (batchnorm follows),
     * as in the common implementations; 272,474 trainable parameters.
     */
    public static Graph resnet20CifarArchitecture() {
        Net net = new Net("resnet20", 3, 32, 32);
        net.convBnRelu(16, 1, false);
        int[] widths = {16, 32, 64};
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < 3; block++) {
                net.basicBlock(widths[stage], stage > 0 && block == 0 ? 2 : 1, false);
            }
        }
        return net.globalAveragePool().classifier(10).build();
    }

    /**
     * VGG-16 with batchnorm for CIFAR-10, u8[3,32,32]: 13 conv 3×3 pad 1 + BN + relu (64, 64, M, 128, 128, M, 256 ×3,
     * M, 512 ×3, M, 512 ×3, M; M a 2×2 max pool), then the classifier of the common CIFAR VGG ports
     * (chengyangfu/pytorch-vgg-cifar10): dense 512→512 relu, dense 512→10, softmax.
     */
    public static Graph vgg16CifarArchitecture() {
        return new Net("vgg16_cifar", 3, 32, 32).vggFeatures(VGG16, true).classifier(512, 10).build();
    }

    /**
     * torchvision's VGG-16 (configuration D, no batchnorm), u8[3,224,224]: 13 conv 3×3 pad 1 with bias + relu with
     * max pooling as in {@link #vgg16CifarArchitecture}, then dense 25088→4096 relu, 4096→4096 relu, 4096→1000,
     * softmax (torchvision's adaptive pool to 7×7 is the identity at 224×224, and dropout is gone at inference);
     * 138,357,544 parameters.
     */
    public static Graph vgg16ImageNetArchitecture() {
        return new Net("vgg16_imagenet", 3, 224, 224).vggFeatures(VGG16, false).classifier(4096, 4096, 1000).build();
    }

    /**
     * The trainable parameters of a network, weights or not: every parameter tensor's size except batchnorm's running
     * mean and variance, as PyTorch counts them.
     */
    public static long parameterCount(Graph graph) {
        Map<ParamRef, Shape> shapes = ShapeInference.infer(graph, new DiagnosticBag()).expectedParameterShapes();
        long count = 0;
        for (Node node : graph.nodes().values()) {
            for (Map.Entry<String, ParamRef> role : node.parameters().entrySet()) {
                if (!role.getKey().equals("mean") && !role.getKey().equals("var")) {
                    count += shapes.get(role.getValue()).size();
                }
            }
        }
        return count;
    }

    /**
     * The neurons a chip holds once the network is converted: the elements of every relu, average pool and the
     * output. A max pool becomes gates on the neurons before it, not neurons of its own.
     */
    public static long neuronCount(Graph graph) {
        ShapeInference.Result shapes = ShapeInference.infer(graph, new DiagnosticBag());
        long count = 0;
        for (Node node : graph.nodes().values()) {
            if (node instanceof Relu || node instanceof AvgPool || node.name().equals(graph.output())) {
                count += shapes.shape(node.name()).size();
            }
        }
        return count;
    }

    /** {@code count} images of uniformly random u8 pixels, scaled as the network's input declares. */
    public static double[][] images(Graph graph, int count, long seed) {
        Random random = new Random(seed);
        int size = graph.input().shape().size();
        double scale = graph.input().scale().value();
        double[][] images = new double[count][size];
        for (double[] image : images) {
            for (int i = 0; i < size; i++) {
                image[i] = random.nextInt(256) * scale;
            }
        }
        return images;
    }

    /** The architecture with every parameter filled for {@code seed}, as the class comment states. */
    public static Graph withWeights(Graph architecture, long seed) {
        TreeMap<String, Tensor> tensors = new TreeMap<>();
        for (Parameter parameter : parameters(architecture, seed)) {
            double[] values = new double[parameter.shape().size()];
            DoubleSupplier source = parameter.values();
            for (int i = 0; i < values.length; i++) {
                values[i] = source.getAsDouble();
            }
            tensors.put(parameter.key(), Tensor.wrap(parameter.shape(), values));
        }
        return architecture.toBuilder().weights(new Weights(tensors)).build();
    }

    /**
     * One parameter tensor of an architecture and how to make its values.
     *
     * @param key   the weight key
     * @param shape the tensor's shape
     * @param role  its role in its node: weight, bias, gamma, beta, mean or var
     * @param seed  the seed of the values, from the network's seed and the key
     * @param gain  γ's centre: 1, or 0.5 for a batchnorm that feeds an add
     */
    record Parameter(String key, Shape shape, String role, long seed, double gain) {

        /** A fresh source of the tensor's values in C order; each call starts again from the first. */
        DoubleSupplier values() {
            Random random = new Random(seed);
            int fanIn = shape.size() / shape.dim(0);
            return switch (role) {
                case "weight" -> () -> (float) (Math.sqrt(2.0 / fanIn) * random.nextGaussian());
                case "bias" -> () -> (float) (0.01 * random.nextGaussian());
                case "gamma" -> () -> (float) (gain * (0.8 + 0.4 * random.nextDouble()));
                case "var" -> () -> (float) (0.8 + 0.45 * random.nextDouble());
                default -> () -> (float) (0.1 * random.nextGaussian());
            };
        }
    }

    /** Every parameter tensor of an architecture, in node order. */
    static List<Parameter> parameters(Graph architecture, long seed) {
        Map<ParamRef, Shape> shapes = ShapeInference.infer(architecture, new DiagnosticBag())
                .expectedParameterShapes();
        Set<String> intoAdds = new HashSet<>();
        architecture.nodes().values().stream().filter(Add.class::isInstance)
                .forEach(add -> intoAdds.addAll(add.inputs()));
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (Node node : architecture.nodes().values()) {
            double gain = node instanceof BatchNorm && intoAdds.contains(node.name()) ? 0.5 : 1.0;
            node.parameters().forEach((role, ref) -> parameters.putIfAbsent(ref.key(), new Parameter(ref.key(),
                    shapes.get(ref), role, seed * 0x9E3779B97F4A7C15L + ref.key().hashCode(), gain)));
        }
        return List.copyOf(parameters.values());
    }

    /** Appends layers to a network under construction, keeping the current value and its [C,H,W] shape. */
    private static final class Net {

        private final GraphBuilder graph;
        private final Map<String, Integer> counters = new HashMap<>();
        private String current;
        private int channels;
        private int height;
        private int width;

        Net(String name, int channels, int height, int width) {
            graph = Graph.builder(name).span(SourceSpan.GENERATED);
            current = "image";
            graph.add(new Input(current, DType.U8, Shape.of(channels, height, width), new Scale(1, 255),
                    SourceSpan.GENERATED));
            this.channels = channels;
            this.height = height;
            this.width = width;
        }

        /** conv 3×3 pad 1 with {@code filters} and {@code stride}, batchnorm, relu. */
        Net convBnRelu(int filters, int stride, boolean bias) {
            return conv(filters, 3, stride, 1, bias).batchNorm().relu();
        }

        /**
         * A basic residual block: relu(BN(conv3×3(relu(BN(conv3×3(x))))) + shortcut(x)), the shortcut the identity,
         * or BN(conv 1×1 with the stride) when the block changes the width or the size.
         */
        Net basicBlock(int filters, int stride, boolean bias) {
            String input = current;
            int inputChannels = channels;
            int inputHeight = height;
            int inputWidth = width;
            convBnRelu(filters, stride, bias).conv(filters, 3, 1, 1, bias).batchNorm();
            String branch = current;
            String shortcut = input;
            if (stride != 1 || inputChannels != filters) {
                current = input;
                channels = inputChannels;
                height = inputHeight;
                width = inputWidth;
                conv(filters, 1, stride, 0, false).batchNorm();
                shortcut = current;
            }
            return add(new Add(fresh("add"), List.of(shortcut, branch), SourceSpan.GENERATED)).relu();
        }

        /** VGG's feature stack: per number, conv 3×3 pad 1 (with bias), batchnorm if asked, relu; per M, max pool 2. */
        Net vggFeatures(String[] plan, boolean batchNorm) {
            for (String layer : plan) {
                if (layer.equals("M")) {
                    maxPool(2);
                    continue;
                }
                conv(Integer.parseInt(layer), 3, 1, 1, true);
                if (batchNorm) {
                    batchNorm();
                }
                relu();
            }
            return this;
        }

        /** Flatten, dense layers of the given widths with relu between them, softmax. */
        Net classifier(int... units) {
            add(new Flatten(fresh("flatten"), current, SourceSpan.GENERATED));
            channels = channels * height * width;
            height = 1;
            width = 1;
            for (int i = 0; i < units.length; i++) {
                dense(units[i]);
                if (i < units.length - 1) {
                    relu();
                }
            }
            return add(new Softmax(fresh("softmax"), current, SourceSpan.GENERATED));
        }

        Net conv(int filters, int kernel, int stride, int pad, boolean bias) {
            String name = fresh("conv");
            Window2d window = Window2d.square(kernel, stride, pad);
            add(new Conv2d(name, current, filters, window, 1, ref(name + ".weight"),
                    bias ? Optional.of(ref(name + ".bias")) : Optional.empty(), SourceSpan.GENERATED));
            channels = filters;
            height = window.outputHeight(height);
            width = window.outputWidth(width);
            return this;
        }

        Net batchNorm() {
            String name = fresh("bn");
            return add(new BatchNorm(name, current, 1e-5, ref(name + ".gamma"), ref(name + ".beta"),
                    ref(name + ".mean"), ref(name + ".var"), SourceSpan.GENERATED));
        }

        Net relu() {
            return add(new Relu(fresh("relu"), current, SourceSpan.GENERATED));
        }

        Net maxPool(int kernel) {
            Window2d window = Window2d.square(kernel, kernel, 0);
            add(new MaxPool(fresh("maxpool"), current, window, SourceSpan.GENERATED));
            return shrink(window);
        }

        Net avgPool(int kernel) {
            Window2d window = Window2d.square(kernel, kernel, 0);
            add(new AvgPool(fresh("avgpool"), current, window, false, SourceSpan.GENERATED));
            return shrink(window);
        }

        /** An average pool over the whole map, as the ONNX importer lowers {@code GlobalAveragePool}. */
        Net globalAveragePool() {
            Window2d whole = new Window2d(height, width, height, width, Padding.NONE);
            add(new AvgPool(fresh("avgpool"), current, whole, false, SourceSpan.GENERATED));
            return shrink(whole);
        }

        Net dense(int units) {
            String name = fresh("fc");
            add(new Dense(name, current, units, ref(name + ".weight"), Optional.of(ref(name + ".bias")),
                    SourceSpan.GENERATED));
            channels = units;
            return this;
        }

        Graph build() {
            return graph.output(current).build();
        }

        private Net shrink(Window2d window) {
            height = window.outputHeight(height);
            width = window.outputWidth(width);
            return this;
        }

        private Net add(Node node) {
            graph.add(node);
            current = node.name();
            return this;
        }

        private String fresh(String kind) {
            return kind + counters.merge(kind, 1, Integer::sum);
        }

        private static ParamRef ref(String key) {
            return new ParamRef(key, SourceSpan.GENERATED);
        }
    }
}
