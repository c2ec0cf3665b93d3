package org.snnc.cli;

import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * The K-th of N contiguous slices of a run's images, {@code --shard K/N} with K counted from 1: of M images, shard K
 * holds the images ⌊(K − 1)·M/N⌋ … ⌊K·M/N⌋ − 1 (from 0), so the N shards hold every image once, in order, and their
 * sizes differ by at most one.
 *
 * @param index K, 1 … N
 * @param count N ≥ 1
 */
record Shard(int index, int count) {

    /** All images: the one shard of one. */
    static final Shard WHOLE = new Shard(1, 1);

    /** The images [first, end) of a data set. */
    record Range(int first, int end) {
    }

    /**
     * The shard {@code text} names, {@code K/N}.
     *
     * @throws CompilationException {@link DiagnosticCode#SHARD_INVALID} unless it is two integers with 1 ≤ K ≤ N
     */
    static Shard parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length != 2 || !parts[0].matches("\\d{1,9}") || !parts[1].matches("\\d{1,9}")) {
            throw invalid(text, "expected K/N, two integers such as 3/8");
        }
        int index = Integer.parseInt(parts[0]);
        int count = Integer.parseInt(parts[1]);
        if (count < 1 || index < 1 || index > count) {
            throw invalid(text, "K counts from 1 to N, the number of shards, which is at least 1");
        }
        return new Shard(index, count);
    }

    /**
     * This shard's images of {@code images}.
     *
     * @throws CompilationException {@link DiagnosticCode#SHARD_INVALID} if there are fewer images than shards, so
     *     that some shard would hold none
     */
    Range range(int images) {
        if (count > images) {
            throw invalid(index + "/" + count, count + " shards of " + images + " images leave some shard without an "
                    + "image; use at most " + images + " shards");
        }
        return new Range((int) ((long) (index - 1) * images / count), (int) ((long) index * images / count));
    }

    private static CompilationException invalid(String text, String why) {
        return CompilationException.of(DiagnosticCode.SHARD_INVALID, SourceSpan.ofFile("--shard"), text, why);
    }
}
