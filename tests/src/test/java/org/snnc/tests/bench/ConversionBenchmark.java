package org.snnc.tests.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.testing.ModelZoo;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.tests.ChipCompilation;

/**
 * The front half of {@link ZooBenchmark}: import (or build), conversion with 16 calibration images, quantization and
 * {@link SynapticNetwork#of}, each stage's wall time and the peak heap; no mapping or emission. For profiling the
 * conversion of networks of real size. Arguments are network names as for {@link ZooBenchmark}; vgg16-imagenet is
 * imported from the ONNX file named by {@code -Dsnnc.bench.onnx} (default {@code /tmp/scale/vgg16.onnx}), written
 * there first if absent. Not a test: nothing is asserted.
 */
public final class ConversionBenchmark {

    private static final int CALIBRATION_IMAGES = 16;
    private static final int THREADS = 2;
    private static final long SEED = 17;

    private ConversionBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        System.out.printf(Locale.ROOT, "java %s, %d processors, max heap %,d MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        for (String name : args.length > 0 ? List.of(args) : List.of("vgg16-cifar")) {
            run(name);
        }
    }

    private static void run(String name) throws IOException {
        System.out.printf(Locale.ROOT, "%n== %s%n", name);
        System.gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        ChipCompilation compilation = new ChipCompilation(ChipSpecs.load("generic"));
        long start = System.nanoTime();
        Graph graph;
        if (name.equals("vgg16-imagenet")) {
            Path file = Path.of(System.getProperty("snnc.bench.onnx", "/tmp/scale/vgg16.onnx"));
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                ModelZoo.writeVgg16ImageNetOnnx(file, SEED);
                long written = System.nanoTime();
                compilation.record("write ONNX", written - start);
                start = written;
            }
            graph = ModelLoader.load(file, new LoadOptions(false,
                    new OnnxImportOptions(DType.U8, new Scale(1, 255)))).graph();
            compilation.record("import ONNX", System.nanoTime() - start);
        } else {
            graph = ModelZoo.byName(name, SEED);
            compilation.record("build network", System.nanoTime() - start);
        }
        double[][] images = ModelZoo.images(graph, CALIBRATION_IMAGES, SEED);
        SynapticNetwork network = compilation.quantize(graph, images, THREADS);
        long total = 0;
        for (ChipCompilation.Stage stage : compilation.stages()) {
            System.out.printf(Locale.ROOT, "  %-44s %10.1f ms%n", stage.name(), stage.nanos() / 1e6);
            total += stage.nanos();
        }
        System.out.printf(Locale.ROOT, "  total %.1f s, populations %d, peak heap %,d MiB%n", total / 1e9,
                network.populations().size(), heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum()
                        >> 20);
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
    }
}
