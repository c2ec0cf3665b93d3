package org.snnc.targets.mapping;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.CoreResources;

/**
 * One piece per core, by bipartite matching of pieces to cores as sinabs' DYNAP-CNN mapping does; made for chips
 * whose cores hold one layer each (Speck), where a layer is one piece.
 *
 * <p>With every piece on a core of its own, a core's usage is its piece's alone: input axons are the elements the
 * piece reads; output axons are Σ over the pieces Q reading it of |inputs_Q ∩ held| and its destinations are those
 * Q (never itself). Piece P may go on core c iff that usage is within every limit of c. The matching is a maximum
 * flow on source → pieces → cores → sink with unit capacities, found by Edmonds–Karp (breadth-first augmenting
 * paths, pieces in network order and cores by ascending id, so ties go to the lowest ids). A piece that sends to more
 * cores than a core may reach is E0906; more pieces than cores is E0904; a flow below the number of pieces is E0906
 * naming each piece left out and the cores it could have taken.
 */
public final class MaxFlowAllocator implements CoreAllocator {

    public static final String NAME = "maxflow";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Allocation allocate(Partition partition, ChipSpec chip) {
        List<PieceDemand> pieces = partition.pieces();
        List<CoreUsage> usages = new ArrayList<>();
        List<Diagnostic> problems = new ArrayList<>();
        for (PieceDemand piece : pieces) {
            List<PieceDemand> readers = pieces.stream().filter(reader -> sent(piece, reader) > 0).toList();
            long sent = readers.stream().mapToLong(reader -> sent(piece, reader)).sum();
            usages.add(new CoreUsage(piece.neurons(), piece.synapseMemory(), piece.biasMemory(), piece.inputAxons(),
                    sent, readers.size()));
            OptionalInt destinations = chip.routing().maxDestinationsPerCore();
            if (destinations.isPresent() && readers.size() > destinations.getAsInt()) {
                problems.add(DiagnosticCode.NO_VALID_MAPPING.at(partition.span(piece.layer()), chip.name(),
                        "layer '" + piece.layer() + "' sends to " + readers.size() + " cores ("
                                + readers.stream().map(reader -> "'" + reader.layer() + "'")
                                        .collect(Collectors.joining(", "))
                                + ") but a core of this target sends to at most " + destinations.getAsInt()));
            }
        }
        if (!problems.isEmpty()) {
            throw new CompilationException(problems);
        }
        if (pieces.size() > chip.cores()) {
            String layer = pieces.get(chip.cores()).layer();
            int layers = partition.layers().size();
            String why = pieces.size() == layers ? "each layer takes a core of its own and the network has " + layers
                    + " layers" : "the " + NAME + " allocator gives each piece a core of its own and the network has "
                            + pieces.size() + " pieces of " + layers + " layers";
            throw CompilationException.of(DiagnosticCode.TOO_MANY_CORES, partition.span(layer), pieces.size(),
                    chip.name(), chip.cores(), why);
        }
        boolean[][] fits = new boolean[pieces.size()][chip.cores()];
        for (int p = 0; p < pieces.size(); p++) {
            for (int core = 0; core < chip.cores(); core++) {
                fits[p][core] = fits(usages.get(p), chip.core(core), chip);
            }
        }
        int[] match = match(fits, chip.cores());
        List<Integer> unmatched = IntStream.range(0, pieces.size()).filter(p -> match[p] < 0).boxed().toList();
        if (!unmatched.isEmpty()) {
            throw unplaced(partition, chip, usages, fits, match, unmatched);
        }
        return new Allocation(Arrays.stream(match).boxed().toList(), Map.of("cores", (long) pieces.size()));
    }

    /** The elements of {@code sender} (its piece and gate pieces) that {@code reader} needs. */
    private static long sent(PieceDemand sender, PieceDemand reader) {
        long elements = 0;
        for (Piece held : sender.held()) {
            ElementSet needed = reader.inputs().get(held.unit());
            if (needed != null) {
                elements += needed.count(held.first(), held.end());
            }
        }
        return elements;
    }

    /** The first resource of {@code usage} that is beyond every core, or the note that no core has all of it. */
    private static String shortfall(CoreUsage usage, ChipSpec chip) {
        for (Resource resource : Resource.values()) {
            long largest = chip.coreResources().stream().mapToLong(core -> resource.limit(core, chip.routing()))
                    .max().orElse(0);
            if (resource.of(usage) > largest) {
                return resource.label(chip.memoryModel()) + " " + resource.of(usage) + " exceeds the largest core's "
                        + largest;
            }
        }
        return "no single core has room for all it needs";
    }

    private static boolean fits(CoreUsage usage, CoreResources core, ChipSpec chip) {
        return Arrays.stream(Resource.values()).allMatch(r -> r.of(usage) <= r.limit(core, chip.routing()));
    }

    /**
     * A maximum matching of pieces to cores where {@code fits[p][c]}, as the maximum flow of source → pieces → cores
     * → sink with unit capacities: each round a breadth-first search finds a shortest augmenting path in the residual
     * graph (visiting pieces and cores by ascending index) and flips it. Returns the core of each piece, or −1.
     */
    static int[] match(boolean[][] fits, int cores) {
        int pieces = fits.length;
        int[] coreOfPiece = new int[pieces];
        int[] pieceOfCore = new int[cores];
        Arrays.fill(coreOfPiece, -1);
        Arrays.fill(pieceOfCore, -1);
        while (true) {
            // Residual graph: source → unmatched piece; piece → core where it fits and is not matched to it;
            // core → its matched piece (backward); free core → sink.
            int[] previousPiece = new int[cores];
            Arrays.fill(previousPiece, -2);
            boolean[] visited = new boolean[pieces];
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int p = 0; p < pieces; p++) {
                if (coreOfPiece[p] < 0) {
                    visited[p] = true;
                    queue.add(p);
                }
            }
            int freeCore = -1;
            while (!queue.isEmpty() && freeCore < 0) {
                int p = queue.poll();
                for (int core = 0; core < cores && freeCore < 0; core++) {
                    if (!fits[p][core] || coreOfPiece[p] == core || previousPiece[core] != -2) {
                        continue;
                    }
                    previousPiece[core] = p;
                    if (pieceOfCore[core] < 0) {
                        freeCore = core;
                    } else if (!visited[pieceOfCore[core]]) {
                        visited[pieceOfCore[core]] = true;
                        queue.add(pieceOfCore[core]);
                    }
                }
            }
            if (freeCore < 0) {
                return coreOfPiece;
            }
            for (int core = freeCore; core >= 0; ) {
                int p = previousPiece[core];
                int former = coreOfPiece[p];
                coreOfPiece[p] = core;
                pieceOfCore[core] = p;
                core = former;
            }
        }
    }

    private static CompilationException unplaced(Partition partition, ChipSpec chip, List<CoreUsage> usages,
            boolean[][] fits, int[] match, List<Integer> unmatched) {
        List<PieceDemand> pieces = partition.pieces();
        String details = unmatched.stream().map(p -> {
            List<Integer> candidates = IntStream.range(0, chip.cores()).filter(core -> fits[p][core]).boxed().toList();
            String layer = "'" + pieces.get(p).layer() + "'";
            if (candidates.isEmpty()) {
                return layer + " fits no core: " + shortfall(usages.get(p), chip);
            }
            String holders = candidates.stream().map(core -> IntStream.range(0, pieces.size())
                    .filter(q -> match[q] == core).mapToObj(q -> "core " + core + " holds '" + pieces.get(q).layer()
                            + "'")
                    .findFirst().orElse("core " + core + " is free")).collect(Collectors.joining(", "));
            return layer + " fits only cores " + candidates + " (" + holders + ")";
        }).distinct().collect(Collectors.joining("; "));
        return CompilationException.of(DiagnosticCode.NO_VALID_MAPPING, partition.span(pieces.get(unmatched.get(0))
                .layer()), chip.name(), "could not place " + details);
    }
}
