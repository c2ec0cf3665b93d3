package org.snnc.targets.mapping;

import java.util.Arrays;

/**
 * The cores' free room in a few resources, for finding the lowest-numbered core at or after a given one whose room
 * is at least a demand in every resource, without testing the cores before it one by one.
 *
 * <p>A max segment tree per resource: node k holds, for each resource r, the largest free_r of the cores below it.
 * A subtree whose largest free_r is below the demand of some r holds no core with room, so a search skips it; a leaf
 * is a core, whose room is exact. The search visits the subtrees on the way to the answer and those it skips, so it
 * costs O(log n) node visits when the maxima of a subtree come from one core, and never more than a scan. An update
 * costs O(log n); a core beyond the leaves doubles them until it has one, which costs O(n) now and then.
 */
final class RoomIndex {

    private final int resources;
    private int leaves;
    /** free[r][k]: the largest free room in resource r below node k (leaves start at {@link #leaves}). */
    private long[][] free;

    /** An index of {@code cores} cores with no room in any of {@code resources} resources until {@link #set}. */
    RoomIndex(int cores, int resources) {
        this.resources = resources;
        this.leaves = Integer.highestOneBit(Math.max(1, cores - 1)) << 1;
        this.free = new long[resources][2 * leaves];
        for (long[] tree : free) {
            Arrays.fill(tree, Long.MIN_VALUE);
        }
    }

    /** Sets {@code core}'s free room in each resource; a core the index has no leaf for yet gets one. */
    void set(int core, long[] room) {
        while (core >= leaves) {
            grow();
        }
        for (int r = 0; r < resources; r++) {
            long[] tree = free[r];
            int node = leaves + core;
            tree[node] = room[r];
            for (node >>= 1; node > 0; node >>= 1) {
                tree[node] = Math.max(tree[2 * node], tree[2 * node + 1]);
            }
        }
    }

    /** Twice the leaves: the old ones on the left, none with room on the right, the maxima above made again. */
    private void grow() {
        int grown = 2 * leaves;
        for (int r = 0; r < resources; r++) {
            long[] tree = new long[2 * grown];
            Arrays.fill(tree, Long.MIN_VALUE);
            System.arraycopy(free[r], leaves, tree, grown, leaves);
            for (int node = grown - 1; node > 0; node--) {
                tree[node] = Math.max(tree[2 * node], tree[2 * node + 1]);
            }
            free[r] = tree;
        }
        leaves = grown;
    }

    /** The lowest core at or after {@code from} whose free room is at least {@code demand} in every resource, or -1. */
    int next(int from, long[] demand) {
        return from >= leaves ? -1 : next(1, 0, leaves, from, demand);
    }

    private int next(int node, int first, int end, int from, long[] demand) {
        if (end <= from || !mayHold(node, demand)) {
            return -1;
        }
        if (end - first == 1) {
            return first;
        }
        int middle = (first + end) >>> 1;
        int left = next(2 * node, first, middle, from, demand);
        return left >= 0 ? left : next(2 * node + 1, middle, end, from, demand);
    }

    private boolean mayHold(int node, long[] demand) {
        for (int r = 0; r < resources; r++) {
            if (free[r][node] < demand[r]) {
                return false;
            }
        }
        return true;
    }
}
