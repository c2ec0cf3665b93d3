package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Covers a set of a unit's elements, given as runs of consecutive flat elements, with disjoint boxes ({@link Tile}s)
 * whose union is exactly the set.
 *
 * <p>The runs are cut into row segments (c, y, [x0, x1)). Within a channel, a segment extends the rectangle of the
 * same columns that ends on the row above; across channels, a rectangle extends the box of the same rows and columns
 * that ends on the channel before. So a tile's runs give back the tile, and a union of tiles a few boxes. The boxes
 * come by ascending first element.
 */
public final class BoxCover {

    private BoxCover() {
    }

    /** Disjoint boxes of {@code unit} ([C, H, W], or [n, 1, 1] when flat) covering exactly {@code runs}. */
    public static List<Tile> of(String unit, int height, int width, List<Piece> runs) {
        int map = height * width;
        // channel → rectangles (y0, y1, x0, x1) of that channel, keyed by columns while rows extend them
        Map<Integer, List<int[]>> rectanglesByChannel = new HashMap<>();
        Map<Long, int[]> openByColumns = new HashMap<>();
        int channelOfOpen = -1;
        for (Piece run : runs) {
            for (int e = run.first(); e < run.end(); ) {
                int channel = e / map;
                int row = e / width % height;
                int col = e % width;
                int end = Math.min(run.end(), e - col + width);
                if (channel != channelOfOpen) {
                    openByColumns.clear();
                    channelOfOpen = channel;
                }
                long columns = (long) col << 32 | (end - e + col);
                int[] open = openByColumns.get(columns);
                if (open != null && open[1] == row) {
                    open[1] = row + 1;
                } else {
                    int[] rectangle = {row, row + 1, col, end - e + col};
                    openByColumns.put(columns, rectangle);
                    rectanglesByChannel.computeIfAbsent(channel, c -> new ArrayList<>()).add(rectangle);
                }
                e = end;
            }
        }
        List<int[]> boxes = new ArrayList<>();
        Map<List<Integer>, int[]> openByRectangle = new HashMap<>();
        rectanglesByChannel.keySet().stream().sorted().forEach(channel -> {
            for (int[] rectangle : rectanglesByChannel.get(channel)) {
                List<Integer> key = List.of(rectangle[0], rectangle[1], rectangle[2], rectangle[3]);
                int[] box = openByRectangle.get(key);
                if (box != null && box[1] == channel) {
                    box[1] = channel + 1;
                } else {
                    box = new int[] {channel, channel + 1, rectangle[0], rectangle[1], rectangle[2], rectangle[3]};
                    openByRectangle.put(key, box);
                    boxes.add(box);
                }
            }
        });
        return boxes.stream()
                .sorted(Comparator.comparingLong(box -> ((long) box[0] * height + box[2]) * width + box[4]))
                .map(box -> new Tile(unit, height, width, box[0], box[1] - box[0], box[2], box[3] - box[2], box[4],
                        box[5] - box[4]))
                .toList();
    }
}
