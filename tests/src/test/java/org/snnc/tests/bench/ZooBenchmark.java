package org.snnc.tests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.testing.HeapPeak;
import org.snnc.compiler.testing.ModelZoo;
import org.snnc.targets.ChipCompiler.CompiledChip;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.tests.ChipCompilation;
import org.snnc.tests.ZooExport;

/**
 * Compiles the networks of {@link ModelZoo} for a chip as {@code snnc compile} does (through
 * {@link ChipCompilation}) and prints, per network: neurons, parameters, each stage's wall time, the peak heap, cores
 * used against a lower bound, and config.json's size. A refusal (a {@link CompilationException}) is printed and the
 * next network compiled. Not a test: nothing is asserted.
 *
 * <p>Arguments are {@code NAME[@TARGET]}, NAME one of resnet_dev, vgg28, resnet20, vgg16-cifar, vgg16-imagenet or
 * {@code torch:MODEL} (a model of {@code tests/src/test/resources/zoo/export_zoo.py}, exported by
 * {@code /usr/bin/python3} with torch and imported for u8 pixels), and TARGET a built-in chip, a chip spec path or
 * {@code board} for {@code examples/boards/generic-board.json} (default: {@code generic}, and {@code board} for
 * vgg16-imagenet). With {@code --emulate}, each compiled network also runs on the emulator against the float
 * simulator ({@link EmulatorCheck}). Without arguments: resnet_dev, vgg28, resnet20
 * and vgg16-cifar on generic, and vgg16-cifar on the board. {@code vgg16-imagenet} is written as an ONNX file
 * (about 553 MB, in a temporary folder, deleted afterwards) and imported with the ONNX front end, as a user brings
 * it; give it {@code MAVEN_OPTS=-Xmx4g} or more. Run it from the repository root (DEVELOPERS.md):
 * {@code mvn -B -q -pl tests -am test-compile exec:java -Dexec.mainClass=org.snnc.tests.bench.ZooBenchmark
 * -Dexec.classpathScope=test -Dexec.args="vgg28 vgg16-cifar@board"}.
 *
 * <p>The peak heap is the sum of the heap pools' peak use since the network began (after a full collection), an
 * upper estimate of the live peak. The lower bound is the mapping's {@link
 * org.snnc.targets.mapping.CoreBounds}: the largest over resources of ⌈demand / per-core limit⌉.
 */
public final class ZooBenchmark {

    /** How many of the layers taking the most cores each run lists. */
    private static final int WIDEST_LAYERS = 8;

    private static final String BOARD = "examples/boards/generic-board.json";
    private static final String TORCH = "torch:";
    private static final String EXPORT_ZOO = "tests/src/test/resources/zoo/export_zoo.py";
    /** vgg16's export, the slowest, takes about a minute. */
    private static final long EXPORT_TIMEOUT_MINUTES = 10;
    private static final List<String> DEFAULT = List.of("resnet_dev", "vgg28", "resnet20", "vgg16-cifar",
            "vgg16-cifar@board");
    private static final int CALIBRATION_IMAGES = 16;
    private static final int THREADS = 2;
    private static final long SEED = 17;

    private ZooBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        System.out.printf(Locale.ROOT, "java %s, %d processors, max heap %,d MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        List<String> summary = new ArrayList<>();
        List<String> arguments = new ArrayList<>(args.length > 0 ? List.of(args) : DEFAULT);
        boolean emulate = arguments.remove("--emulate");
        for (String argument : arguments) {
            int at = argument.indexOf('@');
            String name = at < 0 ? argument : argument.substring(0, at);
            String target = at >= 0 ? argument.substring(at + 1) : name.equals("vgg16-imagenet") ? "board" : "generic";
            summary.add(run(name, target.equals("board") ? BOARD : target, emulate));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-30s %-14s %11s %12s %13s %12s %9s %9s  %s%n", "network", "target", "neurons",
                "parameters", "cores/bound", "config", "time s", "heap MiB", "result");
        summary.forEach(System.out::println);
    }

    /**
     * Compiles one network and gives its summary line; with {@code emulate}, the emulator then runs the configuration
     * on one image against the float simulator on the quantized graph ({@link EmulatorCheck}).
     */
    private static String run(String name, String target, boolean emulate) throws IOException {
        System.out.printf(Locale.ROOT, "%n== %s on %s%n", name, target);
        HeapPeak.reset();
        ChipCompilation compilation = new ChipCompilation(ChipSpecs.load(target));
        Graph graph = build(name, compilation);
        long parameters = ModelZoo.parameterCount(graph);
        long neurons = ModelZoo.neuronCount(graph);
        String cores = "-";
        String config = "-";
        String result = "compiled";
        try {
            CompiledChip compiled = compilation.compile(graph, ModelZoo.images(graph, CALIBRATION_IMAGES, SEED),
                    THREADS);
            graph = null;
            neurons = compiled.mapping().network().populations().stream().mapToLong(p -> p.shape().size()).sum();
            cores = compiled.mapping().cores().size() + "/" + compiled.mapping().bounds().total().cores();
            printWidestLayers(compiled.mapping());
            byte[] bytes = compiled.configurationBytes();
            config = String.format(Locale.ROOT, "%,d", bytes.length);
            Graph quantized = compiled.quantized();
            // Only the quantized graph and the bytes are needed from here: the mapping and configuration may go.
            compiled = null;
            if (emulate) {
                result = EmulatorCheck.run(quantized, bytes, compilation, THREADS, SEED);
            }
        } catch (CompilationException refused) {
            result = "refused: " + refused.diagnostics().get(0).format();
            refused.diagnostics().forEach(diagnostic -> System.out.println("  " + diagnostic.format()));
        } catch (OutOfMemoryError full) {
            result = "out of heap";
            System.out.println("  out of heap: " + full.getMessage());
        }
        long total = 0;
        for (ChipCompilation.Stage stage : compilation.stages()) {
            System.out.printf(Locale.ROOT, "  %-44s %10.1f ms%n", stage.name(), stage.nanos() / 1e6);
            total += stage.nanos();
        }
        long heap = HeapPeak.bytes() >> 20;
        compilation.notes().forEach(note -> System.out.println("  " + note));
        System.out.printf(Locale.ROOT, "  neurons %,d, parameters %,d, cores used/lower bound %s, "
                + "config.json %s bytes, peak heap %,d MiB%n", neurons, parameters, cores, config, heap);
        return String.format(Locale.ROOT, "%-30s %-14s %,11d %,12d %13s %12s %9.1f %,9d  %s", name,
                target.equals(BOARD) ? "generic-board" : target, neurons, parameters, cores, config, total / 1e9,
                heap, result);
    }

    /** The layers whose tiles take the most cores, each with its lower bound, where a mapping's cores go. */
    private static void printWidestLayers(Mapping mapping) {
        Map<String, Set<Integer>> coresOf = new HashMap<>();
        mapping.cores().forEach(core -> core.tiles().forEach(tile -> coresOf
                .computeIfAbsent(tile.unit(), layer -> new HashSet<>()).add(core.core())));
        Map<String, Long> bounds = new HashMap<>();
        mapping.bounds().layers().forEach(layer -> bounds.put(layer.layer(), layer.bound().cores()));
        coresOf.entrySet().stream().sorted((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()))
                .limit(WIDEST_LAYERS).forEach(layer -> System.out.printf(Locale.ROOT,
                        "  layer %-40s on %,6d cores (lower bound %,d)%n", layer.getKey(), layer.getValue().size(),
                        bounds.getOrDefault(layer.getKey(), 0L)));
    }

    /**
     * The network: built in memory; for vgg16-imagenet written as ONNX and imported, as a user would; for
     * {@code torch:MODEL} exported by torch ({@code export_zoo.py}) and imported.
     */
    private static Graph build(String name, ChipCompilation compilation) throws IOException {
        long start = System.nanoTime();
        if (name.startsWith(TORCH)) {
            return exported(name.substring(TORCH.length()), compilation);
        }
        if (!name.equals("vgg16-imagenet")) {
            Graph graph = ModelZoo.byName(name, SEED);
            compilation.record("build network", System.nanoTime() - start);
            return graph;
        }
        Path folder = Files.createTempDirectory("snnc-zoo-benchmark");
        Path file = folder.resolve("vgg16_imagenet.onnx");
        try {
            ModelZoo.writeVgg16ImageNetOnnx(file, SEED);
            long written = System.nanoTime();
            compilation.record(String.format(Locale.ROOT, "write ONNX (%,d MB)", Files.size(file) / 1_000_000),
                    written - start);
            Graph graph = ModelLoader.load(file, new LoadOptions(false,
                    new OnnxImportOptions(DType.U8, new Scale(1, 255)))).graph();
            compilation.record("import ONNX", System.nanoTime() - written);
            return graph;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(folder);
        }
    }

    /** A model of {@code tests/src/test/resources/zoo/export_zoo.py}, exported by torch and imported for u8 pixels. */
    private static Graph exported(String model, ChipCompilation compilation) throws IOException {
        long start = System.nanoTime();
        Path folder = Files.createTempDirectory("snnc-zoo-benchmark");
        try {
            ZooExport.export(Path.of(EXPORT_ZOO), folder, List.of(model), EXPORT_TIMEOUT_MINUTES);
            long written = System.nanoTime();
            compilation.record("export by torch", written - start);
            Graph graph = ModelLoader.load(folder.resolve(model + ".onnx"), new LoadOptions(false,
                    new OnnxImportOptions(DType.U8, new Scale(1, 255)))).graph();
            compilation.record("import ONNX", System.nanoTime() - written);
            return graph;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while exporting " + model, e);
        } finally {
            try (var files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }
}
