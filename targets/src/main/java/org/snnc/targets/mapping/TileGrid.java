package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
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
 * n/(t_c·t_h). Of the grids that fit, the search keeps the one that costs the fewest cores: its tiles
 * T = ⌈C/t_c⌉·⌈H/t_h⌉·⌈W/t_w⌉ plus T times the sender cores of its largest tile, the output axons its senders spend on
 * the elements it reads (one per element and reader core) over a core's output axons, rounded up. A tile's core is
 * one more destination of every element it reads, so cutting a layer into channel groups sends each source element
 * to every group, and the senders may need more cores for their output axons than for their neurons; spatial tiles
 * read only their receptive field. On a tie, the largest full tile wins (so that what the grid leaves free of its cores gathers
 * on the last tiles, where another layer's tiles can use it), then the fewest input axons (tiles × the largest
 * tile's). A pair whose grid has more tiles than the best cost even at its widest is skipped.
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
     * The demands of the tiles of the grid over {@code population} that all fit, by {@code fit} (a tile's demand when
     * it fits, or empty), and cost the fewest cores: its tiles plus {@code senderCores} of each tile (the cores its
     * senders spend on what it reads, see the class comment).
     */
    static Optional<List<PieceDemand>> search(Population population, Alignment alignment, long maxNeurons,
            Function<Tile, Optional<PieceDemand>> fit, ToDoubleFunction<PieceDemand> senderCores) {
        Extents extents = Extents.of(population.shape());
        boolean grouped = grouped(population);
        List<Integer> colExtents = extentsOf(extents.width(), alignment.cols());
        List<PieceDemand> best = null;
        Cost bestCost = null;
        for (int channels : descending(extentsOf(extents.channels(), 1))) {
            for (int rows : descending(extentsOf(extents.height(), alignment.rows()))) {
                long widest = Math.min(extents.width(), maxNeurons / ((long) channels * rows));
                int failing = upperIndex(colExtents, widest);
                if (failing == 0) {
                    continue;
                }
                long fewest = (long) ceilDiv(extents.channels(), channels) * ceilDiv(extents.height(), rows)
                        * ceilDiv(extents.width(), colExtents.get(failing - 1));
                if (bestCost != null && fewest > bestCost.cores()) {
                    continue;
                }
                int fitting = -1;
                Optional<Cost> fittingCost = Optional.empty();
                while (failing - fitting > 1) {
                    int middle = (fitting + failing) >>> 1;
                    Optional<Cost> cost = new TileGrid(population, grouped, channels, rows, colExtents.get(middle))
                            .representativeCost(fit, senderCores);
                    if (cost.isPresent()) {
                        fitting = middle;
                        fittingCost = cost;
                    } else {
                        failing = middle;
                    }
                }
                // The widest grid whose every tile fits, of those whose representatives do, is this pair's candidate.
                for (; fitting >= 0; fitting--) {
                    TileGrid grid = new TileGrid(population, grouped, channels, rows, colExtents.get(fitting));
                    if (bestCost != null && grid.count() > bestCost.cores()) {
                        break;
                    }
                    Optional<Cost> cost = (fittingCost.isPresent() ? fittingCost
                            : grid.representativeCost(fit, senderCores)).map(grid::total);
                    fittingCost = Optional.empty();
                    if (cost.isEmpty() || bestCost != null && !cost.get().beats(bestCost)) {
                        break;
                    }
                    Optional<List<PieceDemand>> demands = grid.demands(fit);
                    if (demands.isPresent()) {
                        best = demands.get();
                        bestCost = cost.get();
                        break;
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * What a grid costs: its tiles and the sender cores they cost, the neurons of its full tile and its input axons;
     * representatives give the largest tile's figures, which {@link #total} multiplies by the tiles.
     */
    private record Cost(double cores, long tileSize, long axons) {

        /** Fewer cores; as many, a larger full tile; as large, fewer axons. */
        boolean beats(Cost best) {
            return cores < best.cores || cores == best.cores && (tileSize > best.tileSize
                    || tileSize == best.tileSize && axons < best.axons);
        }
    }

    /**
     * The grid's cost from its largest tile's: tiles + ⌈tiles·sender cores⌉ (whole cores, so that a few more elements
     * read do not outweigh a fuller tile) and tiles·axons.
     */
    private Cost total(Cost largest) {
        long tiles = count();
        return new Cost(tiles + Math.ceil(tiles * largest.cores()), tileSize(), tiles * largest.axons());
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

    /** The largest sender cores and input axons of the representatives, when all of them fit. */
    private Optional<Cost> representativeCost(Function<Tile, Optional<PieceDemand>> fit,
            ToDoubleFunction<PieceDemand> senderCores) {
        double cores = 0;
        long axons = 0;
        for (Tile tile : representatives()) {
            Optional<PieceDemand> demand = fit.apply(tile);
            if (demand.isEmpty()) {
                return Optional.empty();
            }
            cores = Math.max(cores, senderCores.applyAsDouble(demand.get()));
            axons = Math.max(axons, demand.get().inputAxons());
        }
        return Optional.of(new Cost(cores, tileSize(), axons));
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
