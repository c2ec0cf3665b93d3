package org.snnc.targets.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.Supplier;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.testing.HeapPeak;
import org.snnc.targets.mapping.Allocation;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.LimitCheck;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.mapping.Partition;
import org.snnc.targets.mapping.Partitioner;
import org.snnc.targets.mapping.Router;
import org.snnc.targets.mapping.RandomQuantizedNetworks.Net;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;

/**
 * Prints how long mapping alone takes, stage by stage, and the heap it peaks at, on VGG-16 for ImageNet (3×224×224,
 * 13 conv 3×3 layers with 2×2 max pooling as gates, optionally the classifier) with random quantized weights, on
 * {@code examples/boards/generic-board.json}: the mapper's share of "compile VGG-16 in 60 s and 4 GiB", measured
 * without the conversion in front of it. Generic cores have population axons, so even a neuron of a 3×3 conv over
 * 512 channels takes 9 input axons, not 4608, and one of fc1 49, not 25088: every neuron fits a core. The whole
 * network does not fit the board, though: under the entries memory model each element of a 512-channel layer must
 * reach at least 37 cores, and {@link org.snnc.targets.mapping.CoreBounds} puts the feature stack alone at 16,954
 * cores or more by output axons, so it is refused (E0904), which measures the mapper's way to that answer.
 * {@code -Dexec.args="SIDE DIVISOR [classifier]"}: the input's side (224 by default), the divisor of every layer's
 * width (2 by default: channels 32 … 256, 6.8 M neurons; 1 is VGG-16 itself, 13.6 M) and whether the classifier
 * (a last pooling, then dense layers of 4096, 4096 and 1000 units, the first two divided too) follows. Each stage
 * prints its wall time and the CPU time of the thread running it, which other processes on the machine do not
 * inflate. Not a test; run it from the repository root with {@code mvn -B -q -pl targets -am test-compile exec:java
 * -Dsnnc.targets.exec.skip=false -Dexec.mainClass=org.snnc.targets.bench.MappingScaleBenchmark
 * -Dexec.classpathScope=test} and {@code MAVEN_OPTS=-Xmx4g}.
 */
public final class MappingScaleBenchmark {

    /** VGG-16's feature stack up to its last conv; 0 is a 2×2 max pooling. */
    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512};
    /** VGG-16's classifier after the last pooling: the units of its dense layers, the last one's not divided. */
    private static final int[] CLASSIFIER = {4096, 4096};
    private static final int CLASSES = 1000;

    private MappingScaleBenchmark() {
    }

    public static void main(String[] args) {
        int side = args.length > 0 ? Integer.parseInt(args[0]) : 224;
        int divisor = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        boolean classifier = args.length > 2 && args[2].equals("classifier");
        ChipSpec board = ChipSpecs.load("examples/boards/generic-board.json");
        long start = System.nanoTime();
        Net net = new Net("vgg16-" + side, Shape.of(3, side, side), 16);
        String current = "x.enc";
        int layer = 0;
        for (int width : VGG16) {
            layer++;
            current = width == 0 ? net.gate("pool" + layer, current, Window2d.square(2, 2, 0))
                    : net.conv("conv" + layer, current, width / divisor, Window2d.square(3, 1, 1), 1);
        }
        if (classifier) {
            current = net.gate("pool" + ++layer, current, Window2d.square(2, 2, 0));
            for (int units : CLASSIFIER) {
                current = net.dense("fc" + ++layer, current, units / divisor);
            }
            current = net.dense("fc" + ++layer, current, CLASSES);
        }
        SynapticNetwork network = net.network(current);
        long built = System.nanoTime();
        System.out.printf(Locale.ROOT, "network: %d populations, %,d neurons, built in %.1f s%n",
                network.populations().size(), network.populations().stream().mapToLong(p -> p.shape().size()).sum(),
                (built - start) / 1e9);
        HeapPeak.reset();
        Stopwatch watch = new Stopwatch();
        try {
            CoreAllocator allocator = CoreAllocator.defaultFor(board);
            Partition partition = watch.time("partition", () -> Partitioner.partition(network, board));
            Allocation allocation = watch.time("allocate", () -> allocator.allocate(partition, board));
            Mapping mapping = watch.time("route", () -> Router.route(network, board, allocator.name(), partition,
                    allocation));
            watch.time("check", () -> {
                LimitCheck.check(mapping);
                return mapping;
            });
            System.out.printf(Locale.ROOT, "%,d tiles mapped onto %,d cores (lower bound %,d) in %s, heap peak %,d MiB%n",
                    partition.pieces().size(), mapping.cores().size(), mapping.bounds().total().cores(), watch,
                    HeapPeak.bytes() >> 20);
        } catch (CompilationException refused) {
            System.out.printf(Locale.ROOT, "refused after %s: %s%n", watch, refused.getMessage());
        }
    }

    /** Wall and thread CPU time of the stages run so far. */
    private static final class Stopwatch {

        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final StringBuilder stages = new StringBuilder();
        private long wall;
        private long cpu;

        <T> T time(String stage, Supplier<T> work) {
            long wallStart = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            try {
                return work.get();
            } finally {
                long stageWall = System.nanoTime() - wallStart;
                long stageCpu = threads.getCurrentThreadCpuTime() - cpuStart;
                wall += stageWall;
                cpu += stageCpu;
                stages.append(String.format(Locale.ROOT, "%s %.1f s (cpu %.1f s), ", stage, stageWall / 1e9,
                        stageCpu / 1e9));
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f s (cpu %.1f s: %s)", wall / 1e9, cpu / 1e9,
                    stages.length() == 0 ? "" : stages.substring(0, stages.length() - 2));
        }
    }
}
