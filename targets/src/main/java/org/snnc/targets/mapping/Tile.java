package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.List;
import org.snnc.compiler.ir.Shape;

/**
 * A box of one unit's elements: channels [channelFirst, channelFirst + channels) × rows [rowFirst, rowFirst + rows) ×
 * columns [colFirst, colFirst + cols) of the unit seen as [C, H, W]. A flat unit of n elements is [n, 1, 1], so its
 * tiles are ranges of units. Element (c, y, x) is flat element (c·H + y)·W + x, as everywhere else.
 *
 * @param unit         the population's or gate's name
 * @param height       H of the unit
 * @param width        W of the unit
 * @param channelFirst the first channel
 * @param channels     how many channels
 * @param rowFirst     the first row
 * @param rows         how many rows
 * @param colFirst     the first column
 * @param cols         how many columns
 */
public record Tile(String unit, int height, int width, int channelFirst, int channels, int rowFirst, int rows,
        int colFirst, int cols) {

    public Tile {
        if (channels < 1 || rows < 1 || cols < 1 || channelFirst < 0 || rowFirst < 0 || colFirst < 0
                || rowFirst + rows > height || colFirst + cols > width) {
            throw new IllegalArgumentException("empty tile or tile outside a " + height + "x" + width + " map: "
                    + channelFirst + "+" + channels + " x " + rowFirst + "+" + rows + " x " + colFirst + "+" + cols);
        }
    }

    /** The whole of a unit of {@code shape} ([C, H, W], or flat). */
    public static Tile whole(String unit, Shape shape) {
        return shape.rank() == 3 ? new Tile(unit, shape.dim(1), shape.dim(2), 0, shape.dim(0), 0, shape.dim(1), 0,
                shape.dim(2)) : new Tile(unit, 1, 1, 0, shape.size(), 0, 1, 0, 1);
    }

    /** The number of elements. */
    public int size() {
        return channels * rows * cols;
    }

    public int channelEnd() {
        return channelFirst + channels;
    }

    public int rowEnd() {
        return rowFirst + rows;
    }

    public int colEnd() {
        return colFirst + cols;
    }

    /**
     * The tile as maximal runs of consecutive flat elements, ascending: one run when it spans whole maps, one per
     * channel when it spans whole rows, else one per channel and row.
     */
    public List<Piece> runs() {
        List<Piece> runs = new ArrayList<>();
        int map = height * width;
        if (rows == height && cols == width) {
            runs.add(new Piece(unit, channelFirst * map, channels * map));
        } else if (cols == width) {
            for (int c = channelFirst; c < channelEnd(); c++) {
                runs.add(new Piece(unit, c * map + rowFirst * width, rows * width));
            }
        } else {
            for (int c = channelFirst; c < channelEnd(); c++) {
                for (int y = rowFirst; y < rowEnd(); y++) {
                    runs.add(new Piece(unit, c * map + y * width + colFirst, cols));
                }
            }
        }
        return runs;
    }

    @Override
    public String toString() {
        return unit + "[" + channelFirst + ":" + channelEnd() + ", " + rowFirst + ":" + rowEnd() + ", " + colFirst
                + ":" + colEnd() + "]";
    }
}
