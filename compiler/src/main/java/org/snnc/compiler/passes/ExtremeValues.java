package org.snnc.compiler.passes;

import java.util.Arrays;

/**
 * The k largest (or k smallest) values of a stream of doubles, and how many values the stream held: enough to give
 * numpy's linear percentile ({@link Normalize#percentile}) of the whole stream exactly, without keeping it, when the
 * percentile's ranks fall among the kept values. Normalize's p = 99.9 over a layer's activations needs only the top
 * 0.1 %, and a 0.1th percentile the bottom 0.1 %.
 *
 * <p>Values are ordered as {@link Double#compare} orders them, as {@link Arrays#sort(double[])} does. The kept
 * values are a multiset that depends only on the multiset of values offered, never on their order, so streams split
 * over threads and {@linkplain #merge merged} in any order give the same percentile. Not thread-safe: one instance
 * per worker, merged at the end.
 */
public final class ExtremeValues {

    private final int capacity;
    private final boolean largest;
    private double[] buffer;
    private int size;
    private long count;
    /** Once the buffer has been trimmed, the k-th extreme value kept: a value not beyond it is dropped. */
    private boolean bounded;
    private double bound;

    private ExtremeValues(int capacity, boolean largest) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.largest = largest;
        this.buffer = new double[(int) Math.min(2L * capacity, 1024)];
    }

    /**
     * Keeps enough of the largest values of a stream of at most {@code maxCount} values for its {@code percentile}th
     * percentile, whatever the number n ≤ maxCount of values offered: that percentile reads sorted[⌊r⌋] and
     * sorted[⌊r⌋+1] with r = (n−1)·p/100, the (n−⌊r⌋)-th largest and the one above, and
     * n − ⌊r⌋ &lt; (n−1)(1 − p/100) + 2 ≤ (maxCount−1)(1 − p/100) + 2; two more cover the rounding of r.
     */
    public static ExtremeValues forUpperPercentile(long maxCount, double percentile) {
        return new ExtremeValues(capacity(maxCount, 1 - percentile / 100), true);
    }

    /** As {@link #forUpperPercentile}, keeping the smallest values, for a low percentile. */
    public static ExtremeValues forLowerPercentile(long maxCount, double percentile) {
        return new ExtremeValues(capacity(maxCount, percentile / 100), false);
    }

    private static int capacity(long maxCount, double fraction) {
        double needed = Math.floor(Math.max(maxCount - 1, 0) * fraction) + 4;
        return (int) Math.min(Math.max(maxCount, 1), Math.min(needed, Integer.MAX_VALUE - 16));
    }

    /** Offers one value of the stream. */
    public void add(double value) {
        count++;
        if (bounded && (largest ? Double.compare(value, bound) <= 0 : Double.compare(value, bound) >= 0)) {
            return;
        }
        if (size == buffer.length) {
            long most = Math.min(2L * capacity, Integer.MAX_VALUE - 16);
            if (buffer.length < most) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(most, 2L * buffer.length));
            } else {
                trim();
            }
        }
        buffer[size++] = value;
    }

    /** Offers every value of {@code other}'s stream that it kept, and counts all of its stream. */
    public void merge(ExtremeValues other) {
        if (other.capacity != capacity || other.largest != largest) {
            throw new IllegalArgumentException("merging extreme values of different kinds");
        }
        long before = count;
        for (int k = 0; k < other.size; k++) {
            add(other.buffer[k]);
        }
        count = before + other.count;
    }

    /** The number of values offered. */
    public long count() {
        return count;
    }

    /**
     * numpy's linear percentile of every value offered, as {@link Normalize#percentile} computes it on them sorted.
     *
     * @throws IllegalStateException if the stream was empty, or the ranks the percentile reads were not kept (the
     *                               stream was longer than the maximum count it was made for)
     */
    public double percentile(double percentile) {
        if (count == 0) {
            throw new IllegalStateException("no values");
        }
        trim();
        // sorted[i] of the whole stream, for the i the kept values cover.
        long offset = largest ? count - size : 0;
        return Normalize.percentile(count, percentile, i -> {
            long at = i - offset;
            if (at < 0 || at >= size) {
                throw new IllegalStateException("rank " + i + " of " + count + " values was not kept (" + size
                        + " were, of a capacity of " + capacity + ")");
            }
            return buffer[(int) at];
        });
    }

    /** Sorts the buffer and keeps its {@code capacity} most extreme values, in ascending order. */
    private void trim() {
        Arrays.sort(buffer, 0, size);
        if (size > capacity) {
            if (largest) {
                System.arraycopy(buffer, size - capacity, buffer, 0, capacity);
            }
            size = capacity;
            bounded = true;
            bound = largest ? buffer[0] : buffer[size - 1];
        }
    }
}
