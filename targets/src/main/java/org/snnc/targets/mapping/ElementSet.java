package org.snnc.targets.mapping;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * An immutable set of a source's elements (or of input-axon keys) as its maximal runs of consecutive members,
 * ascending: [first_0, end_0), [first_1, end_1), … with end_i &lt; first_{i+1}. A tile's receptive field is a few runs
 * per channel and row of its source, where a {@link BitSet} takes a bit for every element of the source up to the
 * last it holds: a 64×224×224 source is 3.2 M bits for each of its thousands of reader tiles.
 *
 * <p>A set may know its size before its runs ({@link #lazy}): the partitioner weighs many more tiles than it keeps,
 * and needs only the sizes of their receptive fields; the runs are made when first asked for, once.
 */
public final class ElementSet {

    /** The empty set. */
    public static final ElementSet EMPTY = new ElementSet(new int[0], 0);

    /** first_i at 2i and end_i at 2i + 1; null until {@link #runs} makes them. */
    private int[] bounds;
    /** What makes the set's runs, until they are made. */
    private Supplier<ElementSet> runs;
    private final long size;

    private ElementSet(int[] bounds, long size) {
        this.bounds = bounds;
        this.size = size;
    }

    /** The set of {@code size} members that {@code runs} makes when its runs are first asked for. */
    static ElementSet lazy(long size, Supplier<ElementSet> runs) {
        ElementSet set = new ElementSet(null, size);
        set.runs = runs;
        return set;
    }

    /** The runs as first, end, first, end, …, made now if they were not yet. */
    private int[] bounds() {
        if (bounds == null) {
            bounds = runs.get().bounds();
            runs = null;
        }
        return bounds;
    }

    /** The members of {@code bits}. */
    public static ElementSet of(BitSet bits) {
        Builder builder = new Builder();
        for (int first = bits.nextSetBit(0); first >= 0; first = bits.nextSetBit(first)) {
            int end = bits.nextClearBit(first);
            builder.add(first, end);
            first = end;
        }
        return builder.build();
    }

    /** The union of {@code sets}. */
    static ElementSet union(Collection<ElementSet> sets) {
        if (sets.size() == 1) {
            return sets.iterator().next();
        }
        Builder builder = new Builder();
        for (ElementSet set : sets) {
            for (int run = 0; run < set.runs(); run++) {
                builder.add(set.first(run), set.end(run));
            }
        }
        return builder.build();
    }

    /** The members of {@code runs}, which may overlap and come in any order. */
    static ElementSet ofRuns(Collection<Piece> runs) {
        Builder builder = new Builder();
        runs.forEach(run -> builder.add(run.first(), run.end()));
        return builder.build();
    }

    /** The members not in {@code other}: each run with {@code other}'s runs that meet it cut out. */
    ElementSet minus(ElementSet other) {
        Builder builder = new Builder();
        int next = 0;
        for (int run = 0; run < runs(); run++) {
            int from = first(run);
            while (next < other.runs() && other.end(next) <= from) {
                next++;
            }
            for (int cut = next; cut < other.runs() && other.first(cut) < end(run); cut++) {
                builder.add(from, other.first(cut));
                from = Math.max(from, other.end(cut));
            }
            builder.add(from, end(run));
        }
        return builder.build();
    }

    /** The number of members. */
    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The number of runs. */
    public int runs() {
        return bounds().length / 2;
    }

    /** The first member of run {@code run}. */
    public int first(int run) {
        return bounds()[2 * run];
    }

    /** One past the last member of run {@code run}. */
    public int end(int run) {
        return bounds()[2 * run + 1];
    }

    /** Gives {@code action} every member, ascending. */
    public void forEach(IntConsumer action) {
        for (int run = 0; run < runs(); run++) {
            for (int e = first(run); e < end(run); e++) {
                action.accept(e);
            }
        }
    }

    /** The number of members in [{@code first}, {@code end}). */
    public long count(int first, int end) {
        long count = 0;
        for (int run = firstRunEndingAfter(first); run < runs() && first(run) < end; run++) {
            count += Math.min(end, end(run)) - Math.max(first, first(run));
        }
        return count;
    }

    /** The index of the first run whose end is beyond {@code element}, or {@link #runs()}. */
    private int firstRunEndingAfter(int element) {
        int low = 0;
        int high = runs();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (end(middle) <= element) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The members as a bit set. */
    public BitSet toBitSet() {
        BitSet bits = new BitSet();
        for (int run = 0; run < runs(); run++) {
            bits.set(first(run), end(run));
        }
        return bits;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ElementSet set && Arrays.equals(bounds(), set.bounds());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds());
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int run = 0; run < runs(); run++) {
            text.append(run == 0 ? "" : ", ").append(first(run)).append("..").append(end(run) - 1);
        }
        return text.append('}').toString();
    }

    /** Collects runs in any order, overlapping or not; the set is their union. */
    static final class Builder {

        /** The runs as first·2^32 + end, so that sorting the longs sorts the runs by their first element. */
        private long[] runs = new long[16];
        private int count;
        private boolean ascending = true;

        /** Adds [{@code first}, {@code end}), nothing when it is empty. */
        Builder add(int first, int end) {
            if (first >= end) {
                return this;
            }
            if (count == runs.length) {
                runs = Arrays.copyOf(runs, 2 * count);
            }
            long run = (long) first << 32 | end;
            ascending &= count == 0 || runs[count - 1] <= run;
            runs[count++] = run;
            return this;
        }

        /** The union of the runs added: sorted by first element, then those that touch or overlap merged. */
        ElementSet build() {
            if (count == 0) {
                return EMPTY;
            }
            if (!ascending) {
                Arrays.sort(runs, 0, count);
            }
            int[] bounds = new int[2 * count];
            int length = 0;
            long size = 0;
            for (int r = 0; r < count; r++) {
                int first = (int) (runs[r] >>> 32);
                int end = (int) runs[r];
                if (length > 0 && first <= bounds[length - 1]) {
                    if (end > bounds[length - 1]) {
                        size += end - bounds[length - 1];
                        bounds[length - 1] = end;
                    }
                } else {
                    bounds[length++] = first;
                    bounds[length++] = end;
                    size += end - first;
                }
            }
            return new ElementSet(Arrays.copyOf(bounds, length), size);
        }
    }
}
