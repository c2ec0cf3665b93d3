package org.snnc.targets.mapping;

import java.util.Arrays;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
import org.snnc.targets.net.Synapse;

/**
 * Which source elements a tile of target neurons reads through one projection, and through how many synapses each.
 * A synapse is one (source element, target neuron) pair of the connectivity, whatever its weight, zero included.
 *
 * <p>Dense: every element reaches every target, so each count is the tile's size. Conv (see {@link ConvSynapse}):
 * target (f, i, j) reads (g·C/G + c, i·sH + u − pT, j·sW + v − pL) for every c &lt; C/G and tap (u, v) inside the
 * input, g = ⌊f/(F/G)⌋. Over a tile of filters [f0, f1) × rows [r0, r1) × columns [x0, x1) the count is separable:
 * element (c, y, x) has φ(c)·ρ(y)·κ(x) synapses, with φ(c) the tile's filters in c's group, ρ(y) = #{(i, u) : i ∈
 * [r0, r1), u &lt; kH, i·sH + u − pT = y} and κ(x) the same over columns. So the receptive field is a product of a
 * channel range, a set of rows and a set of columns (the halo included; rows a stride skips are not in it).
 */
final class Connectivity {

    private final Synapse synapse;
    private final Tile tile;
    private final int[] filtersPerChannel;
    private final int[] rowCounts;
    private final int[] colCounts;

    private Connectivity(Synapse synapse, Tile tile, int[] filtersPerChannel, int[] rowCounts, int[] colCounts) {
        this.synapse = synapse;
        this.tile = tile;
        this.filtersPerChannel = filtersPerChannel;
        this.rowCounts = rowCounts;
        this.colCounts = colCounts;
    }

    /** The connectivity of {@code synapse} onto the target neurons of {@code tile}. */
    static Connectivity of(Synapse synapse, Tile tile) {
        if (synapse instanceof DenseSynapse) {
            return new Connectivity(synapse, tile, null, null, null);
        }
        ConvSynapse conv = (ConvSynapse) synapse;
        Window2d window = conv.window();
        int filtersPerGroup = conv.filters() / conv.groups();
        int channelsPerGroup = conv.channelsPerGroup();
        int[] filters = new int[conv.inputShape().dim(0)];
        for (int f = tile.channelFirst(); f < tile.channelEnd(); f++) {
            int group = f / filtersPerGroup;
            for (int c = group * channelsPerGroup; c < (group + 1) * channelsPerGroup; c++) {
                filters[c]++;
            }
        }
        return new Connectivity(synapse, tile, filters,
                taps(conv.inputShape().dim(1), tile.rowFirst(), tile.rowEnd(), window.kernelH(), window.strideH(),
                        window.padding().top()),
                taps(conv.inputShape().dim(2), tile.colFirst(), tile.colEnd(), window.kernelW(), window.strideW(),
                        window.padding().left()));
    }

    /** For each of {@code size} input positions, how many (output position in [first, end), tap) pairs land on it. */
    private static int[] taps(int size, int first, int end, int kernel, int stride, int pad) {
        int[] counts = new int[size];
        for (int i = first; i < end; i++) {
            for (int u = 0; u < kernel; u++) {
                int y = i * stride + u - pad;
                if (y >= 0 && y < size) {
                    counts[y]++;
                }
            }
        }
        return counts;
    }

    /** The synapses from source element {@code element} onto the tile. */
    int synapses(int element) {
        if (filtersPerChannel == null) {
            return tile.size();
        }
        int height = rowCounts.length;
        int width = colCounts.length;
        return filtersPerChannel[element / (height * width)] * rowCounts[element / width % height]
                * colCounts[element % width];
    }

    /**
     * The source elements with at least one synapse onto the tile: all of a dense projection's inputs; for a conv,
     * per channel c with φ(c) &gt; 0 and row y with ρ(y) &gt; 0, the runs of columns x with κ(x) &gt; 0.
     */
    ElementSet sourceElements() {
        if (filtersPerChannel == null) {
            return new ElementSet.Builder().add(0, ((DenseSynapse) synapse).inputs()).build();
        }
        long size = (long) nonZero(filtersPerChannel) * nonZero(rowCounts) * nonZero(colCounts);
        return ElementSet.lazy(size, this::convSourceElements);
    }

    /** The runs of {@link #sourceElements} for a conv. */
    private ElementSet convSourceElements() {
        ElementSet.Builder elements = new ElementSet.Builder();
        int height = rowCounts.length;
        int width = colCounts.length;
        int[] columnRuns = runs(colCounts);
        for (int c = 0; c < filtersPerChannel.length; c++) {
            if (filtersPerChannel[c] == 0) {
                continue;
            }
            for (int y = 0; y < height; y++) {
                if (rowCounts[y] == 0) {
                    continue;
                }
                int row = (c * height + y) * width;
                for (int run = 0; run < columnRuns.length; run += 2) {
                    elements.add(row + columnRuns[run], row + columnRuns[run + 1]);
                }
            }
        }
        return elements.build();
    }

    /**
     * The positions y·W + x of the source elements with at least one synapse onto the tile, of a [C, H, W] source of
     * {@code positions} = H·W positions: all of them for a dense projection; for a conv, per row y with ρ(y) &gt; 0,
     * the runs of columns x with κ(x) &gt; 0 (some channel has φ(c) &gt; 0, as the tile is not empty).
     */
    ElementSet sourcePositions(int positions) {
        ElementSet.Builder occupied = new ElementSet.Builder();
        if (filtersPerChannel == null) {
            return occupied.add(0, positions).build();
        }
        int width = colCounts.length;
        int[] columnRuns = runs(colCounts);
        for (int y = 0; y < rowCounts.length; y++) {
            for (int run = 0; rowCounts[y] > 0 && run < columnRuns.length; run += 2) {
                occupied.add(y * width + columnRuns[run], y * width + columnRuns[run + 1]);
            }
        }
        return occupied.build();
    }

    /** How many of {@code counts} are not zero. */
    private static int nonZero(int[] counts) {
        return (int) Arrays.stream(counts).filter(count -> count > 0).count();
    }

    /** The maximal runs of non-zero counts, as first, end, first, end, … */
    private static int[] runs(int[] counts) {
        int[] runs = new int[counts.length + 1];
        int length = 0;
        for (int x = 0; x < counts.length; x++) {
            if (counts[x] > 0 && (x == 0 || counts[x - 1] == 0)) {
                runs[length++] = x;
            }
            if (counts[x] > 0 && (x + 1 == counts.length || counts[x + 1] == 0)) {
                runs[length++] = x + 1;
            }
        }
        return Arrays.copyOf(runs, length);
    }

    /**
     * The synapses of the whole projection: F·H'·W'·(C/G)·kh·kw for a conv (padding taps included, so an upper
     * bound), units·inputs for a dense one.
     */
    static long totalSynapses(Synapse synapse) {
        if (synapse instanceof DenseSynapse dense) {
            return (long) dense.units() * dense.inputs();
        }
        ConvSynapse conv = (ConvSynapse) synapse;
        return (long) conv.outputShape().size() * conv.channelsPerGroup() * conv.window().kernelH()
                * conv.window().kernelW();
    }
}
