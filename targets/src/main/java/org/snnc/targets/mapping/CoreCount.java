package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.targets.spec.ChipSpec;

/**
 * How many cores a partition needs at least, and the errors of allocators that run out of cores.
 *
 * <p>The lower bound is the largest of: for each additive resource r (neurons, synapse memory, bias memory), the
 * fewest cores whose capacities, largest first, hold Σ_pieces use_r (⌈Σ use_r / capacity_r⌉ on a chip of equal
 * cores; beyond the chip, more cores like its largest); and ⌈layers / layers per core⌉ when that is limited. Axons
 * do not add up over pieces (pieces share them), so they give no bound.
 */
final class CoreCount {

    private CoreCount() {
    }

    /** A bound with the reason it explains. */
    private record Bound(long cores, String reason) {
    }

    static long lowerBound(Partition partition, ChipSpec chip) {
        return bounds(partition, chip).stream().mapToLong(Bound::cores).max().orElse(0);
    }

    /**
     * Places {@code demand} on a core opened beyond the chip, so that the allocator can go on counting cores, or
     * throws E0906 when not even an empty core takes it.
     */
    static int openCore(CoreLedger ledger, Partition partition, ChipSpec chip, PieceDemand demand) {
        List<CoreLedger.Misfit> failure = new ArrayList<>();
        OptionalInt core = ledger.openCore(demand, failure);
        if (core.isEmpty()) {
            Tile tile = demand.tile();
            throw CompilationException.of(DiagnosticCode.NO_VALID_MAPPING, partition.span(tile.unit()), chip.name(),
                    "layer '" + tile.unit() + "' (tile " + tile + ") fits no core, not even an empty one: " + failure.get(0));
        }
        return core.getAsInt();
    }

    /**
     * The error of an allocator that had to open cores beyond the chip ({@link CoreLedger#openCore}):
     * {@code firstWithoutRoom} was the first piece that found no chip core with room, for the reason {@code why}.
     * E0904 when the allocator used more cores than the chip has, with the largest lower bound when it alone exceeds
     * the chip; E0906 when fewer, which happens when the chip's free cores are too small for what is left.
     */
    static CompilationException outOfCores(CoreLedger ledger, Partition partition, ChipSpec chip,
            PieceDemand firstWithoutRoom, CoreLedger.Misfit why) {
        Tile tile = firstWithoutRoom.tile();
        String first = "layer '" + tile.unit() + "' was the first without room (" + why + ")";
        long used = ledger.usedCores();
        if (used <= chip.cores()) {
            return CompilationException.of(DiagnosticCode.NO_VALID_MAPPING, partition.span(tile.unit()), chip.name(),
                    first + ", and the cores left are too small for tile " + tile);
        }
        Bound largest = bounds(partition, chip).stream().max((a, b) -> Long.compare(a.cores(), b.cores()))
                .orElseThrow();
        return CompilationException.of(DiagnosticCode.TOO_MANY_CORES, partition.span(tile.unit()), used,
                chip.name(), chip.cores(), first + (largest.cores() > chip.cores() ? "; " + largest.reason() : ""));
    }

    private static List<Bound> bounds(Partition partition, ChipSpec chip) {
        List<Bound> bounds = new ArrayList<>();
        for (Resource resource : Resource.values()) {
            if (!resource.additive()) {
                continue;
            }
            long total = partition.pieces().stream().mapToLong(piece -> resource.of(piece.alone())).sum();
            long[] capacities = chip.coreResources().stream()
                    .mapToLong(core -> resource.limit(core, chip.routing())).sorted().toArray();
            long largest = capacities[capacities.length - 1];
            long held = 0;
            long cores = 0;
            for (int k = capacities.length - 1; k >= 0 && held < total; k--) {
                held += capacities[k];
                cores++;
            }
            if (held < total) {
                cores += (total - held + largest - 1) / largest;
            }
            bounds.add(new Bound(cores, "by " + resource.label(chip.memoryModel()) + " alone it needs at least "
                    + cores + " cores: " + total + " in all, at most " + largest + " per core"));
        }
        OptionalInt layersPerCore = chip.features().layersPerCore();
        if (layersPerCore.isPresent()) {
            int layers = partition.layers().size();
            int perCore = layersPerCore.getAsInt();
            long cores = (layers + perCore - 1) / perCore;
            bounds.add(new Bound(cores, "at most " + perCore + (perCore == 1 ? " layer" : " layers")
                    + " per core, its " + layers + " layers need at least " + cores + " cores"));
        }
        return bounds;
    }
}
