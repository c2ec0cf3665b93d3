package org.snnc.targets.mapping;

import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;

/**
 * Places a quantized network on a chip: {@link Partitioner} (cut the populations into pieces that fit a core) →
 * {@link CoreAllocator} (a core for every piece) → {@link Router} (axons and routes) → {@link LimitCheck} (every
 * core within the chip's limits). Deterministic: the same network, chip and allocator give an equal mapping.
 */
public final class Mapper {

    /** A mapping with the allocator's statistics. */
    public record Result(Mapping mapping, Allocation allocation) {
    }

    private Mapper() {
    }

    /** The mapping of {@code network} onto {@code chip} by {@code allocator}. */
    public static Mapping map(SynapticNetwork network, ChipSpec chip, CoreAllocator allocator) {
        return run(network, chip, allocator).mapping();
    }

    /** The mapping and the allocation it came from, with the allocator's statistics. */
    public static Result run(SynapticNetwork network, ChipSpec chip, CoreAllocator allocator) {
        Partition partition = Partitioner.partition(network, chip);
        Allocation allocation = allocator.allocate(partition, chip);
        Mapping mapping = Router.route(network, chip, allocator.name(), partition, allocation);
        LimitCheck.check(mapping);
        return new Result(mapping, allocation);
    }
}
