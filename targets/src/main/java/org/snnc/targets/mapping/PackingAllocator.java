package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.snnc.targets.spec.ChipSpec;

/**
 * Few cores, then even traffic: for chips whose cores hold several layers.
 *
 * <p><b>Packing.</b> First-fit decreasing: the pieces by decreasing dominant share, max over neurons, synapse memory,
 * bias memory and input axons of use_r / (the largest core's capacity_r) (ties in network order), each on the
 * lowest-numbered core with room ({@link CoreLedger}); beyond the chip's cores it goes on counting, for E0904. The
 * statistics report the cores used ({@code cores}) beside {@link CoreCount}'s lower bound ({@code lower-bound}).
 *
 * <p><b>Balancing.</b> Keeping the same set of cores, the pieces by decreasing {@link PieceDemand#traffic()} (ties in
 * network order) are placed afresh, each on the core with the least traffic so far that has room (ties to the lowest
 * id). If some piece then finds no room the packing stays as first-fit decreasing left it ({@code balanced} = 0). The
 * statistic {@code max-core-traffic} is the largest traffic of a core.
 */
public final class PackingAllocator implements CoreAllocator {

    public static final String NAME = "packed";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Allocation allocate(Partition partition, ChipSpec chip) {
        List<PieceDemand> pieces = partition.pieces();
        int[] packed = new int[pieces.size()];
        CoreLedger packing = new CoreLedger(chip);
        PieceDemand firstWithoutRoom = null;
        CoreLedger.Misfit why = null;
        for (int p : order(pieces, Comparator.comparingDouble((PieceDemand piece) -> dominantShare(piece, chip))
                .reversed())) {
            PieceDemand demand = pieces.get(p);
            OptionalInt core = packing.lowestFit(demand);
            if (core.isEmpty() && firstWithoutRoom == null) {
                firstWithoutRoom = demand;
                why = packing.whyNot(demand);
            }
            packed[p] = core.isPresent() ? core.getAsInt() : CoreCount.openCore(packing, partition, chip, demand);
            packing.place(demand, packed[p]);
        }
        if (packing.cores() > chip.cores()) {
            throw CoreCount.outOfCores(packing, partition, chip, firstWithoutRoom, why);
        }
        List<Integer> chosen = IntStream.range(0, chip.cores()).filter(packing::isUsed).boxed().toList();
        Optional<int[]> balanced = balance(pieces, chip, chosen);
        int[] cores = balanced.orElse(packed);
        long[] traffic = new long[chip.cores()];
        for (int p = 0; p < pieces.size(); p++) {
            traffic[cores[p]] += pieces.get(p).traffic();
        }
        Map<String, Long> statistics = new TreeMap<>();
        statistics.put("cores", (long) chosen.size());
        statistics.put("lower-bound", CoreCount.lowerBound(partition, chip));
        statistics.put("balanced", balanced.isPresent() ? 1L : 0L);
        statistics.put("max-core-traffic", Arrays.stream(traffic).max().orElse(0));
        return new Allocation(Arrays.stream(cores).boxed().toList(), statistics);
    }

    /** The pieces placed heaviest first, each on the least-loaded chosen core with room; empty if one finds none. */
    private static Optional<int[]> balance(List<PieceDemand> pieces, ChipSpec chip, List<Integer> chosen) {
        CoreLedger ledger = new CoreLedger(chip);
        long[] traffic = new long[chip.cores()];
        int[] cores = new int[pieces.size()];
        for (int p : order(pieces, Comparator.comparingLong(PieceDemand::traffic).reversed())) {
            List<Integer> byLoad = chosen.stream()
                    .sorted(Comparator.comparingLong((Integer core) -> traffic[core]).thenComparing(core -> core))
                    .toList();
            OptionalInt core = ledger.firstFit(pieces.get(p), byLoad);
            if (core.isEmpty()) {
                return Optional.empty();
            }
            cores[p] = core.getAsInt();
            ledger.place(pieces.get(p), cores[p]);
            traffic[cores[p]] += pieces.get(p).traffic();
        }
        return Optional.of(cores);
    }

    /** The indices of {@code pieces} sorted by {@code comparator}, ties in network order. */
    private static List<Integer> order(List<PieceDemand> pieces, Comparator<PieceDemand> comparator) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, pieces.size()).boxed().toList());
        order.sort(Comparator.comparing((Integer p) -> pieces.get(p), comparator).thenComparing(p -> p));
        return order;
    }

    /** max over neurons, synapse memory, bias memory and input axons of use / the largest core's capacity. */
    private static double dominantShare(PieceDemand piece, ChipSpec chip) {
        CoreUsage usage = piece.alone();
        double share = 0;
        for (Resource resource : List.of(Resource.NEURONS, Resource.SYNAPSE_MEMORY, Resource.BIAS_MEMORY,
                Resource.INPUT_AXONS)) {
            long largest = chip.coreResources().stream().mapToLong(core -> resource.limit(core, chip.routing()))
                    .max().orElse(1);
            share = Math.max(share, (double) resource.of(usage) / Math.max(largest, 1));
        }
        return share;
    }
}
