package org.snnc.targets.mapping;

import java.util.List;
import java.util.Optional;
import org.snnc.targets.spec.ChipSpec;

/**
 * Places the pieces of a {@link Partition} on the cores of a chip. An allocator never returns a placement that breaks
 * a limit of the chip: when the pieces do not fit it throws a {@link org.snnc.compiler.diag.CompilationException}
 * (E0904 when more cores are needed than the chip has, E0906 when no placement exists for another reason). Every
 * allocator is deterministic: the same partition and chip give the same allocation.
 */
public interface CoreAllocator {

    /** The allocator's name on the command line. */
    String name();

    /** The core of every piece of {@code partition} on {@code chip}. */
    Allocation allocate(Partition partition, ChipSpec chip);

    /** The names of the allocators, in the order of {@link #byName}'s choices. */
    static List<String> names() {
        return List.of(GreedyAllocator.NAME, MaxFlowAllocator.NAME, PackingAllocator.NAME);
    }

    /** The allocator called {@code name}: {@code greedy}, {@code maxflow} or {@code packed}. */
    static Optional<CoreAllocator> byName(String name) {
        return switch (name) {
            case GreedyAllocator.NAME -> Optional.of(new GreedyAllocator());
            case MaxFlowAllocator.NAME -> Optional.of(new MaxFlowAllocator());
            case PackingAllocator.NAME -> Optional.of(new PackingAllocator());
            default -> Optional.empty();
        };
    }

    /** The default for {@code chip}: max-flow matching when a core holds one layer (Speck), greedy otherwise. */
    static CoreAllocator defaultFor(ChipSpec chip) {
        return chip.features().layersPerCore().isPresent() && chip.features().layersPerCore().getAsInt() == 1
                ? new MaxFlowAllocator() : new GreedyAllocator();
    }
}
