package org.snnc.emulator.config;

import static org.snnc.emulator.config.ConfigurationError.BAD_FIELD;
import static org.snnc.emulator.config.ConfigurationError.INCONSISTENT;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A box of a unit seen as [C, H, W] (a flat unit of n elements as [n, 1, 1]), as configuration version 2 writes
 * neurons, gate outputs, axons and routes, and its runs of consecutive flat elements, which the emulator's tables are
 * built from. A version 1 run is read as a box of the unit seen flat, whose one run is itself; the consistency
 * check, not this reader, holds it within the unit. The box's elements are in C order; element (c, y, x) is flat (c·H + y)·W + x.
 *
 * @param unit         the population, gate or input
 * @param height       H of the unit
 * @param width        W of the unit
 * @param channelFirst the first channel
 * @param channels     how many channels
 * @param rowFirst     the first row
 * @param rows         how many rows
 * @param colFirst     the first column
 * @param cols         how many columns
 */
record BoxRuns(String unit, int height, int width, int channelFirst, int channels, int rowFirst, int rows,
        int colFirst, int cols) {

    /** A run [first, first + count) of flat elements, and the rank of its first element in the box's order. */
    record Run(int first, int count, int rank) {
    }

    /**
     * Reads {@code channels}, {@code rows} and {@code cols} of {@code node}, each [first, count] with count ≥ 1, and
     * checks that they lie within the shape of {@code unit} in {@code shapes} ([C, H, W] or flat); null after a problem,
     * or for a null node (an array element that was no object, already reported).
     */
    static BoxRuns read(JsonNode node, String path, String unit, Map<String, int[]> shapes, Fields fields) {
        if (node == null) {
            return null;
        }
        if (node.has(FIRST) || node.has(SOURCE_FIRST)) {
            return readRun(node, path, unit, shapes, fields);
        }
        int[] channels = fields.ints(node, path, "channels", 2, 2, 0, Integer.MAX_VALUE);
        int[] rows = fields.ints(node, path, "rows", 2, 2, 0, Integer.MAX_VALUE);
        int[] cols = fields.ints(node, path, "cols", 2, 2, 0, Integer.MAX_VALUE);
        int[] shape = shapes.get(unit);
        if (fields.failed() || channels.length < 2 || rows.length < 2 || cols.length < 2) {
            return null;
        }
        if (shape == null) {
            fields.problem(INCONSISTENT, path,
                    "'" + unit + "' is not the input, a population or a gate of this configuration");
            return null;
        }
        int[] extents = shape.length == 3 ? shape : new int[] {(int) ConsistencyCheck.size(shape), 1, 1};
        String[] keys = {"channels", "rows", "cols"};
        int[][] ranges = {channels, rows, cols};
        for (int axis = 0; axis < 3; axis++) {
            int[] range = ranges[axis];
            if (range[1] < 1 || (long) range[0] + range[1] > extents[axis]) {
                fields.problem(BAD_FIELD, Fields.at(path, keys[axis]),
                        "[" + range[0] + ", " + range[1] + "] is not a range of "
                        + "at least one of the " + extents[axis] + " " + keys[axis] + " of '" + unit + "'");
                return null;
            }
        }
        return new BoxRuns(unit, extents[1], extents[2], channels[0], channels[1], rows[0], rows[1], cols[0],
                cols[1]);
    }

    /** Version 1's run fields: {@code first} (neurons, gates) or {@code source_first} (axons, routes). */
    static final String FIRST = "first";
    static final String SOURCE_FIRST = "source_first";

    /**
     * A version 1 run [first, first + count) of {@code unit}, as a box of the unit seen flat ([n, 1, 1]): its one run
     * is the run itself, and an element's rank is its offset in it.
     */
    private static BoxRuns readRun(JsonNode node, String path, String unit, Map<String, int[]> shapes,
            Fields fields) {
        String firstKey = node.has(FIRST) ? FIRST : SOURCE_FIRST;
        int first = fields.integer(node, path, firstKey, 0, Integer.MAX_VALUE);
        int count = fields.integer(node, path, "count", 1, Integer.MAX_VALUE);
        int[] shape = shapes.get(unit);
        if (fields.failed()) {
            return null;
        }
        if (shape == null) {
            fields.problem(INCONSISTENT, path,
                    "'" + unit + "' is not the input, a population or a gate of this configuration");
            return null;
        }
        return new BoxRuns(unit, 1, 1, first, count, 0, 1, 0, 1);
    }

    long size() {
        return (long) channels * rows * cols;
    }

    /** How many runs {@link #runs()} cuts the box into: one per channel and row of the box, fewer when rows are whole. */
    long runCount() {
        return rows == height && cols == width ? 1 : cols == width ? channels : (long) channels * rows;
    }

    /** Counts the box's runs against the budget before {@link #runs()} makes them; false when they are over it. */
    boolean spendRuns(String path, Fields fields) {
        return fields.budget().spend(path, runCount(), "its " + runCount() + " runs");
    }

    /** The box as maximal runs of consecutive flat elements, ascending, each with the rank of its first element. */
    List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        int map = height * width;
        if (rows == height && cols == width) {
            runs.add(new Run(channelFirst * map, channels * map, 0));
        } else if (cols == width) {
            for (int c = 0; c < channels; c++) {
                runs.add(new Run((channelFirst + c) * map + rowFirst * width, rows * width, c * rows * width));
            }
        } else {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < rows; y++) {
                    runs.add(new Run((channelFirst + c) * map + (rowFirst + y) * width + colFirst, cols,
                            (c * rows + y) * cols));
                }
            }
        }
        return runs;
    }

    /** The rank of flat element {@code element} in the box's order, or −1 when the box does not hold it. */
    long rank(int element) {
        int c = element / (height * width) - channelFirst;
        int y = element / width % height - rowFirst;
        int x = element % width - colFirst;
        if (c < 0 || c >= channels || y < 0 || y >= rows || x < 0 || x >= cols) {
            return -1;
        }
        return ((long) c * rows + y) * cols + x;
    }

    /** How many of the box's elements follow {@code element} (itself included) in the same row of the box. */
    int restOfRow(int element) {
        return colFirst + cols - element % width;
    }
}
