package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Shape;

/** Box differences, by hand and against the sets of elements the boxes hold. */
class TileTest {

    private static final int CHANNELS = 4;
    private static final int HEIGHT = 6;
    private static final int WIDTH = 5;

    /** A 2×4 box less its middle 2×2 leaves a column on either side. */
    @Test
    void aBoxLessItsMiddleLeavesItsTwoSides() {
        Tile box = new Tile("a", 8, 8, 0, 1, 2, 2, 0, 4);
        Tile middle = new Tile("a", 8, 8, 0, 1, 0, 8, 1, 2);
        assertEquals(List.of(new Tile("a", 8, 8, 0, 1, 2, 2, 0, 1), new Tile("a", 8, 8, 0, 1, 2, 2, 3, 1)),
                box.minus(middle));
        assertEquals(List.of(box), box.minus(new Tile("a", 8, 8, 1, 1, 2, 2, 0, 4)));
        assertEquals(List.of(), middle.minus(Tile.whole("a", Shape.of(1, 8, 8))));
    }

    /** The disjoint boxes of overlapping tiles hold each element of their union exactly once. */
    @Property(tries = 300)
    void disjointBoxesCoverTheUnionOnce(@ForAll long seed) {
        Random random = new Random(seed);
        List<Tile> tiles = new ArrayList<>();
        BitSet union = new BitSet();
        for (int t = 0; t < 1 + random.nextInt(4); t++) {
            Tile tile = randomTile(random);
            tiles.add(tile);
            union.or(elements(tile));
        }
        BitSet covered = new BitSet();
        for (Tile box : Tile.disjoint(tiles)) {
            BitSet held = elements(box);
            assertFalse(covered.intersects(held), () -> box + " overlaps an earlier box of " + tiles);
            covered.or(held);
        }
        assertEquals(union, covered);
    }

    private static Tile randomTile(Random random) {
        int c = random.nextInt(CHANNELS);
        int y = random.nextInt(HEIGHT);
        int x = random.nextInt(WIDTH);
        return new Tile("a", HEIGHT, WIDTH, c, 1 + random.nextInt(CHANNELS - c), y, 1 + random.nextInt(HEIGHT - y),
                x, 1 + random.nextInt(WIDTH - x));
    }

    private static BitSet elements(Tile tile) {
        BitSet set = new BitSet();
        for (Piece run : tile.runs()) {
            set.set(run.first(), run.first() + run.count());
        }
        return set;
    }
}
