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
     * This box less {@code other}, as disjoint boxes: the channels below and above {@code other}'s, then within its
     * channels the rows above and below, then within its rows the columns left and right. Empty when {@code other}
     * covers this box; this box itself when they do not meet.
     */
    public List<Tile> minus(Tile other) {
        int c0 = Math.max(channelFirst, other.channelFirst);
        int c1 = Math.min(channelEnd(), other.channelEnd());
        int r0 = Math.max(rowFirst, other.rowFirst);
        int r1 = Math.min(rowEnd(), other.rowEnd());
        int x0 = Math.max(colFirst, other.colFirst);
        int x1 = Math.min(colEnd(), other.colEnd());
        if (c0 >= c1 || r0 >= r1 || x0 >= x1) {
            return List.of(this);
        }
        List<Tile> rest = new ArrayList<>();
        addIfNonEmpty(rest, channelFirst, c0, rowFirst, rowEnd(), colFirst, colEnd());
        addIfNonEmpty(rest, c1, channelEnd(), rowFirst, rowEnd(), colFirst, colEnd());
        addIfNonEmpty(rest, c0, c1, rowFirst, r0, colFirst, colEnd());
        addIfNonEmpty(rest, c0, c1, r1, rowEnd(), colFirst, colEnd());
        addIfNonEmpty(rest, c0, c1, r0, r1, colFirst, x0);
        addIfNonEmpty(rest, c0, c1, r0, r1, x1, colEnd());
        return rest;
    }

    /** Disjoint boxes covering the union of {@code tiles} of one unit: each tile less all the tiles before it. */
    public static List<Tile> disjoint(List<Tile> tiles) {
        List<Tile> covered = new ArrayList<>();
        for (Tile tile : tiles) {
            List<Tile> fresh = List.of(tile);
            for (Tile earlier : covered) {
                fresh = fresh.stream().flatMap(part -> part.minus(earlier).stream()).toList();
            }
            covered.addAll(fresh);
        }
        return covered;
    }

    private void addIfNonEmpty(List<Tile> boxes, int c0, int c1, int r0, int r1, int x0, int x1) {
        if (c0 < c1 && r0 < r1 && x0 < x1) {
            boxes.add(new Tile(unit, height, width, c0, c1 - c0, r0, r1 - r0, x0, x1 - x0));
        }
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
