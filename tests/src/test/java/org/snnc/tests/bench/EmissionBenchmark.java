package org.snnc.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.PassRun;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.TargetPipeline;
import org.snnc.targets.emit.Configuration;
import org.snnc.targets.emit.ConfigurationEmitter;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.CoreMapping;
import org.snnc.targets.mapping.Mapper;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
import org.snnc.targets.net.Population;
import org.snnc.targets.net.Projection;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.quant.Quantize;
import org.snnc.targets.quant.QuantizeOptions;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;

/**
 * Prints how big the emitted configuration of a VGG-16-sized network is and how long it takes to build, serialize,
 * write and parse back: the measurement behind "JSON or a binary form" in {@code docs/configuration.md}. Not a test
 * (surefire does not pick it up, and nothing here is asserted on time). It compiles exactly as {@code snnc compile}
 * does: {@link TargetPipeline#adapt}, the standard conversion with {@link ConversionOptions#defaults()}, then
 * {@link Quantize}, {@link Mapper} with the chip's default allocator and {@link ConfigurationEmitter}.
 *
 * <p>The network is VGG-16 for CIFAR-10-sized input, built in memory with seeded He-scaled random weights: 13 conv
 * 3×3 (padding 1) layers with relu, pooling as average pooling (so that it maps without gate units), then dense
 * 512→512 relu, dense 512→10 and softmax. The chip is {@code examples/vgg16/vgg16-board.json}, a board of 32
 * generic chips. 16 random images calibrate it.
 *
 * <p>Run it from the repository root with {@code mvn -B -q -pl tests -am test-compile exec:java
 * -Dexec.mainClass=org.snnc.tests.bench.EmissionBenchmark -Dexec.classpathScope=test} (DEVELOPERS.md), adding
 * {@code -Dexec.args="BOARD.json REPEATS"} for another chip. Serializing, writing and parsing are repeated (3 times
 * by default) because the first run includes the JIT's warm-up. A 2 GiB heap is enough.
 */
public final class EmissionBenchmark {

    private static final String[] VGG16 = {"64", "64", "M", "128", "128", "M", "256", "256", "256", "M", "512", "512",
        "512", "M", "512", "512", "512", "M"};
    private static final int CALIBRATION_IMAGES = 16;
    private static final int THREADS = 2;
    /** {@code snnc compile}'s default {@code --zero-reset-ratio}. */
    private static final int ZERO_RESET_RATIO = 8;

    private EmissionBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path board = Path.of(args.length > 0 ? args[0] : "examples/vgg16/vgg16-board.json");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        System.out.printf(Locale.ROOT, "java %s, %d processors, max heap %,d MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        long start = System.nanoTime();
        ChipSpec chip = ChipSpecs.load(board.toString());
        Graph graph = vgg16(new Random(16));
        double[][] calibration = images(new Random(17), graph.input().shape().size(),
                graph.input().scale().value());
        long built = System.nanoTime();
        stage("build network + load chip", built - start);

        TargetPipeline.TargetOptions adapted = TargetPipeline.adapt(chip, ConversionOptions.defaults(), graph);
        adapted.notes().forEach(System.out::println);
        List<Pass> pipeline = new ArrayList<>(Passes.standard(adapted.options()));
        pipeline.add(new Quantize(new QuantizeOptions(chip, ZERO_RESET_RATIO)));
        PipelineResult converted = new PassManager(pipeline, IrDumps.NONE)
                .run(graph, new CompilationInputs(Optional.of(calibration), THREADS, Progress.NONE));
        long quantized = System.nanoTime();
        long quantizeNanos = converted.runs().stream().filter(run -> run.pass().equals("quantize"))
                .mapToLong(PassRun::wallNanos).sum();
        stage("conversion (" + CALIBRATION_IMAGES + " calibration images)", quantized - built - quantizeNanos);
        stage("quantization", quantizeNanos);

        SynapticNetwork network = SynapticNetwork.of(converted.graph());
        printNetwork(network);
        Mapping mapping;
        try {
            mapping = Mapper.map(network, chip, CoreAllocator.defaultFor(chip));
        } catch (CompilationException refused) {
            System.out.println("mapping failed:");
            refused.diagnostics().forEach(diagnostic -> System.out.println("  " + diagnostic.format()));
            throw refused;
        }
        long mapped = System.nanoTime();
        stage("mapping (" + mapping.allocator() + ")", mapped - quantized);
        printMapping(mapping, chip);

        long before = System.nanoTime();
        Configuration configuration = ConfigurationEmitter.configuration(mapping);
        stage("emission: build Configuration", System.nanoTime() - before);
        byte[] bytes = null;
        for (int i = 1; i <= repeats; i++) {
            before = System.nanoTime();
            bytes = ConfigurationEmitter.toBytes(configuration);
            stage("emission: toBytes, run " + i, System.nanoTime() - before);
        }
        Path folder = Files.createTempDirectory("snnc-emission-benchmark");
        Path file = folder.resolve("config.json");
        ObjectMapper json = new ObjectMapper();
        try {
            for (int i = 1; i <= repeats; i++) {
                before = System.nanoTime();
                ConfigurationEmitter.write(configuration, file);
                stage("write config.json (toBytes + atomic write), run " + i, System.nanoTime() - before);
            }
            JsonNode tree = null;
            for (int i = 1; i <= repeats; i++) {
                before = System.nanoTime();
                tree = json.readTree(file.toFile());
                stage("parse back (ObjectMapper.readTree), run " + i, System.nanoTime() - before);
            }
            System.out.printf(Locale.ROOT, "config.json: %,d bytes (%.1f MB)%n", bytes.length, bytes.length / 1e6);
            before = System.nanoTime();
            int gzipped = gzip(bytes);
            System.out.printf(Locale.ROOT, "gzip of it:  %,d bytes (%.1f MB, %.1f%%; %.0f ms to compress)%n", gzipped,
                    gzipped / 1e6, 100.0 * gzipped / bytes.length, (System.nanoTime() - before) / 1e6);
            printBreakdown(json, tree, bytes.length);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(folder);
        }
    }

    /** VGG-16 for u8[3,32,32] input with seeded weights of He scale, sd √(2/fan-in), and small biases. */
    static Graph vgg16(Random random) {
        StringBuilder text = new StringBuilder("network vgg16\n\ninput image: u8[3,32,32] scale 1/255\n");
        String previous = "image";
        int conv = 0;
        int pool = 0;
        for (String layer : VGG16) {
            String name;
            if (layer.equals("M")) {
                name = "pool" + ++pool;
                text.append(name).append(" = avgpool(").append(previous).append(", kernel=2)\n");
            } else {
                conv++;
                text.append("conv").append(conv).append(" = conv2d(").append(previous).append(", filters=")
                        .append(layer).append(", kernel=3, padding=1, weight=\"conv").append(conv)
                        .append(".weight\", bias=\"conv").append(conv).append(".bias\")\n");
                name = "relu" + conv;
                text.append(name).append(" = relu(conv").append(conv).append(")\n");
            }
            previous = name;
        }
        text.append("flat = flatten(").append(previous).append(")\n")
                .append("fc1 = dense(flat, units=512, weight=\"fc1.weight\", bias=\"fc1.bias\")\n")
                .append("relu14 = relu(fc1)\n")
                .append("fc2 = dense(relu14, units=10, weight=\"fc2.weight\", bias=\"fc2.bias\")\n")
                .append("output probs = softmax(fc2)\n");
        Graph parsed = SnnTextFrontEnd.parse(text.toString(), "vgg16.snn").graph();
        Map<ParamRef, Shape> shapes = ShapeInference.infer(parsed, new DiagnosticBag()).expectedParameterShapes();
        GraphBuilder builder = parsed.toBuilder();
        parsed.nodes().values().forEach(node -> node.parameters().values().forEach(ref -> {
            Shape shape = shapes.get(ref);
            double[] values = new double[shape.size()];
            boolean bias = shape.rank() == 1;
            double scale = bias ? 0.01 : Math.sqrt(2.0 * shape.dim(0) / shape.size());
            for (int i = 0; i < values.length; i++) {
                values[i] = scale * random.nextGaussian();
            }
            builder.weight(ref.key(), Tensor.wrap(shape, values));
        }));
        Graph graph = builder.build();
        Verifier.verify(graph);
        return graph;
    }

    /** {@code count} random u8 images, scaled as the network's input declares. */
    private static double[][] images(Random random, int size, double scale) {
        double[][] images = new double[CALIBRATION_IMAGES][size];
        for (double[] image : images) {
            for (int i = 0; i < size; i++) {
                image[i] = random.nextInt(256) * scale;
            }
        }
        return images;
    }

    private static void printNetwork(SynapticNetwork network) {
        long neurons = 0;
        long kernelEntries = 0;
        long matrixEntries = 0;
        long connections = 0;
        for (Population population : network.populations()) {
            neurons += population.shape().size();
            for (Projection projection : population.projections()) {
                if (projection.synapse() instanceof ConvSynapse kernel) {
                    kernelEntries += kernel.mantissas().length;
                    connections += connections(kernel);
                } else if (projection.synapse() instanceof DenseSynapse dense) {
                    matrixEntries += dense.mantissas().length;
                    connections += dense.mantissas().length;
                }
            }
        }
        System.out.printf(Locale.ROOT, "network: %d populations, %,d neurons%n", network.populations().size(),
                neurons);
        System.out.printf(Locale.ROOT, "synapses: %,d kernel entries (shared) + %,d matrix entries; as weight "
                + "matrices they would be %,d entries%n", kernelEntries, matrixEntries, connections);
    }

    /** The synapses a conv projection has when each target neuron stores its own: the kernel taps that hit input. */
    private static long connections(ConvSynapse conv) {
        Window2d window = conv.window();
        long rows = 0;
        for (int i = 0; i < conv.outputShape().dim(1); i++) {
            rows += taps(i * window.strideH() - window.padding().top(), window.kernelH(), conv.inputShape().dim(1));
        }
        long columns = 0;
        for (int j = 0; j < conv.outputShape().dim(2); j++) {
            columns += taps(j * window.strideW() - window.padding().left(), window.kernelW(), conv.inputShape().dim(2));
        }
        return (long) conv.filters() * conv.channelsPerGroup() * rows * columns;
    }

    /** How many of the positions [first, first + kernel) lie in [0, size). */
    private static int taps(int first, int kernel, int size) {
        return Math.max(0, Math.min(first + kernel, size) - Math.max(first, 0));
    }

    private static void printMapping(Mapping mapping, ChipSpec chip) {
        int pieces = 0;
        int routes = 0;
        int axonBlocks = 0;
        for (CoreMapping core : mapping.cores()) {
            pieces += core.pieces().size();
            routes += core.routes().size();
            axonBlocks += core.axons().size();
        }
        System.out.printf(Locale.ROOT, "mapping: %,d pieces on %,d of %,d cores; %,d axon blocks, %,d routes "
                + "(+%,d input routes)%n", pieces, mapping.cores().size(), chip.cores(), axonBlocks, routes,
                mapping.inputRoutes().size());
    }

    /** Where the bytes go: each top-level field and each field of the cores, written compactly. */
    private static void printBreakdown(ObjectMapper json, JsonNode tree, long total) throws IOException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = tree.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("cores")) {
                sizes.put(field.getKey(), (long) json.writeValueAsBytes(field.getValue()).length);
                continue;
            }
            for (JsonNode core : field.getValue()) {
                for (Iterator<Map.Entry<String, JsonNode>> parts = core.fields(); parts.hasNext();) {
                    Map.Entry<String, JsonNode> part = parts.next();
                    sizes.merge("cores[]." + part.getKey(), (long) json.writeValueAsBytes(part.getValue()).length,
                            Long::sum);
                }
            }
        }
        long compact = sizes.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "where the bytes go (each part written compactly: %,d bytes; the rest of "
                + "the %,d is indentation and the top-level keys):%n", compact, total);
        sizes.forEach((key, size) -> System.out.printf(Locale.ROOT, "  %-20s %,14d bytes  %5.1f%%%n", key, size,
                100.0 * size / total));
    }

    private static int gzip(byte[] bytes) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(bytes.length / 4);
        try (GZIPOutputStream out = new GZIPOutputStream(sink, 1 << 16)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sink.size();
    }

    private static void stage(String what, long nanos) {
        System.out.printf(Locale.ROOT, "  %-52s %10.1f ms%n", what, nanos / 1e6);
    }
}
