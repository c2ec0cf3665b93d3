package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.snnc.targets.spec.ChipSpec;

/**
 * The default allocator, after nengo-loihi's greedy one: the pieces in network order, each on the core of the previous
 * piece if it has room (so a layer's pieces and consecutive layers stay together), else on the lowest-numbered core
 * with room under every limit ({@link CoreLedger}). When no core has room it goes on counting on cores beyond the
 * chip, to report how many the network needs (E0904).
 */
public final class GreedyAllocator implements CoreAllocator {

    public static final String NAME = "greedy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Allocation allocate(Partition partition, ChipSpec chip) {
        CoreLedger ledger = new CoreLedger(chip);
        List<Integer> placed = new ArrayList<>();
        PieceDemand firstWithoutRoom = null;
        CoreLedger.Misfit why = null;
        int current = 0;
        for (PieceDemand demand : partition.pieces()) {
            OptionalInt core = ledger.firstFit(demand, List.of(current));
            if (core.isEmpty()) {
                core = ledger.lowestFit(demand);
            }
            if (core.isPresent()) {
                current = core.getAsInt();
            } else {
                if (firstWithoutRoom == null) {
                    firstWithoutRoom = demand;
                    why = ledger.whyNot(demand);
                }
                current = CoreCount.openCore(ledger, partition, chip, demand);
            }
            ledger.place(demand, current);
            placed.add(current);
        }
        if (ledger.cores() > chip.cores()) {
            throw CoreCount.outOfCores(ledger, partition, chip, firstWithoutRoom, why);
        }
        return new Allocation(placed, Map.of("cores", (long) ledger.usedCores()));
    }
}
