package org.snnc.targets.mapping;

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
 * The cost of a piece [first, first + n) of a population on a core, under the chip's {@link MemoryModel}.
 *
 * <p><b>Input axons</b>, every model: the distinct source elements whose events the piece needs, the union over its
 * projections of its neurons' receptive fields (a dense projection needs its whole source).
 *
 * <p><b>entries</b>: neurons = bias = n. Synapse memory = Σ over projections of the stored weights: a conv stores the
 * kernels of the output channels the piece touches, F'·(C/G)·kh·kw; a dense projection stores n·inputs.
 *
 * <p><b>loihi-blocks</b>: neurons = bias = n. Synapse memory, in bits: each input axon a has a row of s_a synapses onto
 * the piece (summed over the projections from a's source), cut into ⌈s_a/64⌉ blocks of at most 64 synapses; a block
 * of b synapses takes ⌈(10 + weightBits·b)/64⌉ 64-bit words. Memory = Σ_a Σ_blocks 64·⌈(10 + weightBits·b)/64⌉. The
 * row of a conv axon counts exactly the (neuron, tap) pairs of the piece that read it.
 *
 * <p><b>speck-padded</b>, with F' the output channels the piece touches and H'×W' the population's map:
 * neurons = F'·2^(⌈log2 H'⌉ + ⌈log2 W'⌉), bias = F', kernel = Σ over projections of C_in·2^(⌈log2(kh·kw)⌉ + ⌈log2 F'⌉).
 * A grouped conv is stored as a full one (C_in is all the input channels). A dense projection is a conv whose
 * kernel is its whole input: C_in = the source's channels (its size if it is flat), kh·kw = the source's H·W (1 if
 * flat), F' = the piece's units and H' = W' = 1. A flat population of n units counts as F' = n.
 *
 * <p><b>Sent elements</b>: the piece's and its gate pieces' elements that some projection reads. <b>Traffic</b>: an
 * estimate of the synaptic events per step if every element spikes alike, Σ over the projections reading the
 * population (or its gate) of the piece's (or gate piece's) elements × ⌈synapses of the projection / source size⌉.
 */
public final class ResourceModel {

    /** Synapses per Loihi synapse block. */
    static final int BLOCK_SYNAPSES = 64;
    /** Header bits of a Loihi synapse block. */
    static final int BLOCK_HEADER_BITS = 10;
    /** Loihi synapse memory word. */
    static final int WORD_BITS = 64;

    private final SynapticNetwork network;
    private final ChipSpec chip;
    private final Map<String, Source> sources;
    private final Map<String, BitSet> readElements = new LinkedHashMap<>();

    public ResourceModel(SynapticNetwork network, ChipSpec chip) {
        this.network = network;
        this.chip = chip;
        this.sources = network.sources();
        sources.forEach((name, source) -> {
            BitSet read = new BitSet(source.size());
            for (Projection projection : network.projectionsFrom(name)) {
                int targets = network.population(projection.target()).size();
                read.or(Connectivity.sourceElements(projection.synapse(), 0, targets));
            }
            readElements.put(name, read);
        });
    }

    /** The demand of {@code piece} of {@code population}, whose core also holds {@code gatePieces}. */
    public PieceDemand demand(Population population, Piece piece, List<Piece> gatePieces) {
        Map<String, int[]> rows = new LinkedHashMap<>();
        for (String source : sources.keySet()) {
            for (Projection projection : population.projections()) {
                if (projection.source().equals(source)) {
                    int[] counts = Connectivity.synapsesPerSourceElement(projection.synapse(), piece.first(),
                            piece.count());
                    rows.merge(source, counts, ResourceModel::sum);
                }
            }
        }
        Map<String, BitSet> inputs = new LinkedHashMap<>();
        rows.forEach((source, counts) -> inputs.put(source, Connectivity.nonZero(counts)));
        long neurons;
        long bias;
        long synapses = 0;
        MemoryModel model = chip.memoryModel();
        if (model == MemoryModel.SPECK_PADDED) {
            int channels = outputChannels(population.shape(), piece);
            neurons = (long) channels << spatialBits(population.shape());
            bias = channels;
            for (Projection projection : population.projections()) {
                synapses += speckKernel(projection, channels);
            }
        } else {
            neurons = piece.count();
            bias = piece.count();
            if (model == MemoryModel.ENTRIES) {
                for (Projection projection : population.projections()) {
                    synapses += storedWeights(projection, population.shape(), piece);
                }
            } else {
                for (int[] counts : rows.values()) {
                    for (int count : counts) {
                        synapses += rowBits(count, chip.weights().bits());
                    }
                }
            }
        }
        long sent = sentElements(piece);
        long traffic = traffic(piece);
        for (Piece gate : gatePieces) {
            sent += sentElements(gate);
            traffic += traffic(gate);
        }
        return new PieceDemand(piece, gatePieces, neurons, synapses, bias, inputs, sent, traffic);
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

    private static int[] sum(int[] a, int[] b) {
        int[] total = a.clone();
        for (int e = 0; e < total.length; e++) {
            total[e] += b[e];
        }
        return total;
    }

    /** F', the output channels (feature maps) the piece touches; the units of a flat population. */
    private static int outputChannels(Shape shape, Piece piece) {
        if (shape.rank() != 3) {
            return piece.count();
        }
        int map = shape.dim(1) * shape.dim(2);
        return (piece.end() - 1) / map - piece.first() / map + 1;
    }

    /** ⌈log2 H'⌉ + ⌈log2 W'⌉, 0 for a flat population. */
    private static int spatialBits(Shape shape) {
        return shape.rank() == 3 ? ceilLog2(shape.dim(1)) + ceilLog2(shape.dim(2)) : 0;
    }

    private static long storedWeights(Projection projection, Shape shape, Piece piece) {
        if (projection.synapse() instanceof DenseSynapse dense) {
            return (long) piece.count() * dense.inputs();
        }
        ConvSynapse conv = (ConvSynapse) projection.synapse();
        return (long) outputChannels(shape, piece) * conv.channelsPerGroup() * conv.window().kernelH()
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

    private long sentElements(Piece piece) {
        return readElements.get(piece.unit()).get(piece.first(), piece.end()).cardinality();
    }

    private long traffic(Piece piece) {
        Source source = sources.get(piece.unit());
        long perElement = 0;
        for (Projection projection : network.projectionsFrom(piece.unit())) {
            long synapses = Connectivity.totalSynapses(projection.synapse());
            perElement += (synapses + source.size() - 1) / source.size();
        }
        return perElement * piece.count();
    }
}
