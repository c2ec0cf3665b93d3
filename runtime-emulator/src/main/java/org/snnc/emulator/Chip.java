package org.snnc.emulator;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.snnc.emulator.config.Configuration;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * A configuration loaded into the chip's memories: for each core its {@link CoreTables} (neuron parameters, gate
 * windows, each input axon's synapses as segments over shared kernel slices or the core's dense rows, and the route table)
 * and its {@link DeliveryPlan} in its {@link PendingWords} packing; and what the {@link Emulator} derives from them
 * once: the {@link Schedule}, the delivery bounds of the range proof and the route shortcuts. Immutable once built;
 * one {@link Emulator} per thread runs images on it.
 */
public final class Chip {
    /** One emulator's state may take up to 1/STATE_BUDGET_SHARE of the heap before its chunks shrink. */
    static final int STATE_BUDGET_SHARE = 16;

    final Configuration configuration;
    final CoreTables[] cores;
    /** Each layer's place in network order, the order of the configuration's {@code layers}. */
    private final java.util.Map<String, Integer> layerOrder;
    final int inputSize;
    /** Whether the input is a sequence of frames of events, rather than one analog image. */
    final boolean sequence;
    final int[] readoutCore;
    final int[] readoutNeuron;
    final long totalNeurons;
    /** Per core and neuron: its class when it belongs to the readout population, else −1. */
    final int[][] readoutClass;
    final Schedule schedule;
    /**
     * The steps an emulator advances at once: the schedule's, halved while one emulator's pending words (and a
     * sequence input's frame input) would take more than {@link #STATE_BUDGET_SHARE} of the heap.
     */
    final int chunk;
    /** The bytes of one {@link Emulator}'s per-image state. */
    final long stateBytes;
    /**
     * Per core and neuron: the most and the least input its routes and a sequence input's frames can deliver in one
     * step (the sums of its positive and of its negative weights over every route reaching it, plus, for a sequence
     * input, those of its input axons times the events an element may send in a step), saturated to the long range.
     * A neuron whose both are 0 takes the analog current alone.
     */
    final long[][] mostDelivered;
    final long[][] leastDelivered;
    /** Per core: its pending registers' packing, and its segments in that packing. */
    final PendingWords[] pendingWords;
    final DeliveryPlan[] plans;
    /** The kernel slices the cores apply, each held once. */
    final List<KernelSlice> kernels;
    /** The bytes of the tables, the plans and the kernel slices and their packed forms. */
    final long tableBytes;
    /** The synapses of every axon of every core: the entries the tables would take if expanded. */
    final long synapses;
    /**
     * Per core and neuron: whether it clears its pending word once it has read it, being the last of the word's
     * neurons with routed input to be advanced in the {@link Schedule}'s order.
     */
    final boolean[][] clearsPending;
    /** Per core and route: the synapses of the axon it reaches, one synaptic operation each per spike. */
    final long[][] routeSynapses;
    /**
     * Per core and route: when the axon it reaches holds a single word of synapses, that word's index in a row of
     * the destination's pending words ({@link #routeWord}, else −1) and its packed weights ({@link #routeValue}),
     * so a spike on it is one add.
     */
    final int[][] routeWord;
    final long[][] routeValue;
    /** Per core and neuron: the lowest membrane that fires (θ, or θ+1 on a chip that fires on v > θ). */
    final long[][] firesFrom;
    /** Per core and neuron: the mask a firing membrane keeps after subtracting θ (all bits; none to reset to 0). */
    final long[][] resetKeep;

    Chip(Configuration configuration, CoreTables[] cores, int[] readoutCore, int[] readoutNeuron,
         List<KernelSlice> kernels) {
        this.configuration = configuration;
        this.kernels = kernels;
        this.cores = cores;
        this.inputSize = (int) product(configuration.input().shape());
        this.sequence = configuration.input().encoding() == Configuration.InputEncoding.SEQUENCE;
        this.readoutCore = readoutCore;
        this.readoutNeuron = readoutNeuron;
        this.layerOrder = new java.util.HashMap<>();
        configuration.layers().forEach(layer -> layerOrder.put(layer.name(), layerOrder.size()));
        long neurons = 0;
        for (CoreTables core : cores) {
            neurons += core.neurons;
        }
        this.totalNeurons = neurons;
        this.readoutClass = new int[cores.length][];
        for (int c = 0; c < cores.length; c++) {
            readoutClass[c] = new int[cores[c].neurons];
            Arrays.fill(readoutClass[c], -1);
        }
        for (int k = 0; k < readoutCore.length; k++) {
            readoutClass[readoutCore[k]][readoutNeuron[k]] = k;
        }
        this.schedule = Schedule.of(configuration, cores);
        this.mostDelivered = new long[cores.length][];
        this.leastDelivered = new long[cores.length][];
        for (int c = 0; c < cores.length; c++) {
            mostDelivered[c] = new long[cores[c].neurons];
            leastDelivered[c] = new long[cores[c].neurons];
        }
        boundDeliveries();
        this.pendingWords = new PendingWords[cores.length];
        this.plans = new DeliveryPlan[cores.length];
        this.clearsPending = new boolean[cores.length][];
        Map<long[], long[][]> packedForms = DeliveryPlan.sharedForms();
        for (int c = 0; c < cores.length; c++) {
            pendingWords[c] = PendingWords.of(cores[c].neurons, mostDelivered[c], leastDelivered[c]);
            plans[c] = DeliveryPlan.of(cores[c], pendingWords[c], packedForms);
            clearsPending[c] = lastReaders(c);
        }
        long bytes = 0;
        for (int c = 0; c < cores.length; c++) {
            bytes += cores[c].bytes() + plans[c].bytes(cores[c]);
        }
        for (KernelSlice kernel : kernels) {
            bytes += (long) kernel.transposed.length * Long.BYTES;
            for (long[] form : packedForms.getOrDefault(kernel.transposed, new long[0][])) {
                bytes += form == null || form == kernel.transposed ? 0 : (long) form.length * Long.BYTES;
            }
        }
        this.tableBytes = bytes;
        long expanded = 0;
        for (CoreTables core : cores) {
            for (int axon = 0; axon < core.axons(); axon++) {
                expanded += core.synapses(axon);
            }
        }
        this.synapses = expanded;
        long wordsPerStep = 0;
        long perNeuron = 0;
        for (int c = 0; c < cores.length; c++) {
            // a sequence input's frame input: one word per neuron of a core it feeds, per step of the chunk
            wordsPerStep += pendingWords[c].row + (sequence && cores[c].inputAxons.length > 0 ? cores[c].neurons : 0);
            perNeuron += 4L * Long.BYTES * cores[c].neurons + (long) Long.BYTES * cores[c].gateOutputs;
        }
        this.chunk = chunkWithin(schedule.chunk, wordsPerStep, Runtime.getRuntime().maxMemory() / STATE_BUDGET_SHARE);
        this.stateBytes = (chunk + 1) * wordsPerStep * Long.BYTES + perNeuron;
        this.routeSynapses = new long[cores.length][];
        this.routeWord = new int[cores.length][];
        this.routeValue = new long[cores.length][];
        for (int c = 0; c < cores.length; c++) {
            describeRoutes(c);
        }
        this.firesFrom = new long[cores.length][];
        this.resetKeep = new long[cores.length][];
        long above = configuration.neurons().fireAtThreshold() ? 0 : 1;
        for (int c = 0; c < cores.length; c++) {
            firesFrom[c] = new long[cores[c].neurons];
            resetKeep[c] = new long[cores[c].neurons];
            for (int i = 0; i < cores[c].neurons; i++) {
                firesFrom[c][i] = cores[c].threshold[i] + above;
                resetKeep[c][i] = cores[c].resetToZero[i] ? 0 : -1;
            }
        }
    }

    /**
     * Fills {@link #mostDelivered} and {@link #leastDelivered} from every route's synapses and, for a sequence input,
     * from every input axon's synapses, each carrying up to {@code input.max_events} events a step.
     */
    private void boundDeliveries() {
        for (CoreTables core : cores) {
            for (int r = 0; r < core.routeCore.length; r++) {
                boundAxon(core.routeCore[r], core.routeAxon[r], 1);
            }
        }
        if (sequence) {
            for (int c = 0; c < cores.length; c++) {
                for (int axon : cores[c].inputAxons) {
                    boundAxon(c, axon, configuration.input().maxEvents());
                }
            }
        }
    }

    /** Adds {@code events} times the synapses of axon {@code axon} of the core at index d to its delivery bounds. */
    private void boundAxon(int d, int axon, long events) {
        CoreTables destination = cores[d];
        for (int s = destination.axonSegment[axon]; s < destination.axonSegment[axon + 1]; s++) {
            for (int k = 0; k < destination.segmentCount[s]; k++) {
                long weight = destination.weight(s, k);
                long[] bound = weight > 0 ? mostDelivered[d] : leastDelivered[d];
                int target = destination.segmentNeuron[s] + k;
                bound[target] = RangeProof.saturatingAdd(bound[target], RangeProof.saturatingProduct(weight, events));
            }
        }
    }

    /** Fills core c's {@link #routeSynapses}, {@link #routeWord} and {@link #routeValue}. */
    private void describeRoutes(int c) {
        int routes = cores[c].routeCore.length;
        routeSynapses[c] = new long[routes];
        routeWord[c] = new int[routes];
        routeValue[c] = new long[routes];
        for (int r = 0; r < routes; r++) {
            CoreTables destination = cores[cores[c].routeCore[r]];
            DeliveryPlan plan = plans[cores[c].routeCore[r]];
            int axon = cores[c].routeAxon[r];
            int segment = destination.axonSegment[axon];
            boolean single = destination.axonSegment[axon + 1] == segment + 1
                    && plan.packedCount[segment] == 0 && plan.tail[segment] == 0;
            routeSynapses[c][r] = destination.operations(axon);
            routeWord[c][r] = single ? plan.word[segment] : -1;
            routeValue[c][r] = single ? plan.head[segment] : 0;
        }
    }

    /**
     * The longest chunk, at most {@code longest} and halving from it, whose pending words ({@code wordsPerStep} a
     * step, plus a step carried over) fit {@code budgetBytes}; at least 1.
     */
    static int chunkWithin(int longest, long wordsPerStep, long budgetBytes) {
        int chunk = longest;
        while (chunk > 1 && (chunk + 1) * wordsPerStep * Long.BYTES > budgetBytes) {
            chunk /= 2;
        }
        return chunk;
    }

    /**
     * Whether a route or a sequence input's frame can deliver a non-zero weight to neuron i of core c; if not, its
     * input is the analog current.
     */
    boolean receivesEvents(int c, int i) {
        return mostDelivered[c][i] != 0 || leastDelivered[c][i] != 0;
    }

    /** For each neuron of core c: whether it is the last of its pending word's readers in the schedule's order. */
    private boolean[] lastReaders(int c) {
        int neurons = cores[c].neurons;
        long[] order = new long[neurons];
        int stage = 0;
        for (Schedule.Stage each : schedule.stages) {
            for (Schedule.Segment segment : each.segments()) {
                if (segment.core() == c && !each.gate()) {
                    for (int i = segment.first(); i < segment.first() + segment.count(); i++) {
                        order[i] = (long) stage << 32 | i;
                    }
                }
            }
            stage++;
        }
        PendingWords packing = pendingWords[c];
        long[] lastOfWord = new long[(neurons + packing.lanes - 1) / packing.lanes];
        Arrays.fill(lastOfWord, -1);
        for (int i = 0; i < neurons; i++) {
            if (receivesEvents(c, i)) {
                lastOfWord[packing.wordOf[i]] = Math.max(lastOfWord[packing.wordOf[i]], order[i]);
            }
        }
        boolean[] last = new boolean[neurons];
        for (int i = 0; i < neurons; i++) {
            last[i] = lastOfWord[packing.wordOf[i]] == order[i]
                    && receivesEvents(c, i);
        }
        return last;
    }

    /** The strict-mode error of a register of local neuron {@code local} of the core at index c that does not fit. */
    /**
     * Where a register of local neuron {@code local} of the core at index {@code c} overflowing ranks among the
     * overflows of one step, as docs/configuration.md defines the first overflow: by layer in network order (the
     * order of {@code layers}), then element, then the accumulator and the synaptic current u before the membrane
     * ({@code beforeMembrane}); of a neuron and its replicas, the owner first, then by core.
     */
    OverflowRank overflowRank(int c, int local, boolean beforeMembrane) {
        CoreTables core = cores[c];
        return new OverflowRank(layerOrder.get(core.layerOf(local)), core.elementOf(local), beforeMembrane ? 0 : 1,
                core.replica[core.internalOf[local]] ? 1 : 0, c);
    }

    /** The sort key of {@link #overflowRank}. */
    record OverflowRank(int layer, int element, int register, int replica, int core)
            implements Comparable<OverflowRank> {

        private static final java.util.Comparator<OverflowRank> ORDER = java.util.Comparator
                .comparingInt(OverflowRank::layer).thenComparingInt(OverflowRank::element)
                .thenComparingInt(OverflowRank::register).thenComparingInt(OverflowRank::replica)
                .thenComparingInt(OverflowRank::core);

        @Override
        public int compareTo(OverflowRank other) {
            return ORDER.compare(this, other);
        }
    }

    String overflowMessage(int c, int local, int step, String register, long value, int bits) {
        return "strict mode: core " + cores[c].id + ", neuron " + cores[c].neuronName(local) + ", step " + step
                + ": the " + register + " value " + value + " does not fit in " + bits + " signed bits";
    }

    /** Loads, checks and builds the configuration at {@code file}. */
    public static Chip load(Path file) {
        return build(ConfigurationLoader.load(file), String.valueOf(file.getFileName()));
    }

    /** Builds a checked configuration into the chip's tables; {@code fileName} starts every message. */
    public static Chip build(Configuration configuration, String fileName) {
        return new ChipBuilder(configuration, fileName).build();
    }

    public Configuration configuration() {
        return configuration;
    }

    /**
     * The bytes the loaded chip's tables take: every core's neuron, gate, route and segment tables and delivery
     * plan, its dense rows, and each kernel slice once with its packed forms.
     */
    public long tableBytes() {
        return tableBytes;
    }

    /** The synapses of every axon of every core, each a target neuron and a weight. */
    public long synapses() {
        return synapses;
    }

    /** The number of input elements an image, or a frame of a sequence, must have. */
    public int inputSize() {
        return inputSize;
    }

    /**
     * Whether the input is a sequence of frames of events ({@code input.encoding} {@code sequence}): an image is then
     * its frames one after another, each of {@link #inputSize()} counts in [0, {@code input.max_events}].
     */
    public boolean sequenceInput() {
        return sequence;
    }

    /** The number of classes: the readout population's size. */
    public int classes() {
        return readoutCore.length;
    }

    /**
     * The readout population's threshold θ in membrane LSBs, the unit early-exit margins are chosen in: that of its
     * first class, as a population's neurons share one θ.
     */
    public long readoutThreshold() {
        return cores[readoutCore[0]].threshold[readoutNeuron[0]];
    }

    /** The ids of the cores, in configuration order (the order of per-core counts). */
    public int[] coreIds() {
        int[] ids = new int[cores.length];
        for (int i = 0; i < cores.length; i++) {
            ids[i] = cores[i].id;
        }
        return ids;
    }

    static long product(int[] shape) {
        long size = 1;
        for (int extent : shape) {
            size *= extent;
        }
        return size;
    }
}
