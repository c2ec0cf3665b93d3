package org.snnc.targets.bench;

import java.util.Locale;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.testing.HeapPeak;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.Mapper;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.mapping.RandomQuantizedNetworks.Net;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;

/**
 * Prints how long mapping alone takes, and the heap it peaks at, on the feature stack of VGG-16 for ImageNet
 * (3×224×224, 13 conv 3×3 layers with 2×2 max pooling as gates) with random quantized weights, on
 * {@code examples/boards/generic-board.json}: the mapper's share of "compile VGG-16 in 60 s and 4 GiB", measured
 * without the conversion in front of it. Whole VGG-16 does not fit generic cores: an inner neuron of a 3×3 conv over
 * 512 channels reads 4608 elements and one of fc1 25088, more than a core's 4096 input axons. So the classifier is
 * left out and the widths can be divided: {@code -Dexec.args="SIDE DIVISOR"}, 224 and 2 by default (channels
 * 32 … 256, 6.8 M neurons). Not a test; run it
 * from the repository root with {@code mvn -B -q -pl targets test-compile exec:java -Dsnnc.exec.skip=false
 * -Dexec.mainClass=org.snnc.targets.bench.MappingScaleBenchmark -Dexec.classpathScope=test}.
 */
public final class MappingScaleBenchmark {

    /** VGG-16's feature stack up to its last conv; 0 is a 2×2 max pooling. */
    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512};

    private MappingScaleBenchmark() {
    }

    public static void main(String[] args) {
        int side = args.length > 0 ? Integer.parseInt(args[0]) : 224;
        int divisor = args.length > 1 ? Integer.parseInt(args[1]) : 2;
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
        SynapticNetwork network = net.network(current);
        long built = System.nanoTime();
        System.out.printf(Locale.ROOT, "network: %d populations, %,d neurons, built in %.1f s%n",
                network.populations().size(), network.populations().stream().mapToLong(p -> p.shape().size()).sum(),
                (built - start) / 1e9);
        HeapPeak.reset();
        try {
            Mapping mapping = Mapper.map(network, board, CoreAllocator.defaultFor(board));
            System.out.printf(Locale.ROOT, "mapped onto %,d cores (lower bound %,d) in %.1f s, heap peak %,d MiB%n",
                    mapping.cores().size(), mapping.bounds().total().cores(), (System.nanoTime() - built) / 1e9,
                    HeapPeak.bytes() >> 20);
        } catch (CompilationException refused) {
            System.out.printf(Locale.ROOT, "refused after %.1f s: %s%n", (System.nanoTime() - built) / 1e9,
                    refused.getMessage());
        }
    }
}
