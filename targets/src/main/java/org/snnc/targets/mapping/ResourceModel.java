package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.ir.Shape;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
import org.snnc.targets.net.Population;
import org.snnc.targets.net.Projection;
import org.snnc.targets.net.Source;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.MemoryModel;

/**
 * The cost of a tile of a population on a core, or of a core's tiles of one population together
 * ({@link #held}), under the chip's {@link MemoryModel}. n is the tiles' distinct neurons (their replicas included) and F' their distinct output channels
 * (a flat population's units).
 *
 * <p><b>Input axons</b>, every model: the distinct source elements whose events the tiles need, the union over their
 * projections of their neurons' receptive fields ({@link Connectivity}; a dense projection needs its whole source).
 * On a chip with population axons ({@link org.snnc.targets.spec.Routing#populationAxons}), the elements of a
 * [C, H, W] source arrive by position: element (c·H + y)·W + x on the axon of position y·W + x, so the tiles take one
 * input axon per distinct position of the elements they need, |{e mod H·W}|.
 *
 * <p><b>entries</b>: neurons = bias = n. Synapse memory = Σ over projections of the stored weights: a conv stores the
 * kernels of the F' output channels, F'·(C/G)·kh·kw; a dense projection stores n·inputs.
 *
 * <p><b>loihi-blocks</b>: neurons = bias = n. Synapse memory, in bits: each input axon a has a row of s_a synapses onto
 * the tiles (summed over the projections from a's source), cut into ⌈s_a/64⌉ blocks of at most 64 synapses; a block
 * of b synapses takes ⌈(10 + weightBits·b)/64⌉ 64-bit words. Memory = Σ_a Σ_blocks 64·⌈(10 + weightBits·b)/64⌉. The
 * row of a conv axon counts exactly the (neuron, tap) pairs of the tiles that read it.
 *
 * <p><b>speck-padded</b>, with H'×W' the population's map:
 * neurons = F'·2^(⌈log2 H'⌉ + ⌈log2 W'⌉), bias = F', kernel = Σ over projections of C_in·2^(⌈log2(kh·kw)⌉ + ⌈log2 F'⌉).
 * A grouped conv is stored as a full one (C_in is all the input channels). A dense projection is a conv whose
 * kernel is its whole input: C_in = the source's channels (its size if it is flat), kh·kw = the source's H·W (1 if
 * flat), and H' = W' = 1.
 *
 * <p><b>Sent elements</b>: the tile's and its gate tiles' elements that some projection reads, or, given the reader
 * tiles per element, Σ of those. Each takes {@link org.snnc.targets.spec.Routing#outputSlots} output-axon slots (a
 * population axon's slots for a [C, H, W] unit). <b>Traffic</b>: an estimate of the synaptic events per step if every element spikes
 * alike, Σ over the projections reading the population (or its gate) of the tile's (or gate tile's) elements ×
 * ⌈synapses of the projection / source size⌉.
 */
public final class ResourceModel {

    /** Synapses per Loihi synapse block. */
    static final int BLOCK_SYNAPSES = 64;
    /** Header bits of a Loihi synapse block. */
    static final int BLOCK_HEADER_BITS = 10;
    /** Loihi synapse memory word. */
    static final int WORD_BITS = 64;

    private final ChipSpec chip;
    private final Map<String, Source> sources;
    private final Map<String, ElementSet> readElements = new LinkedHashMap<>();
    /** Per source, Σ over the projections reading it of ⌈synapses / source size⌉: the traffic of one element. */
    private final Map<String, Long> trafficPerElement = new LinkedHashMap<>();

    public ResourceModel(SynapticNetwork network, ChipSpec chip) {
        this.chip = chip;
        this.sources = network.sources();
        sources.forEach((name, source) -> {
            List<ElementSet> read = new ArrayList<>();
            long perElement = 0;
            for (Projection projection : network.projectionsFrom(name)) {
                Population target = network.population(projection.target());
                read.add(Connectivity.of(projection.synapse(), Tile.whole(target.name(), target.shape()))
                        .sourceElements());
                long synapses = Connectivity.totalSynapses(projection.synapse());
                perElement += (synapses + source.size() - 1) / source.size();
            }
            readElements.put(name, ElementSet.union(read));
            trafficPerElement.put(name, perElement);
        });
    }

    /** The demand of {@code tile} of {@code population}, whose core also holds {@code gateTiles}. */
    public PieceDemand demand(Population population, Tile tile, List<Tile> gateTiles) {
        return demand(population, tile, gateTiles, Map.of());
    }

    /**
     * The demand of {@code tile}, with {@code readers} giving for some units the number of reader tiles each element
     * goes to (each at most a core): the tile's sent elements then count Σ ⌈readers(e)/m⌉ (m the multicast width, 1
     * without multicast), an upper bound of the output axons the tile takes, instead of one per element read. ({@link CoreBounds} gives the fewest output axons per
     * element instead, for a lower bound.)
     */
    PieceDemand demand(Population population, Tile tile, List<Tile> gateTiles, Map<String, int[]> readers) {
        return demand(population, tile, tile, gateTiles, readers);
    }

    /**
     * The demand of {@code tile} whose core updates the box {@code computed} ⊇ tile, its replicas included: the
     * neurons, synapses, biases and inputs are the box's, what it sends is the tile's and its gate tiles'.
     */
    PieceDemand demand(Population population, Tile tile, Tile computed, List<Tile> gateTiles,
            Map<String, int[]> readers) {
        Memory memory = memory(population, List.of(computed));
        long sent = sentElements(tile, readers);
        long traffic = traffic(tile);
        for (Tile gate : gateTiles) {
            sent += sentElements(gate, readers);
            traffic += traffic(gate);
        }
        return new PieceDemand(tile, computed, gateTiles, memory.neurons(), memory.synapses(), memory.bias(), memory.inputs(),
                memory.axons(), sent, traffic);
    }

    /**
     * Neuron, synapse and bias memory of one core's {@code tiles} (the boxes it updates, replicas included) of
     * {@code population} together, with the source
     * elements they read: a core stores a kernel's rows once for all its channels of the layer, and a Loihi axon's
     * row counts its synapses onto all of them. No more than the tiles' demands summed.
     */
    public CoreUsage held(Population population, List<Tile> tiles) {
        Memory memory = memory(population, tiles);
        return new CoreUsage(memory.neurons(), memory.synapses(), memory.bias(), 0, 0, 0);
    }

    /**
     * The memories of some tiles of one population on one core, the source elements they read and the input axons
     * those arrive on.
     */
    private record Memory(long neurons, long synapses, long bias, Map<String, ElementSet> inputs,
            Map<String, ElementSet> axons) {
    }

    private Memory memory(Population population, List<Tile> overlappingTiles) {
        // The boxes of one core's tiles overlap where their replicas meet; the core updates each neuron once.
        List<Tile> tiles = Tile.disjoint(overlappingTiles);
        Map<String, List<Connectivity>> bySource = new LinkedHashMap<>();
        for (String source : sources.keySet()) {
            for (Projection projection : population.projections()) {
                if (projection.source().equals(source)) {
                    for (Tile tile : tiles) {
                        bySource.computeIfAbsent(source, s -> new ArrayList<>())
                                .add(Connectivity.of(projection.synapse(), tile));
                    }
                }
            }
        }
        Map<String, ElementSet> inputs = new LinkedHashMap<>();
        Map<String, ElementSet> axons = new LinkedHashMap<>();
        bySource.forEach((source, projections) -> {
            inputs.put(source, ElementSet.union(projections.stream().map(Connectivity::sourceElements).toList()));
            Shape shape = sources.get(source).shape();
            axons.put(source, chip.routing().populationAxons(shape.rank())
                    ? ElementSet.union(projections.stream()
                            .map(projection -> projection.sourcePositions(shape.dim(1) * shape.dim(2))).toList())
                    : inputs.get(source));
        });
        BitSet channels = new BitSet();
        for (Tile tile : tiles) {
            channels.set(tile.channelFirst(), tile.channelEnd());
        }
        long size = tiles.stream().mapToLong(Tile::size).sum();
        long synapses = 0;
        MemoryModel model = chip.memoryModel();
        if (model == MemoryModel.SPECK_PADDED) {
            for (Projection projection : population.projections()) {
                synapses += speckKernel(projection, channels.cardinality());
            }
            return new Memory((long) channels.cardinality() << spatialBits(population.shape()), synapses,
                    channels.cardinality(), inputs, axons);
        }
        if (model == MemoryModel.ENTRIES) {
            for (Projection projection : population.projections()) {
                synapses += storedWeights(projection, channels.cardinality(), size);
            }
        } else {
            for (Map.Entry<String, ElementSet> input : inputs.entrySet()) {
                List<Connectivity> projections = bySource.get(input.getKey());
                ElementSet elements = input.getValue();
                for (int run = 0; run < elements.runs(); run++) {
                    for (int e = elements.first(run); e < elements.end(run); e++) {
                        int row = 0;
                        for (Connectivity projection : projections) {
                            row += projection.synapses(e);
                        }
                        synapses += rowBits(row, chip.weights().bits());
                    }
                }
            }
        }
        return new Memory(size, synapses, size, inputs, axons);
    }

    /** The bits of one Loihi synapse row of {@code synapses} synapses of {@code weightBits} each. */
    static long rowBits(int synapses, int weightBits) {
        int fullBlocks = synapses / BLOCK_SYNAPSES;
        int rest = synapses % BLOCK_SYNAPSES;
        return fullBlocks * blockBits(BLOCK_SYNAPSES, weightBits) + (rest > 0 ? blockBits(rest, weightBits) : 0);
    }

    private static long blockBits(int synapses, int weightBits) {
        long bits = BLOCK_HEADER_BITS + (long) weightBits * synapses;
        return (bits + WORD_BITS - 1) / WORD_BITS * WORD_BITS;
    }

    /** ⌈log2 n⌉, 0 for n = 1. */
    static int ceilLog2(long n) {
        return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    /** ⌈log2 H'⌉ + ⌈log2 W'⌉, 0 for a flat population. */
    private static int spatialBits(Shape shape) {
        return shape.rank() == 3 ? ceilLog2(shape.dim(1)) + ceilLog2(shape.dim(2)) : 0;
    }

    /** The weights stored for {@code neurons} neurons of {@code channels} output channels. */
    private static long storedWeights(Projection projection, int channels, long neurons) {
        if (projection.synapse() instanceof DenseSynapse dense) {
            return neurons * dense.inputs();
        }
        ConvSynapse conv = (ConvSynapse) projection.synapse();
        return (long) channels * conv.channelsPerGroup() * conv.window().kernelH()
                * conv.window().kernelW();
    }

    private long speckKernel(Projection projection, int outputChannels) {
        long inputChannels;
        long kernelArea;
        if (projection.synapse() instanceof ConvSynapse conv) {
            inputChannels = conv.inputShape().dim(0);
            kernelArea = (long) conv.window().kernelH() * conv.window().kernelW();
        } else {
            Shape source = sources.get(projection.source()).shape();
            boolean flat = source.rank() != 3;
            inputChannels = flat ? source.size() : source.dim(0);
            kernelArea = flat ? 1 : (long) source.dim(1) * source.dim(2);
        }
        return inputChannels << (ceilLog2(kernelArea) + ceilLog2(outputChannels));
    }

    private long sentElements(Tile tile, Map<String, int[]> readers) {
        return chip.routing().outputSlots(sources.get(tile.unit()).shape().rank()) * sentElementsOnce(tile, readers);
    }

    private long sentElementsOnce(Tile tile, Map<String, int[]> readers) {
        int[] counts = readers.get(tile.unit());
        if (counts != null) {
            // Row by row of the box, rather than by its runs, so that weighing a tile makes no list of them.
            long sent = 0;
            for (int c = tile.channelFirst(); c < tile.channelEnd(); c++) {
                for (int y = tile.rowFirst(); y < tile.rowEnd(); y++) {
                    int row = (c * tile.height() + y) * tile.width();
                    for (int e = row + tile.colFirst(); e < row + tile.colEnd(); e++) {
                        sent += chip.routing().outputAxons(counts[e]);
                    }
                }
            }
            return sent;
        }
        ElementSet read = readElements.get(tile.unit());
        return tile.runs().stream().mapToLong(run -> read.count(run.first(), run.end())).sum();
    }

    private long traffic(Tile tile) {
        return trafficPerElement.get(tile.unit()) * tile.size();
    }
}
