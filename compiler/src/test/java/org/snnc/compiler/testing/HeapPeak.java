package org.snnc.compiler.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * The peak heap of a benchmark's stage: the sum of the heap pools' peak use since {@link #reset()}, which starts after
 * a full collection. An upper estimate of the live peak, as the pools peak at different moments.
 */
public final class HeapPeak {

    private HeapPeak() {
    }

    /** Collects garbage and starts every heap pool's peak afresh. */
    public static void reset() {
        System.gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Σ over the heap pools of their peak use since {@link #reset()}, in bytes. */
    public static long bytes() {
        return heapPools().stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
    }
}
