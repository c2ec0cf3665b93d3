package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.CoreResources;

/**
 * The running account of every core while an allocator places pieces one at a time, in any order. For each core it
 * keeps the sums of the additive resources, the layers, the source elements its pieces need, the input axons they
 * arrive on (shared by the core's pieces: one per element, or per position with population axons) and the elements
 * it holds (its population and gate pieces, indexed by unit as runs with their core, and the cores reading each
 * source, so that a plan looks only at the cores it concerns), and for
 * each pair of cores how many elements one sends to the other: core X sends to core Z the elements of every source
 * s in needed_Z(s) ∩ held_X(s).
 *
 * <p>Placing piece P on core Y changes: Y's additive sums and layers; Y's input axons by the elements P needs that Y
 * did not need yet; the sends X → Y of every core X holding some of those elements; and the sends Y → Z of every core
 * Z that already needs some of P's elements. So a piece placed after its readers is accounted as well as one placed
 * before them. {@link #misfit} checks every limit of Y and of every sender whose sends change: destinations (Z with
 * sends X → Z &gt; 0) and, when the chip forbids them, self routes (sends X → X). On a chip with neither limit no
 * limit reads the sends, so the ledger keeps no needed elements, held runs, readers or sends, and a plan is Y's new
 * input axons alone: a count over the runs of P's axon keys, with no copy of a source-sized set.
 *
 * <p>First fit over thousands of cores asks for the lowest core with room: a {@link RoomIndex} of every core's free
 * neurons, synapse memory, bias memory and output axons leads it past the cores that cannot take the piece's
 * additive demand, which are most of them once a large network has filled them.
 *
 * <p>Output axons are reserved when a piece is placed: its {@link PieceDemand#sentElements()}, one per (element,
 * reader tile) pair, bound the output axons its elements can ever take, whichever cores the reader tiles land on and
 * even without multicast (the router's Σ_e ⌈d(e)/m⌉ is no more). So placing a reader never breaks a sender's output
 * axons, which would leave the allocator no core to put the reader on.
 *
 * <p>Cores beyond the chip's may be opened ({@link #openCore}) so that an allocator that runs out of cores can still
 * count how many the network needs.
 */
final class CoreLedger {

    /** A limit that placing a piece on a core would break; {@code layers} are those the core already holds. */
    record Misfit(int core, Set<String> layers, String resource, long amount, long limit) {

        @Override
        public String toString() {
            String holding = layers.isEmpty() ? "" : layers.stream().map(layer -> "'" + layer + "'")
                    .collect(Collectors.joining(", ", " (holding ", ")"));
            return "core " + core + holding + ": " + resource + " " + amount + " exceeds " + limit;
        }
    }

    /** Elements sent from one core to another. */
    private record Transfer(int from, int to, long elements) {
    }

    /**
     * What placing a piece on a core adds: input axons, and when sends are tracked the source elements the core did
     * not need yet and the sends they cause.
     */
    private record Plan(PieceDemand demand, int core, long newAxons, Map<String, BitSet> newInputs,
            List<Transfer> transfers) {
    }

    /** The resources {@link #hasLocalRoom} tests, in the order of {@link #room} and {@link #localDemand}. */
    private static final List<Resource> LOCAL = List.of(Resource.NEURONS, Resource.SYNAPSE_MEMORY,
            Resource.BIAS_MEMORY, Resource.OUTPUT_AXONS);

    private static final class Load {
        long neurons;
        long synapseMemory;
        long biasMemory;
        long inputAxons;
        long outputAxons;
        final Set<String> layers = new TreeSet<>();
        final Map<String, BitSet> needed = new TreeMap<>();
        final Map<String, BitSet> axons = new TreeMap<>();
        final TreeMap<Integer, Long> sends = new TreeMap<>();

        long amount(Resource resource) {
            return switch (resource) {
                case NEURONS -> neurons;
                case SYNAPSE_MEMORY -> synapseMemory;
                case BIAS_MEMORY -> biasMemory;
                case INPUT_AXONS -> inputAxons;
                case OUTPUT_AXONS -> outputAxons;
                case DESTINATIONS -> sends.size();
            };
        }
    }

    private final ChipSpec chip;
    private final List<CoreResources> resources;
    private final List<Load> loads = new ArrayList<>();
    /** Per unit, the runs of its elements placed so far: first element → {end, core}; runs never overlap. */
    private final Map<String, TreeMap<Integer, int[]>> heldRuns = new HashMap<>();
    /** Per source, the cores whose pieces read some of its elements. */
    private final Map<String, TreeSet<Integer>> needers = new HashMap<>();
    /**
     * Whether a limit depends on the sends between cores (destinations per core, or no self routes); when none does,
     * the ledger keeps neither the elements each core needs nor the sends, which no limit would read.
     */
    private final boolean tracksSends;
    /** The cores' room in the {@link #LOCAL} resources, for {@link #lowestFit}; opened cores join when used. */
    private final RoomIndex room;

    CoreLedger(ChipSpec chip) {
        this.chip = chip;
        this.resources = new ArrayList<>(chip.coreResources());
        this.tracksSends = chip.routing().maxDestinationsPerCore().isPresent() || !chip.routing().selfRoutes();
        this.room = new RoomIndex(chip.cores(), LOCAL.size());
        chip.coreResources().forEach(core -> loads.add(new Load()));
        for (int core = 0; core < chip.cores(); core++) {
            room.set(core, room(core));
        }
    }

    /** The cores, the chip's and those opened beyond it. */
    int cores() {
        return loads.size();
    }

    /** The cores that hold at least one piece. */
    int usedCores() {
        return (int) loads.stream().filter(load -> !load.layers.isEmpty()).count();
    }

    boolean isUsed(int core) {
        return !loads.get(core).layers.isEmpty();
    }

    /** The first limit that placing {@code demand} on {@code core} would break, if any. */
    Optional<Misfit> misfit(PieceDemand demand, int core) {
        Optional<Misfit> local = localMisfit(demand, core, 0);
        return local.isPresent() ? local : misfit(plan(demand, core));
    }

    /** The first core of {@code order} that has room for {@code demand}. */
    OptionalInt firstFit(PieceDemand demand, Iterable<Integer> order) {
        for (int core : order) {
            if (hasLocalRoom(demand, core) && misfit(demand, core).isEmpty()) {
                return OptionalInt.of(core);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The lowest-numbered core that has room for {@code demand}: {@link #firstFit} over the cores in ascending order,
     * which skips the cores that {@link #hasLocalRoom} rules out by their room ({@link RoomIndex}).
     */
    OptionalInt lowestFit(PieceDemand demand) {
        long[] wanted = localDemand(demand);
        for (int core = room.next(0, wanted); core >= 0 && core < cores(); core = room.next(core + 1, wanted)) {
            if (misfit(demand, core).isEmpty()) {
                return OptionalInt.of(core);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Why {@code demand} does not go on the lowest-numbered unused chip core, or on core 0 when every chip core is
     * used; for messages about a piece that found no room.
     */
    Misfit whyNot(PieceDemand demand) {
        int core = IntStream.range(0, chip.cores()).filter(c -> !isUsed(c)).findFirst().orElse(0);
        return misfit(demand, core).orElseThrow();
    }

    /** Places {@code demand} on {@code core}, which must have room for it. */
    void place(PieceDemand demand, int core) {
        Plan plan = plan(demand, core);
        misfit(plan).ifPresent(misfit -> {
            throw new IllegalStateException("placing " + demand.tile() + " breaks " + misfit);
        });
        Load load = loads.get(core);
        load.neurons += demand.neurons();
        load.synapseMemory += demand.synapseMemory();
        load.biasMemory += demand.biasMemory();
        load.inputAxons += plan.newAxons();
        load.layers.add(demand.layer());
        load.outputAxons += demand.sentElements();
        demand.axons().forEach((source, axons) -> {
            BitSet keys = load.axons.computeIfAbsent(source, s -> new BitSet());
            for (int run = 0; run < axons.runs(); run++) {
                keys.set(axons.first(run), axons.end(run));
            }
        });
        room.set(core, room(core));
        if (!tracksSends) {
            return;
        }
        plan.newInputs().forEach((source, elements) -> load.needed.computeIfAbsent(source, s -> new BitSet())
                .or(elements));
        for (Piece piece : demand.held()) {
            heldRuns.computeIfAbsent(piece.unit(), unit -> new TreeMap<>()).put(piece.first(),
                    new int[] {piece.end(), core});
        }
        plan.newInputs().keySet().forEach(source -> needers.computeIfAbsent(source, s -> new TreeSet<>()).add(core));
        for (Transfer transfer : plan.transfers()) {
            Load sender = loads.get(transfer.from());
            sender.sends.merge(transfer.to(), transfer.elements(), Long::sum);
        }
    }

    /**
     * Opens a core beyond the chip with the resources of the lowest-numbered chip core that would take
     * {@code demand} on its own, and returns its id; empty when no fresh core takes it, with the limit that failed on
     * a fresh copy of core 0.
     */
    OptionalInt openCore(PieceDemand demand, List<Misfit> failure) {
        Misfit first = null;
        for (int model = 0; model < chip.cores(); model++) {
            resources.add(resources.get(model));
            loads.add(new Load());
            int core = loads.size() - 1;
            Optional<Misfit> misfit = misfit(demand, core);
            if (misfit.isEmpty()) {
                return OptionalInt.of(core);
            }
            resources.remove(core);
            loads.remove(core);
            if (first == null) {
                first = misfit.get();
            }
        }
        failure.add(first);
        return OptionalInt.empty();
    }

    private Plan plan(PieceDemand demand, int core) {
        Load load = loads.get(core);
        long newAxons = 0;
        for (Map.Entry<String, ElementSet> axons : demand.axons().entrySet()) {
            newAxons += missing(axons.getValue(), load.axons.get(axons.getKey()));
        }
        if (!tracksSends) {
            return new Plan(demand, core, newAxons, Map.of(), List.of());
        }
        Map<String, BitSet> newInputs = fresh(demand.inputs(), load.needed);
        TreeMap<Integer, Long> fromSenders = new TreeMap<>();
        for (Map.Entry<String, BitSet> input : newInputs.entrySet()) {
            TreeMap<Integer, int[]> runs = heldRuns.get(input.getKey());
            BitSet fresh = input.getValue();
            for (int a = runs == null ? -1 : fresh.nextSetBit(0); a >= 0; a = fresh.nextSetBit(a)) {
                int b = fresh.nextClearBit(a);
                Integer from = runs.floorKey(a);
                for (Map.Entry<Integer, int[]> run : runs.tailMap(from == null ? a : from).entrySet()) {
                    if (run.getKey() >= b) {
                        break;
                    }
                    int overlap = Math.min(b, run.getValue()[0]) - Math.max(a, run.getKey());
                    if (overlap > 0) {
                        fromSenders.merge(run.getValue()[1], (long) overlap, Long::sum);
                    }
                }
                a = b;
            }
        }
        List<Transfer> transfers = new ArrayList<>();
        fromSenders.forEach((sender, elements) -> transfers.add(new Transfer(sender, core, elements)));
        TreeSet<Integer> readers = new TreeSet<>();
        readers.addAll(needers.getOrDefault(demand.tile().unit(), new TreeSet<>()));
        demand.gates().forEach(gate -> readers.addAll(needers.getOrDefault(gate.unit(), new TreeSet<>())));
        List<Piece> held = readers.isEmpty() ? List.of() : demand.held();
        for (int reader : readers) {
            long elements = 0;
            for (Piece piece : held) {
                BitSet needed = loads.get(reader).needed.get(piece.unit());
                if (needed != null) {
                    elements += needed.get(piece.first(), piece.end()).cardinality();
                }
            }
            if (elements > 0) {
                transfers.add(new Transfer(core, reader, elements));
            }
        }
        return new Plan(demand, core, newAxons, newInputs, transfers);
    }

    /** The keys of {@code wanted} that {@code had} lacks, counted without a copy of {@code wanted}. */
    private static long missing(ElementSet wanted, BitSet had) {
        long missing = wanted.size();
        for (int run = 0; had != null && run < wanted.runs(); run++) {
            for (int key = had.nextSetBit(wanted.first(run)); key >= 0 && key < wanted.end(run);
                    key = had.nextSetBit(key + 1)) {
                missing--;
            }
        }
        return missing;
    }

    /** For each source of {@code wanted}, what it has that {@code had} lacks. */
    private static Map<String, BitSet> fresh(Map<String, ElementSet> wanted, Map<String, BitSet> had) {
        Map<String, BitSet> fresh = new LinkedHashMap<>();
        wanted.forEach((source, elements) -> {
            BitSet missing = elements.toBitSet();
            BitSet present = had.get(source);
            if (present != null) {
                missing.andNot(present);
            }
            fresh.put(source, missing);
        });
        return fresh;
    }

    private Optional<Misfit> misfit(Plan plan) {
        Optional<Misfit> local = localMisfit(plan.demand(), plan.core(), plan.newAxons());
        if (local.isPresent()) {
            return local;
        }
        TreeMap<Integer, List<Transfer>> bySender = new TreeMap<>();
        plan.transfers().forEach(t -> bySender.computeIfAbsent(t.from(), s -> new ArrayList<>()).add(t));
        for (Map.Entry<Integer, List<Transfer>> sender : bySender.entrySet()) {
            Load senderLoad = loads.get(sender.getKey());
            TreeMap<Integer, Long> sends = new TreeMap<>(senderLoad.sends);
            for (Transfer transfer : sender.getValue()) {
                sends.merge(transfer.to(), transfer.elements(), Long::sum);
            }
            Optional<Misfit> misfit = exceeds(sender.getKey(), Resource.DESTINATIONS, sends.size());
            if (misfit.isPresent()) {
                return misfit;
            }
            if (!chip.routing().selfRoutes() && sends.containsKey(sender.getKey())) {
                return Optional.of(new Misfit(sender.getKey(), new TreeSet<>(senderLoad.layers),
                        "self-routed elements", sends.get(sender.getKey()), 0));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code core}'s additive resources, input axons aside, take {@code demand}: the test that rules out most
     * full cores before any plan or message is made.
     */
    private boolean hasLocalRoom(PieceDemand demand, int core) {
        long[] free = room(core);
        long[] wanted = localDemand(demand);
        for (int r = 0; r < LOCAL.size(); r++) {
            if (wanted[r] > free[r]) {
                return false;
            }
        }
        return true;
    }

    /** What {@code core} has left of each {@link #LOCAL} resource. */
    private long[] room(int core) {
        Load load = loads.get(core);
        CoreResources limits = resources.get(core);
        return new long[] {limits.neurons() - load.neurons, limits.synapseMemory() - load.synapseMemory,
                limits.biasMemory() - load.biasMemory, limits.outputAxons() - load.outputAxons};
    }

    /** What {@code demand} takes of each {@link #LOCAL} resource. */
    private static long[] localDemand(PieceDemand demand) {
        return new long[] {demand.neurons(), demand.synapseMemory(), demand.biasMemory(), demand.sentElements()};
    }

    /**
     * The first limit of {@code core} itself that {@code demand} breaks, with {@code newAxons} more input axons: its
     * layers and its additive resources (a cheap test that needs no plan when {@code newAxons} is 0).
     */
    private Optional<Misfit> localMisfit(PieceDemand demand, int core, long newAxons) {
        Load load = loads.get(core);
        OptionalInt layersPerCore = chip.features().layersPerCore();
        if (layersPerCore.isPresent() && !load.layers.contains(demand.layer())
                && load.layers.size() + 1 > layersPerCore.getAsInt()) {
            return Optional.of(new Misfit(core, new TreeSet<>(load.layers), "layers", load.layers.size() + 1,
                    layersPerCore.getAsInt()));
        }
        CoreUsage added = new CoreUsage(demand.neurons(), demand.synapseMemory(), demand.biasMemory(), newAxons,
                demand.sentElements(), 0);
        for (Resource resource : List.of(Resource.NEURONS, Resource.SYNAPSE_MEMORY, Resource.BIAS_MEMORY,
                Resource.INPUT_AXONS, Resource.OUTPUT_AXONS)) {
            Optional<Misfit> misfit = exceeds(core, resource, load.amount(resource) + resource.of(added));
            if (misfit.isPresent()) {
                return misfit;
            }
        }
        return Optional.empty();
    }

    private Optional<Misfit> exceeds(int core, Resource resource, long amount) {
        long limit = resource.limit(resources.get(core), chip.routing());
        return amount > limit
                ? Optional.of(new Misfit(core, new TreeSet<>(loads.get(core).layers), resource.label(chip.memoryModel()),
                        amount, limit))
                : Optional.empty();
    }
}
