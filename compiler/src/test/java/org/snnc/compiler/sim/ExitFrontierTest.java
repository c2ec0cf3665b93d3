package org.snnc.compiler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frontier on two images of three steps, worked out by hand.
 *
 * <pre>
 * step                 1    2    3
 * image 0: class       1    0    0     margin 0.5  2    2     ops 10  20  30    label 0
 * image 1: class       0    0    1     margin 3    0.2  3     ops  5  15  25    label 1
 * </pre>
 */
class ExitFrontierTest {

    private static final ExitFrontier.ReadoutTrace TRACE = new ExitFrontier.ReadoutTrace(
            new int[][] {{1, 0}, {0, 0}, {0, 1}},
            new double[][] {{0.5, 2, 2}, {3, 0.2, 3}},
            new double[][] {{10, 20, 30}, {5, 15, 25}});
    private static final int[] LABELS = {0, 1};

    @Test
    void aStreakOfOneStopsEachImageAtItsFirstWideMargin() {
        // Image 0 stops at t = 2 as class 0 (right, 20 ops); image 1 at t = 1 as class 0 (wrong, 5 ops).
        assertEquals(new ExitFrontier.Point(1, 1, 0.5, 12.5, 1.5),
                ExitFrontier.point(TRACE, LABELS, 1, 1, bound -> bound));
    }

    @Test
    void anImageThatNeverSettlesRunsAllItsSteps() {
        // Image 0 stops at t = 3 (30 ops); image 1's margin dips at t = 2, so it runs to T as class 1 (25 ops).
        assertEquals(new ExitFrontier.Point(1, 2, 1.0, 27.5, 3),
                ExitFrontier.point(TRACE, LABELS, 1, 2, bound -> bound));
    }

    @Test
    void boundsAreTurnedIntoTheTracesMarginUnits() {
        // With margins in units of θ = 1/4 threshold, B = 0.5 is a margin of 2: image 0 stops at t = 2, image 1 at 1.
        assertEquals(new ExitFrontier.Point(0.5, 1, 0.5, 12.5, 1.5),
                ExitFrontier.point(TRACE, LABELS, 0.5, 1, bound -> 4 * bound));
    }

    @Test
    void theFrontierTabulatesEveryBoundAndStreak() {
        List<ExitFrontier.Point> frontier = ExitFrontier.of(TRACE, LABELS, bound -> bound);
        assertEquals(ExitFrontier.BOUNDS.size() * ExitFrontier.STREAKS.size(), frontier.size());
        assertEquals(ExitFrontier.point(TRACE, LABELS, 1, 2, bound -> bound), frontier.get(ExitFrontier.STREAKS.size()
                + ExitFrontier.STREAKS.indexOf(2)));
    }

    @Test
    void aRunStoppedForRealGivesItsLastClassesAndOperations() {
        // A run stopped as in aStreakOfOneStops...: frozen classes and operations at T, and the steps it ran.
        ExitFrontier.ReadoutTrace stopped = new ExitFrontier.ReadoutTrace(
                new int[][] {{1, 0}, {0, 0}, {0, 0}},
                new double[][] {{0.5, 2, 2}, {3, 3, 3}},
                new double[][] {{10, 20, 20}, {5, 5, 5}});
        assertEquals(new ExitFrontier.Point(1, 1, 0.5, 12.5, 1.5),
                ExitFrontier.ofRun(stopped, new int[] {2, 1}, 1, 1, LABELS));
    }
}
