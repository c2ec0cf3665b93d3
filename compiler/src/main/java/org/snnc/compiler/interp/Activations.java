package org.snnc.compiler.interp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.ir.Shape;

/**
 * The activations an {@link AnnInterpreter} retained for a batch: for each kept node, one flat C-order array per
 * image, in the order the images were given, and the node's shape. The output node is always kept.
 *
 * <p>The arrays are held, not copied, when the batch is assembled; every accessor that returns an array returns a
 * copy, so an {@code Activations} is effectively immutable.
 */
public final class Activations {

    private final int images;
    private final String output;
    private final Map<String, double[][]> values;
    private final Map<String, Shape> shapes;

    Activations(int images, String output, Map<String, double[][]> values, Map<String, Shape> shapes) {
        this.images = images;
        this.output = output;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    }

    /** The number of images in the batch. */
    public int imageCount() {
        return images;
    }

    /** The name of the graph's output node. */
    public String output() {
        return output;
    }

    /** The kept nodes, in definition order. */
    public List<String> nodes() {
        return List.copyOf(values.keySet());
    }

    public boolean contains(String node) {
        return values.containsKey(node);
    }

    /** The shape of one image's values of {@code node}. */
    public Shape shape(String node) {
        checkKept(node);
        return shapes.get(node);
    }

    /** A copy of {@code node}'s values for one image, flat in C order. */
    public double[] values(String node, int image) {
        return row(node, image).clone();
    }

    /** One value of {@code node} for one image, at a flat C-order index. */
    public double get(String node, int image, int flatIndex) {
        return row(node, image)[flatIndex];
    }

    /** Every value of {@code node} over the batch, image after image, as a new array (for percentiles and the like). */
    public double[] allValues(String node) {
        checkKept(node);
        double[][] rows = values.get(node);
        int size = shapes.get(node).size();
        double[] all = new double[rows.length * size];
        for (int image = 0; image < rows.length; image++) {
            System.arraycopy(rows[image], 0, all, image * size, size);
        }
        return all;
    }

    /** A copy of the output node's values for one image. */
    public double[] outputValues(int image) {
        return values(output, image);
    }

    /**
     * The predicted class of every image: the index of the largest output value, ties going to the lowest index. A
     * NaN output never wins.
     */
    public int[] predictions() {
        double[][] rows = values.get(output);
        int[] classes = new int[rows.length];
        for (int image = 0; image < rows.length; image++) {
            double[] row = rows[image];
            int best = 0;
            for (int k = 1; k < row.length; k++) {
                if (row[k] > row[best] || Double.isNaN(row[best]) && !Double.isNaN(row[k])) {
                    best = k;
                }
            }
            classes[image] = best;
        }
        return classes;
    }

    private double[] row(String node, int image) {
        checkKept(node);
        if (image < 0 || image >= images) {
            throw new IndexOutOfBoundsException("image " + image + " of a batch of " + images);
        }
        return values.get(node)[image];
    }

    private void checkKept(String node) {
        if (!values.containsKey(node)) {
            throw new IllegalArgumentException("node '" + node + "' was not kept; kept are " + values.keySet());
        }
    }

    @Override
    public String toString() {
        return "Activations[" + images + " images, " + values.keySet() + "]";
    }
}
