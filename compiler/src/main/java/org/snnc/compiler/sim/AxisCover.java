package org.snnc.compiler.sim;

/**
 * Which outputs of a sliding window along one axis read each input position: input x is read by output o at kernel
 * offset u exactly when o·stride + u − padBefore = x, with 0 ≤ o < outputs and 0 ≤ u < kernel. The pairs of each x
 * are listed by increasing u. This is the geometry of a scatter: a spike at x reaches exactly these outputs, so
 * padding is never reached and the count of pairs is the spike's fan-out along the axis.
 */
final class AxisCover {

    /** {@code offsets[x][k]} is the kernel offset u of the k-th output that reads input x. */
    final int[][] offsets;
    /** {@code outputs[x][k]} is the index o of that output. */
    final int[][] outputs;

    AxisCover(int inputs, int kernel, int stride, int padBefore, int outputCount) {
        offsets = new int[inputs][];
        outputs = new int[inputs][];
        for (int x = 0; x < inputs; x++) {
            int count = 0;
            int[] u = new int[kernel];
            int[] o = new int[kernel];
            for (int offset = 0; offset < kernel; offset++) {
                int shifted = x + padBefore - offset;
                if (shifted >= 0 && shifted % stride == 0 && shifted / stride < outputCount) {
                    u[count] = offset;
                    o[count] = shifted / stride;
                    count++;
                }
            }
            offsets[x] = java.util.Arrays.copyOf(u, count);
            outputs[x] = java.util.Arrays.copyOf(o, count);
        }
    }

    /** The number of outputs that read input {@code x}. */
    int fanOut(int x) {
        return outputs[x].length;
    }
}
