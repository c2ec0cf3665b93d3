package org.snnc.targets.mapping;

import java.util.Arrays;
import java.util.BitSet;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
import org.snnc.targets.net.Synapse;

/**
 * Which source elements a range of target neurons reads through one projection, and through how many synapses each.
 * A synapse is one (source element, target neuron) pair of the connectivity, whatever its weight, zero included.
 */
final class Connectivity {

    private Connectivity() {
    }

    /**
     * For every source element e, the number of synapses from e onto the target neurons [first, first + count).
     *
     * <p>Dense: every element reaches every target, so each count is {@code count}. Conv (see {@link ConvSynapse}):
     * target (f, i, j) reads (g·C/G + c, i·sH + u − pT, j·sW + v − pL) for every c &lt; C/G and tap (u, v) inside the
     * input, g = ⌊f·G/F⌋. The counts are first gathered per group over the spatial positions, n_g(y, x) = the number of
     * (target, tap) pairs of group g landing on (y, x), which costs one pass over targets × taps; then element
     * (c, y, x) of group g has n_g(y, x) synapses.
     */
    static int[] synapsesPerSourceElement(Synapse synapse, int first, int count) {
        if (synapse instanceof DenseSynapse dense) {
            int[] counts = new int[dense.inputs()];
            Arrays.fill(counts, count);
            return counts;
        }
        ConvSynapse conv = (ConvSynapse) synapse;
        int channels = conv.inputShape().dim(0);
        int height = conv.inputShape().dim(1);
        int width = conv.inputShape().dim(2);
        int outHeight = conv.outputShape().dim(1);
        int outWidth = conv.outputShape().dim(2);
        int filtersPerGroup = conv.filters() / conv.groups();
        Window2d window = conv.window();
        int[][] perGroup = new int[conv.groups()][height * width];
        for (int target = first; target < first + count; target++) {
            int f = target / (outHeight * outWidth);
            int i = target / outWidth % outHeight;
            int j = target % outWidth;
            int[] positions = perGroup[f / filtersPerGroup];
            for (int u = 0; u < window.kernelH(); u++) {
                int y = i * window.strideH() + u - window.padding().top();
                if (y < 0 || y >= height) {
                    continue;
                }
                for (int v = 0; v < window.kernelW(); v++) {
                    int x = j * window.strideW() + v - window.padding().left();
                    if (x >= 0 && x < width) {
                        positions[y * width + x]++;
                    }
                }
            }
        }
        int[] counts = new int[channels * height * width];
        int channelsPerGroup = conv.channelsPerGroup();
        for (int c = 0; c < channels; c++) {
            System.arraycopy(perGroup[c / channelsPerGroup], 0, counts, c * height * width, height * width);
        }
        return counts;
    }

    /** The source elements with at least one synapse onto the target neurons [first, first + count). */
    static BitSet sourceElements(Synapse synapse, int first, int count) {
        return nonZero(synapsesPerSourceElement(synapse, first, count));
    }

    static BitSet nonZero(int[] counts) {
        BitSet elements = new BitSet(counts.length);
        for (int e = 0; e < counts.length; e++) {
            if (counts[e] > 0) {
                elements.set(e);
            }
        }
        return elements;
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
