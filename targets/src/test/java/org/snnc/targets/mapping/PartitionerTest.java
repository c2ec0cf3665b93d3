package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.mapping.RandomQuantizedNetworks.Net;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.testing.TestChips;

/** The cost formulas of each memory model and the cuts, computed by hand. */
class PartitionerTest {

    /** A block of b ≤ 64 8-bit synapses takes ⌈(10 + 8b)/64⌉ words of 64 bits; a longer row takes several blocks. */
    @Test
    void loihiRowsAreCutInBlocksOf64() {
        assertEquals(64, ResourceModel.rowBits(1, 8));
        assertEquals(64, ResourceModel.rowBits(6, 8));
        assertEquals(128, ResourceModel.rowBits(7, 8));
        assertEquals(576, ResourceModel.rowBits(64, 8), "⌈522/64⌉ = 9 words");
        assertEquals(640, ResourceModel.rowBits(65, 8), "9 words + ⌈18/64⌉ = 1 word");
        assertEquals(0, ResourceModel.rowBits(0, 8));
    }

    /**
     * x [1,3,3] → conv 1×2×2 [1,2,2] → dense 70. On Loihi the conv's rows hold 1 (corners), 2 (edges) or 4 (centre)
     * synapses, one 64-bit word each: 9·64 bits. Each of the dense layer's 4 axons has a row of 70 synapses, 640
     * bits. The entries model stores 1·2·2 = 4 kernel entries and 70·4 matrix entries.
     */
    @Test
    void synapseMemoryUnderEntriesAndLoihiBlocks() {
        Net net = new Net("tiny", Shape.of(1, 3, 3), 1);
        net.conv("c", "x.enc", 1, Window2d.square(2, 1, 0), 1);
        net.dense("fc", "c", 70);
        SynapticNetwork network = net.network("fc");

        Partition loihi = Partitioner.partition(network, TestChips.loihi());
        assertEquals(List.of(9L * 64, 4L * 640), loihi.pieces().stream().map(PieceDemand::synapseMemory).toList());
        Partition entries = Partitioner.partition(network, TestChips.generic());
        assertEquals(List.of(4L, 280L), entries.pieces().stream().map(PieceDemand::synapseMemory).toList());
        assertEquals(List.of(4L, 70L), entries.pieces().stream().map(PieceDemand::neurons).toList());
        assertEquals(List.of(9L, 4L), entries.pieces().stream().map(PieceDemand::inputAxons).toList());
        assertEquals(List.of(4L, 0L), entries.pieces().stream().map(PieceDemand::sentElements).toList());
    }

    /**
     * Speck LeNet: c1 [6,12,12] with a 1×5×5 kernel: kernel 1·2^(5+3) = 256, neurons 6·2^(4+4) = 1536, bias 6; c2
     * [16,5,5], 6×3×3: kernel 6·2^(4+4) = 1536, neurons 16·2^(3+3) = 1024; fc1 as a conv with kernel 5×5 over 16
     * channels: 16·2^(5+7) = 65536; fc2 over 120 flat inputs: 120·2^(0+7) = 15360; fc3: 84·2^(0+4) = 1344.
     */
    @Test
    void speckMemoriesArePaddedToPowersOfTwo() {
        Partition partition = Partitioner.partition(MapperTest.speckLenet(5), TestChips.speck());
        assertEquals(List.of(256L, 1536L, 65536L, 15360L, 1344L),
                partition.pieces().stream().map(PieceDemand::synapseMemory).toList());
        assertEquals(List.of(1536L, 1024L, 120L, 84L, 10L),
                partition.pieces().stream().map(PieceDemand::neurons).toList());
        assertEquals(List.of(6L, 16L, 120L, 84L, 10L),
                partition.pieces().stream().map(PieceDemand::biasMemory).toList());
    }

    /**
     * c [2,4,4] from a 3×3 conv with padding 1 on x [1,4,4], on cores of 12 neurons: at least 3 tiles, but no box
     * grid makes 3, so 4 of at most 12 neurons. Among those, both channels × 3 rows × 2 columns read the fewest pixels
     * (12, against 16 for a one-channel tile), so the tiles are c[0:2, 0:3, 0:2], c[0:2, 0:3, 2:4], c[0:2, 3:4, 0:2]
     * and c[0:2, 3:4, 2:4]. The first reads rows 0..3 × columns 0..2; the last, rows 2..3 × columns 1..3.
     */
    @Test
    void convolutionsAreCutIntoTilesWithTheirHalo() {
        Net net = new Net("cut", Shape.of(1, 4, 4), 1);
        net.conv("c", "x.enc", 2, Window2d.square(3, 1, 1), 1);
        net.dense("fc", "c", 2);
        Partition partition = Partitioner.partition(net.network("fc"),
                TestChips.generic(8, new CoreResources(12, 4096, 4096, 65536, 12)));
        assertEquals(List.of(new Tile("c", 4, 4, 0, 2, 0, 3, 0, 2), new Tile("c", 4, 4, 0, 2, 0, 3, 2, 2),
                new Tile("c", 4, 4, 0, 2, 3, 1, 0, 2), new Tile("c", 4, 4, 0, 2, 3, 1, 2, 2),
                new Tile("fc", 1, 1, 0, 2, 0, 1, 0, 1)), partition.pieces().stream().map(PieceDemand::tile).toList());
        assertEquals(pixels(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14), partition.pieces().get(0).inputs().get("x.enc"));
        assertEquals(pixels(9, 10, 11, 13, 14, 15), partition.pieces().get(3).inputs().get("x.enc"));
        assertEquals(range(0, 32), partition.pieces().get(4).inputs().get("c"));
        assertEquals(List.of(12L, 12L, 4L, 4L, 2L), partition.pieces().stream().map(PieceDemand::neurons).toList());
    }

    @Test
    void aNeuronWhoseFanInExceedsTheAxonsIsTooBig() {
        Net net = new Net("wide", Shape.of(1, 50, 100), 1);
        net.dense("fc", "x.enc", 2);
        CompilationException error = assertThrows(CompilationException.class,
                () -> Partitioner.partition(net.network("fc"), TestChips.generic()));
        assertEquals("net.snn:1:1: error: layer 'fc' does not fit target generic: one neuron: input axons 5000 exceeds "
                + "the largest core's 4096 [E0903]", error.getMessage());
    }

    /**
     * c [64,32,32] from a 3×3 conv over 32 channels needs neuron memory 64·2^(5+5) = 65536, which only cores 0..2
     * have, and kernel memory 32·2^(4+6) = 32768, which they lack.
     */
    @Test
    void aLayerThatFitsNoSingleSpeckCoreNamesBothMemories() {
        Net net = new Net("both", Shape.of(32, 32, 32), 1);
        net.conv("c", "x.enc", 64, Window2d.square(3, 1, 1), 1);
        net.conv("pool", "c", 4, Window2d.square(8, 8, 0), 1);
        net.dense("fc", "pool", 4);
        CompilationException error = assertThrows(CompilationException.class,
                () -> Partitioner.partition(net.network("fc"), TestChips.speck()));
        assertEquals("net.snn:1:1: error: layer 'c' does not fit target speck: no single core has room for neuron "
                + "memory 65536 and kernel memory 32768 [E0903]", error.getMessage());
    }

    private static ElementSet range(int first, int end) {
        return new ElementSet.Builder().add(first, end).build();
    }

    private static ElementSet pixels(int... elements) {
        ElementSet.Builder set = new ElementSet.Builder();
        for (int element : elements) {
            set.add(element, element + 1);
        }
        return set.build();
    }
}
