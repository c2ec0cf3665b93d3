package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.Function;
import org.snnc.compiler.ir.Shape;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.Population;

/**
 * A regular grid of tiles over a population seen as [C, H, W]: tiles of {@code tileChannels} × {@code tileRows} ×
 * {@code tileCols}, the last ones along each axis cut short by the map's edge.
 *
 * <p><b>Search.</b> For every channel extent t_c ≤ C and row extent t_h ∈ {a_h·k} (a_h the row alignment, capped
 * at H), from the largest down, the widest column extent t_w ∈ {a_w·k} whose grid fits is found by binary search, as
 * a tile's demand only grows with its extents. No tile holds more than the most neurons n a core has, so t_w ≤
 * n/(t_c·t_h), and a pair whose grid has more tiles than the best so far even at that width is skipped. Of the grids
 * that fit, the search keeps the fewest tiles
 * ⌈C/t_c⌉·⌈H/t_h⌉·⌈W/t_w⌉, then the largest full tile (so that what the grid leaves free of its cores gathers on
 * the last tiles, where another layer's tiles can use it), then the fewest input axons (tiles × the largest tile's).
 * The binary search tests a grid by its {@link #representatives()}: every distinct kind of tile up to position,
 * since along a spatial axis the first, an inner and the last tile are the only ones whose halo differs, and along
 * channels the first and the last differ only in size, unless a grouped projection makes each channel tile read its
 * own channels. What a tile sends depends on where its readers' tiles cut, which no kind captures, so a grid is kept
 * only when every one of its tiles fits; else the next narrower one is tried.
 *
 * @param population   the population
 * @param grouped      whether a grouped convolution projects into it (then every channel tile is representative)
 * @param tileChannels the channels of a tile
 * @param tileRows     the rows of a tile
 * @param tileCols     the columns of a tile
 */
record TileGrid(Population population, boolean grouped, int tileChannels, int tileRows, int tileCols) {

    /** Tiles start at rows that are multiples of {@code rows} and columns that are multiples of {@code cols}. */
    record Alignment(int rows, int cols) {
    }

    private record Extents(int channels, int height, int width) {
        static Extents of(Shape shape) {
            return shape.rank() == 3 ? new Extents(shape.dim(0), shape.dim(1), shape.dim(2))
                    : new Extents(shape.size(), 1, 1);
        }
    }

    /**
     * The demands of the tiles of the grid over {@code population} with the fewest tiles that all fit, by
     * {@code fit}: a tile's demand when it fits, or empty.
     */
    static Optional<List<PieceDemand>> search(Population population, Alignment alignment, long maxNeurons,
            Function<Tile, Optional<PieceDemand>> fit) {
        Extents extents = Extents.of(population.shape());
        boolean grouped = grouped(population);
        List<Integer> colExtents = extentsOf(extents.width(), alignment.cols());
        List<PieceDemand> best = null;
        long bestTiles = Long.MAX_VALUE;
        long bestSize = 0;
        long bestAxons = Long.MAX_VALUE;
        for (int channels : descending(extentsOf(extents.channels(), 1))) {
            for (int rows : descending(extentsOf(extents.height(), alignment.rows()))) {
                long widest = Math.min(extents.width(), maxNeurons / ((long) channels * rows));
                int failing = upperIndex(colExtents, widest);
                if (failing == 0) {
                    continue;
                }
                long fewest = (long) ceilDiv(extents.channels(), channels) * ceilDiv(extents.height(), rows)
                        * ceilDiv(extents.width(), colExtents.get(failing - 1));
                if (fewest > bestTiles) {
                    continue;
                }
                int fitting = -1;
                long fittingAxons = 0;
                while (failing - fitting > 1) {
                    int middle = (fitting + failing) >>> 1;
                    OptionalLong axons = new TileGrid(population, grouped, channels, rows, colExtents.get(middle))
                            .representativeAxons(fit);
                    if (axons.isPresent()) {
                        fitting = middle;
                        fittingAxons = axons.getAsLong();
                    } else {
                        failing = middle;
                    }
                }
                // Narrower grids have more tiles or smaller ones, so the first that cannot beat the best ends the walk.
                for (; fitting >= 0; fitting--) {
                    TileGrid grid = new TileGrid(population, grouped, channels, rows, colExtents.get(fitting));
                    long tiles = grid.count();
                    long size = grid.tileSize();
                    long axons = tiles * fittingAxons;
                    if (!(tiles < bestTiles || tiles == bestTiles && (size > bestSize || size == bestSize
                            && axons < bestAxons))) {
                        break;
                    }
                    Optional<List<PieceDemand>> demands = grid.demands(fit);
                    if (demands.isPresent()) {
                        best = demands.get();
                        bestTiles = tiles;
                        bestSize = size;
                        bestAxons = axons;
                        break;
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The grid of the smallest aligned tiles: one channel, one row and one column alignment step. */
    static TileGrid smallest(Population population, Alignment alignment) {
        Extents extents = Extents.of(population.shape());
        return new TileGrid(population, grouped(population), 1, Math.min(alignment.rows(), extents.height()),
                Math.min(alignment.cols(), extents.width()));
    }

    private static boolean grouped(Population population) {
        return population.projections().stream()
                .anyMatch(projection -> projection.synapse() instanceof ConvSynapse conv && conv.groups() > 1);
    }

    /** The largest input axons of the representatives, when all of them fit. */
    private OptionalLong representativeAxons(Function<Tile, Optional<PieceDemand>> fit) {
        long axons = 0;
        for (Tile tile : representatives()) {
            Optional<PieceDemand> demand = fit.apply(tile);
            if (demand.isEmpty()) {
                return OptionalLong.empty();
            }
            axons = Math.max(axons, demand.get().inputAxons());
        }
        return OptionalLong.of(axons);
    }

    /** The demand of every tile, by ascending first element, when all of them fit. */
    private Optional<List<PieceDemand>> demands(Function<Tile, Optional<PieceDemand>> fit) {
        List<PieceDemand> demands = new ArrayList<>();
        for (Tile tile : tiles()) {
            Optional<PieceDemand> demand = fit.apply(tile);
            if (demand.isEmpty()) {
                return Optional.empty();
            }
            demands.add(demand.get());
        }
        return Optional.of(demands);
    }

    /** The neurons of a full tile. */
    long tileSize() {
        return (long) tileChannels * tileRows * tileCols;
    }

    /** The number of tiles. */
    long count() {
        Extents extents = Extents.of(population.shape());
        return (long) ceilDiv(extents.channels(), tileChannels) * ceilDiv(extents.height(), tileRows)
                * ceilDiv(extents.width(), tileCols);
    }

    /** Every tile, by ascending first element: channel tiles, then row tiles, then column tiles. */
    List<Tile> tiles() {
        Extents extents = Extents.of(population.shape());
        return tiles(starts(extents.channels(), tileChannels), starts(extents.height(), tileRows),
                starts(extents.width(), tileCols));
    }

    /** One tile of every kind whose demand may differ (see the class comment). */
    List<Tile> representatives() {
        Extents extents = Extents.of(population.shape());
        List<Integer> channelStarts = starts(extents.channels(), tileChannels);
        return tiles(grouped ? channelStarts : kinds(channelStarts, false), kinds(starts(extents.height(), tileRows),
                true), kinds(starts(extents.width(), tileCols), true));
    }

    private List<Tile> tiles(List<Integer> channelStarts, List<Integer> rowStarts, List<Integer> colStarts) {
        Extents extents = Extents.of(population.shape());
        List<Tile> tiles = new ArrayList<>();
        for (int channel : channelStarts) {
            for (int row : rowStarts) {
                for (int col : colStarts) {
                    tiles.add(new Tile(population.name(), extents.height(), extents.width(), channel,
                            Math.min(tileChannels, extents.channels() - channel), row,
                            Math.min(tileRows, extents.height() - row), col,
                            Math.min(tileCols, extents.width() - col)));
                }
            }
        }
        return tiles;
    }

    /** The first, the second (an inner one, when {@code inner}) and the last of {@code starts}, without repeats. */
    private static List<Integer> kinds(List<Integer> starts, boolean inner) {
        TreeSet<Integer> kinds = new TreeSet<>();
        kinds.add(starts.get(0));
        if (inner && starts.size() > 1) {
            kinds.add(starts.get(1));
        }
        kinds.add(starts.get(starts.size() - 1));
        return List.copyOf(kinds);
    }

    private static List<Integer> starts(int extent, int tile) {
        List<Integer> starts = new ArrayList<>();
        for (int start = 0; start < extent; start += tile) {
            starts.add(start);
        }
        return starts;
    }

    /** The extents a·k for k ≥ 1, capped at n, ascending. */
    static List<Integer> extentsOf(int extent, int alignment) {
        List<Integer> extents = new ArrayList<>();
        for (int k = 1; alignment * (k - 1) < extent; k++) {
            extents.add(Math.min(extent, alignment * k));
        }
        return extents;
    }

    /** The number of extents in {@code ascending} that are at most {@code limit}. */
    private static int upperIndex(List<Integer> ascending, long limit) {
        int count = 0;
        while (count < ascending.size() && ascending.get(count) <= limit) {
            count++;
        }
        return count;
    }

    private static List<Integer> descending(List<Integer> ascending) {
        List<Integer> descending = new ArrayList<>(ascending);
        Collections.reverse(descending);
        return descending;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
