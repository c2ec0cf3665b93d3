package org.snnc.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.testing.ModelZoo;
import org.snnc.targets.emit.Configuration;
import org.snnc.targets.emit.ConfigurationEmitter;
import org.snnc.targets.mapping.CoreMapping;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
import org.snnc.targets.net.Population;
import org.snnc.targets.net.Projection;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.tests.ChipCompilation;

/**
 * Prints how big the emitted configuration of a model-zoo network is and how long it takes to build, serialize,
 * write and parse back: the measurement behind "JSON or a binary form" in {@code docs/configuration.md}. Not a test
 * (surefire does not pick it up, and nothing here is asserted on time). It compiles exactly as {@code snnc compile}
 * does, through {@link ChipCompilation}.
 *
 * <p>The network is a {@link ModelZoo} network by name, ResNet-20 for CIFAR-10 by default (3×32×32, 19 conv layers with
 * batchnorm, 1×1 projection shortcuts, seeded random weights), on {@code examples/boards/generic-board.json}, a board
 * of 128 unmodified generic chips (CIFAR VGG-16 does not fit generic cores: one of its neurons reads 4608 inputs). 16
 * random images calibrate it.
 *
 * <p>Run it from the repository root with {@code mvn -B -q -pl tests -am test-compile exec:java
 * -Dexec.mainClass=org.snnc.tests.bench.EmissionBenchmark -Dexec.classpathScope=test} (DEVELOPERS.md), adding
 * {@code -Dexec.args="NETWORK CHIP.json REPEATS"} for another network or chip. Serializing, writing and parsing are repeated (3 times
 * by default) because the first run includes the JIT's warm-up. A 2 GiB heap is enough.
 */
public final class EmissionBenchmark {

    private static final int CALIBRATION_IMAGES = 16;
    private static final int THREADS = 2;

    private EmissionBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String name = args.length > 0 ? args[0] : "resnet20";
        Path board = Path.of(args.length > 1 ? args[1] : "examples/boards/generic-board.json");
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        System.out.printf(Locale.ROOT, "java %s, %d processors, max heap %,d MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        long start = System.nanoTime();
        ChipSpec chip = ChipSpecs.load(board.toString());
        Graph graph = ModelZoo.byName(name, 16);
        double[][] calibration = ModelZoo.images(graph, CALIBRATION_IMAGES, 17);
        long built = System.nanoTime();
        stage("build network + load chip", built - start);

        ChipCompilation compilation = new ChipCompilation(chip);
        Mapping mapping;
        try {
            mapping = compilation.compile(graph, calibration, THREADS).mapping();
            compilation.notes().forEach(System.out::println);
            printNetwork(mapping.network());
        } catch (CompilationException refused) {
            compilation.stages().forEach(done -> stage(done.name(), done.nanos()));
            System.out.println("compilation failed:");
            refused.diagnostics().forEach(diagnostic -> System.out.println("  " + diagnostic.format()));
            throw refused;
        }
        compilation.stages().forEach(done -> stage(done.name(), done.nanos()));
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
