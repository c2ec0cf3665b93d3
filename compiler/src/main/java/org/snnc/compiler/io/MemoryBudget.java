package org.snnc.compiler.io;

import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Checks a size that input declares (array shapes, steps × images, file sizes) against the heap before anything is
 * allocated for it, so that a hostile or mistaken size is a diagnostic, not an {@link OutOfMemoryError}.
 *
 * <p>The heap's free bytes are max − (total − free) of {@link Runtime}: what the JVM may still grow into plus what
 * it holds unused. Garbage not yet collected counts as used, so the check errs on the side of refusing. Sizes are
 * multiplied with {@link #product}, which saturates at {@link Long#MAX_VALUE} instead of overflowing, so that a
 * product of hostile factors can never wrap round to a small number that passes.
 */
public final class MemoryBudget {

    /** The largest Java array the JVM allocates, in elements; also the largest byte array snnc reads. */
    public static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private MemoryBudget() {
    }

    /** The bytes the heap can still give. */
    public static long free() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    /** The product of non-negative factors, or {@link Long#MAX_VALUE} if it exceeds {@code long}. */
    public static long product(long... factors) {
        long product = 1;
        for (long factor : factors) {
            if (factor < 0) {
                throw new IllegalArgumentException("a size factor is negative: " + factor);
            }
            if (factor == 0) {
                return 0;
            }
        }
        for (long factor : factors) {
            if (Math.multiplyHigh(product, factor) != 0 || product * factor < 0) {
                return Long.MAX_VALUE;
            }
            product *= factor;
        }
        return product;
    }

    /** The sum of non-negative sizes, or {@link Long#MAX_VALUE} if it exceeds {@code long}. */
    public static long sum(long... sizes) {
        long sum = 0;
        for (long size : sizes) {
            sum = size > Long.MAX_VALUE - sum ? Long.MAX_VALUE : sum + size;
        }
        return sum;
    }

    /**
     * Refuses {@code bytes} that the heap cannot give.
     *
     * @param what   what needs the memory, e.g. "reading data.npz[x]"
     * @param remedy what the user can do besides a larger heap, e.g. "fewer steps"
     * @throws CompilationException {@link DiagnosticCode#MEMORY_LIMIT} at {@code span}
     */
    public static void require(long bytes, String what, SourceSpan span, String remedy) {
        long free = free();
        if (bytes > free) {
            throw CompilationException.of(DiagnosticCode.MEMORY_LIMIT, span, what, bytes, free, remedy);
        }
    }
}
