package org.snnc.tests.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Locale;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.PassRun;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.testing.HeapPeak;
import org.snnc.compiler.testing.ModelZoo;
import org.snnc.targets.TargetPipeline;
import org.snnc.targets.quant.Quantize;
import org.snnc.targets.quant.QuantizeOptions;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.tests.ChipCompilation;

/**
 * The front half of {@link ZooBenchmark}: import (or build), conversion with 16 calibration images, quantization and
 * {@link SynapticNetwork#of} as {@link ChipCompilation#quantize} runs them on the generic chip, with each pass's wall
 * time (its verification included), the peak heap and a digest of the results; no mapping or emission. For profiling
 * the conversion of networks of real size, and for showing that a change meant only to speed it up leaves every
 * result bit alone (the digest stays the same). Arguments are network names as for {@link ZooBenchmark};
 * vgg16-imagenet is imported from the ONNX file named by {@code -Dsnnc.bench.onnx} (default
 * {@code snnc-vgg16-imagenet.onnx} in the temporary folder), written there first if absent and kept for the next run.
 * Not a test: nothing is asserted.
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
        HeapPeak.reset();
        ChipCompilation compilation = new ChipCompilation(ChipSpecs.load("generic"));
        long start = System.nanoTime();
        Graph graph;
        if (name.equals("vgg16-imagenet")) {
            Path file = Path.of(System.getProperty("snnc.bench.onnx",
                    Path.of(System.getProperty("java.io.tmpdir"), "snnc-vgg16-imagenet.onnx").toString()));
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
        long converting = System.nanoTime();
        List<Pass> pipeline = new ArrayList<>(Passes.standard(TargetPipeline.adapt(compilation.chip(),
                ConversionOptions.defaults(), graph).options()));
        pipeline.add(new Quantize(QuantizeOptions.of(compilation.chip())));
        PipelineResult converted = new PassManager(pipeline, IrDumps.NONE)
                .run(graph, new CompilationInputs(Optional.of(images), THREADS, Progress.NONE));
        long quantized = System.nanoTime();
        long passes = 0;
        for (PassRun run : converted.runs()) {
            compilation.record("  pass " + run.pass() + " (+ verify)", run.wallNanos() + run.verifyNanos());
            passes += run.wallNanos() + run.verifyNanos();
        }
        compilation.record("  pass manager's own checks", quantized - converting - passes);
        long networkStart = System.nanoTime();
        SynapticNetwork network = SynapticNetwork.of(converted.graph());
        compilation.record("synaptic network", System.nanoTime() - networkStart);
        long total = 0;
        for (ChipCompilation.Stage stage : compilation.stages()) {
            System.out.printf(Locale.ROOT, "  %-44s %10.1f ms%n", stage.name(), stage.nanos() / 1e6);
            total += stage.nanos();
        }
        System.out.printf(Locale.ROOT, "  total %.1f s, populations %d, peak heap %,d MiB%n", total / 1e9,
                network.populations().size(), HeapPeak.bytes() >> 20);
        System.out.printf(Locale.ROOT, "  result digest %s%n", digest(converted));
    }

    /**
     * SHA-256 of what the conversion produced: every node, every weight's bits, and every pass's statistics and
     * records, so that a change meant to leave the results alone can be seen to.
     */
    private static String digest(PipelineResult converted) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        converted.graph().nodes().values().forEach(node -> sha.update(node.toString().getBytes(UTF_8)));
        ByteBuffer bits = ByteBuffer.allocate(Double.BYTES * 4096);
        converted.graph().weights().tensors().forEach((key, tensor) -> {
            sha.update(key.getBytes(UTF_8));
            for (int k = 0; k < tensor.size(); k++) {
                if (!bits.hasRemaining()) {
                    sha.update(bits.flip());
                    bits.clear();
                }
                bits.putLong(Double.doubleToRawLongBits(tensor.get(k)));
            }
        });
        sha.update(bits.flip());
        // Sorted: a pass's maps may iterate in an order that varies from run to run.
        converted.runs().forEach(run -> sha.update((run.pass() + new TreeMap<>(run.statistics())
                + run.records().entrySet().stream().map(record -> record.getKey().name() + "=" + record.getValue())
                        .sorted().toList()).getBytes(UTF_8)));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }
}
