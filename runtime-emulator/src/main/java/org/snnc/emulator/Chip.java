package org.snnc.emulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.impl.factory.primitive.IntLists;
import org.eclipse.collections.impl.factory.primitive.LongLists;
import org.snnc.emulator.config.Configuration;
import org.snnc.emulator.config.Configuration.AxonBlock;
import org.snnc.emulator.config.Configuration.Core;
import org.snnc.emulator.config.Configuration.GateBlock;
import org.snnc.emulator.config.Configuration.GateUnit;
import org.snnc.emulator.config.Configuration.Kernel;
import org.snnc.emulator.config.Configuration.NeuronBlock;
import org.snnc.emulator.config.Configuration.Route;
import org.snnc.emulator.config.Configuration.Synapse;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * A configuration loaded into the chip's memories: for each core its neuron parameters, gate windows, the axon table
 * (each input axon's synapses, as a fan-out list of target neurons and integer weights) and the route table (each
 * emitting neuron or gate output's destination axons). Immutable once built; one {@link Emulator} per thread runs
 * images on it.
 */
public final class Chip {
    /** The most synapse table entries the emulator builds, whatever the memory. */
    static final long SYNAPSE_BUDGET = 1L << 30;
    /** One emulator's state may take up to 1/STATE_BUDGET_SHARE of the heap before its chunks shrink. */
    static final int STATE_BUDGET_SHARE = 16;

    final Configuration configuration;
    final CoreTables[] cores;
    final int inputSize;
    final int[] readoutCore;
    final int[] readoutNeuron;
    final long totalNeurons;
    /** Per core and neuron: its class when it belongs to the readout population, else −1. */
    final int[][] readoutClass;
    final Schedule schedule;
    /**
     * The steps an emulator advances at once: the schedule's, halved while one emulator's pending words would take
     * more than {@link #STATE_BUDGET_SHARE} of the heap.
     */
    final int chunk;
    /** The bytes of one {@link Emulator}'s per-image state. */
    final long stateBytes;
    /**
     * Per core and neuron: the most and the least input its routes can deliver in one step (the sums of its positive
     * and of its negative weights over every route reaching it), saturated to the long range. A neuron whose both
     * are 0 takes the analog current alone.
     */
    final long[][] mostDelivered;
    final long[][] leastDelivered;
    /** Per core: its pending registers' packing and its runs in that packing. */
    final PendingWords[] pendingWords;
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

    /** One core's memories, in arrays indexed by the core's local neuron, gate output or axon number. */
    static final class CoreTables {
        final int id;
        final int neurons;
        final int gateOutputs;
        /** Per neuron: threshold, bias (mantissa·2^exponent), reset mode. */
        final long[] threshold;
        final long[] bias;
        final boolean[] resetToZero;
        /** Per neuron block: its layer, first neuron in the layer and first local neuron, to name neurons. */
        final String[] blockLayer;
        final int[] blockFirst;
        final int[] blockLocal;
        /** Per gate block: its gate unit and its first slot (gate outputs are numbered after the neurons). */
        final String[] gateBlockUnit;
        final int[] gateBlockLocal;
        /** Gate output g reads local neurons gateInputs[gateStart[g] .. gateStart[g+1]) in row-major window order. */
        final int[] gateStart;
        final int[] gateInputs;
        /** Axon a feeds local neurons synapseTarget[axonStart[a] .. axonStart[a+1]) with synapseWeight. */
        final int[] axonStart;
        final int[] synapseTarget;
        final long[] synapseWeight;
        /** Emitting slot s (neurons, then gate outputs) sends to (routeCore, routeAxon)[routeStart[s] .. [s+1]). */
        final int[] routeStart;
        final int[] routeCore;
        final int[] routeAxon;
        /** The axons that carry the analog input, and the input element each carries. */
        final int[] inputAxons;
        final int[] inputElements;
        /**
         * Neurons are stored in an order of their own: {@code internalOf[local]} is where the configuration's local
         * neuron is, {@code localOf} the inverse.
         */
        final int[] internalOf;
        final int[] localOf;
        /**
         * Axon a's synapses, sorted by target, form the runs axonRun[a] .. axonRun[a+1]): run r feeds the consecutive
         * neurons from runTarget[r] with synapses runSynapse[r] .. runSynapse[r+1]).
         */
        final int[] axonRun;
        final int[] runTarget;
        final int[] runSynapse;

        CoreTables(int id, int neurons, int gateOutputs, long[] threshold, long[] bias, boolean[] resetToZero,
                   String[] blockLayer, int[] blockFirst, int[] blockLocal, String[] gateBlockUnit,
                   int[] gateBlockLocal, int[] gateStart, int[] gateInputs,
                   int[] axonStart, int[] synapseTarget, long[] synapseWeight, int[] routeStart, int[] routeCore,
                   int[] routeAxon, int[] inputAxons, int[] inputElements, int[] internalOf) {
            this.id = id;
            this.neurons = neurons;
            this.gateOutputs = gateOutputs;
            this.threshold = threshold;
            this.bias = bias;
            this.resetToZero = resetToZero;
            this.blockLayer = blockLayer;
            this.blockFirst = blockFirst;
            this.blockLocal = blockLocal;
            this.gateBlockUnit = gateBlockUnit;
            this.gateBlockLocal = gateBlockLocal;
            this.gateStart = gateStart;
            this.gateInputs = gateInputs;
            this.axonStart = axonStart;
            this.synapseTarget = synapseTarget;
            this.synapseWeight = synapseWeight;
            this.routeStart = routeStart;
            this.routeCore = routeCore;
            this.routeAxon = routeAxon;
            this.inputAxons = inputAxons;
            this.inputElements = inputElements;
            this.internalOf = internalOf;
            this.localOf = new int[internalOf.length];
            for (int local = 0; local < internalOf.length; local++) {
                localOf[internalOf[local]] = local;
            }
            sortByTarget(axonStart, synapseTarget, synapseWeight);
            int runs = 0;
            for (int a = 0; a + 1 < axonStart.length; a++) {
                for (int s = axonStart[a]; s < axonStart[a + 1]; s++) {
                    runs += s == axonStart[a] || synapseTarget[s] != synapseTarget[s - 1] + 1 ? 1 : 0;
                }
            }
            this.axonRun = new int[axonStart.length];
            this.runTarget = new int[runs];
            this.runSynapse = new int[runs + 1];
            int r = 0;
            for (int a = 0; a + 1 < axonStart.length; a++) {
                axonRun[a] = r;
                for (int s = axonStart[a]; s < axonStart[a + 1]; s++) {
                    if (s == axonStart[a] || synapseTarget[s] != synapseTarget[s - 1] + 1) {
                        runTarget[r] = synapseTarget[s];
                        runSynapse[r++] = s;
                    }
                }
            }
            axonRun[axonStart.length - 1] = r;
            runSynapse[runs] = synapseTarget.length;
        }

        /** Sorts each axon's synapses by target neuron, keeping each weight with its target. */
        private static void sortByTarget(int[] axonStart, int[] synapseTarget, long[] synapseWeight) {
            for (int a = 0; a + 1 < axonStart.length; a++) {
                int from = axonStart[a];
                int count = axonStart[a + 1] - from;
                long[] keyed = new long[count];
                for (int k = 0; k < count; k++) {
                    keyed[k] = (long) synapseTarget[from + k] << 32 | k;
                }
                Arrays.sort(keyed);
                long[] weights = Arrays.copyOfRange(synapseWeight, from, from + count);
                for (int k = 0; k < count; k++) {
                    synapseTarget[from + k] = (int) (keyed[k] >>> 32);
                    synapseWeight[from + k] = weights[(int) keyed[k]];
                }
            }
        }

        /** A local neuron named as the layer's element, e.g. {@code probs[4]}. */
        String neuronName(int local) {
            int block = blockLocal.length - 1;
            while (blockLocal[block] > local) {
                block--;
            }
            return blockLayer[block] + "[" + (blockFirst[block] + local - blockLocal[block]) + "]";
        }
    }

    private Chip(Configuration configuration, CoreTables[] cores, int[] readoutCore, int[] readoutNeuron) {
        this.configuration = configuration;
        this.cores = cores;
        this.inputSize = (int) product(configuration.input().shape());
        this.readoutCore = readoutCore;
        this.readoutNeuron = readoutNeuron;
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
        this.clearsPending = new boolean[cores.length][];
        for (int c = 0; c < cores.length; c++) {
            pendingWords[c] = PendingWords.of(cores[c], mostDelivered[c], leastDelivered[c]);
            clearsPending[c] = lastReaders(c);
        }
        long wordsPerStep = 0;
        long perNeuron = 0;
        for (int c = 0; c < cores.length; c++) {
            wordsPerStep += pendingWords[c].row;
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

    /** Fills {@link #mostDelivered} and {@link #leastDelivered} from every route's synapses. */
    private void boundDeliveries() {
        for (CoreTables core : cores) {
            for (int r = 0; r < core.routeCore.length; r++) {
                int d = core.routeCore[r];
                int axon = core.routeAxon[r];
                for (int s = cores[d].axonStart[axon]; s < cores[d].axonStart[axon + 1]; s++) {
                    long weight = cores[d].synapseWeight[s];
                    long[] bound = weight > 0 ? mostDelivered[d] : leastDelivered[d];
                    int target = cores[d].synapseTarget[s];
                    bound[target] = saturatingAdd(bound[target], weight);
                }
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
            PendingWords packing = pendingWords[cores[c].routeCore[r]];
            int axon = cores[c].routeAxon[r];
            int run = destination.axonRun[axon];
            boolean single = destination.axonRun[axon + 1] == run + 1
                    && packing.start[run + 1] == packing.start[run] + 1;
            routeSynapses[c][r] = destination.axonStart[axon + 1] - destination.axonStart[axon];
            routeWord[c][r] = single ? packing.firstWord[run] : -1;
            routeValue[c][r] = single ? packing.words[packing.start[run]] : 0;
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

    /** Whether a route can deliver a non-zero weight to neuron i of core c; if not, its input is the analog current. */
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

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    /** Loads, checks and builds the configuration at {@code file}. */
    public static Chip load(Path file) {
        return build(ConfigurationLoader.load(file), String.valueOf(file.getFileName()));
    }

    /** Builds a checked configuration into the chip's tables; {@code fileName} starts every message. */
    public static Chip build(Configuration configuration, String fileName) {
        return new Builder(configuration, fileName).build();
    }

    public Configuration configuration() {
        return configuration;
    }

    /** The number of input elements an image must have. */
    public int inputSize() {
        return inputSize;
    }

    /** The number of classes: the readout population's size. */
    public int classes() {
        return readoutCore.length;
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

    /** Builds the tables core by core; each conv or dense synapse becomes fan-out entries of the axons it reads. */
    private static final class Builder {
        private final Configuration configuration;
        private final String fileName;
        private final Map<String, int[]> shapes = new HashMap<>();
        private final Map<Integer, Integer> coreIndex = new HashMap<>();
        /** The core being built's storage order: {@link #channelLastOrder}. */
        private int[] internal;

        Builder(Configuration configuration, String fileName) {
            this.configuration = configuration;
            this.fileName = fileName;
            shapes.put(configuration.input().name(), configuration.input().shape());
            configuration.layers().forEach(layer -> shapes.put(layer.name(), layer.shape()));
            configuration.gates().forEach(gate -> shapes.put(gate.name(), gate.shape()));
            for (int i = 0; i < configuration.cores().size(); i++) {
                coreIndex.put(configuration.cores().get(i).id(), i);
            }
        }

        private EmulatorException error(String path, String message) {
            return new EmulatorException(fileName + ": " + path + ": " + message);
        }

        Chip build() {
            checkSynapseBudget();
            List<Core> coreList = configuration.cores();
            CoreTables[] tables = new CoreTables[coreList.size()];
            for (int c = 0; c < tables.length; c++) {
                tables[c] = buildCore(coreList.get(c), "cores[" + c + "]");
            }
            String population = configuration.readout().population();
            int classes = (int) product(shapes.get(population));
            int[] readoutCore = new int[classes];
            int[] readoutNeuron = new int[classes];
            for (int c = 0; c < coreList.size(); c++) {
                int local = 0;
                for (NeuronBlock block : coreList.get(c).neurons()) {
                    if (block.layer().equals(population)) {
                        for (int k = 0; k < block.count(); k++) {
                            readoutCore[block.first() + k] = c;
                            readoutNeuron[block.first() + k] = tables[c].internalOf[local + k];
                        }
                    }
                    local += block.count();
                }
            }
            return new Chip(configuration, tables, readoutCore, readoutNeuron);
        }

        /** The synapse tables' entries, counted from the declared geometry before any is allocated. */
        private void checkSynapseBudget() {
            long entries = 0;
            for (Core core : configuration.cores()) {
                for (Synapse synapse : core.synapses()) {
                    if (synapse.dense()) {
                        entries += synapse.mantissas().length;
                        continue;
                    }
                    Kernel kernel = kernel(synapse.kernel());
                    long perNeuron = (long) kernel.inputShape()[0] / kernel.groups() * kernel.kernel()[0]
                            * kernel.kernel()[1];
                    for (NeuronBlock block : core.neurons()) {
                        if (block.layer().equals(synapse.target())) {
                            entries += perNeuron * block.count();
                        }
                    }
                }
            }
            long memory = entries * (Integer.BYTES + Long.BYTES) * 2;
            if (entries > SYNAPSE_BUDGET || memory > Runtime.getRuntime().maxMemory() / 2) {
                throw new EmulatorException(fileName + ": cores: the synapses expand to " + entries
                        + " table entries (about " + (memory >> 20) + " MiB), more than the emulator can hold");
            }
        }

        private Kernel kernel(String name) {
            for (Kernel kernel : configuration.kernels()) {
                if (kernel.name().equals(name)) {
                    return kernel;
                }
            }
            throw new IllegalStateException("checked kernel " + name);
        }

        private CoreTables buildCore(Core core, String path) {
            int neurons = 0;
            for (NeuronBlock block : core.neurons()) {
                neurons += block.count();
            }
            internal = channelLastOrder(core, neurons);
            long[] threshold = new long[neurons];
            long[] bias = new long[neurons];
            boolean[] resetToZero = new boolean[neurons];
            int blocks = core.neurons().size();
            String[] blockLayer = new String[Math.max(1, blocks)];
            int[] blockFirst = new int[Math.max(1, blocks)];
            int[] blockLocal = new int[Math.max(1, blocks)];
            blockLayer[0] = "";
            Map<String, List<int[]>> held = new HashMap<>();
            int local = 0;
            for (int b = 0; b < blocks; b++) {
                NeuronBlock block = core.neurons().get(b);
                blockLayer[b] = block.layer();
                blockFirst[b] = block.first();
                blockLocal[b] = local;
                held.computeIfAbsent(block.layer(), k -> new ArrayList<>()).add(
                        new int[] {block.first(), block.count(), local});
                int[] shape = shapes.get(block.layer());
                int perChannel = shape.length == 3 ? shape[1] * shape[2] : 1;
                int firstChannel = block.first() / perChannel;
                for (int k = 0; k < block.count(); k++) {
                    int at = internal[local + k];
                    threshold[at] = block.threshold();
                    resetToZero[at] = block.resetToZero();
                    int mantissa = block.biasPerChannel() ? (block.first() + k) / perChannel - firstChannel : k;
                    bias[at] = block.biasMantissas()[mantissa] << block.biasExponent();
                }
                local += block.count();
            }
            int gateOutputs = 0;
            String[] gateBlockUnit = new String[core.gates().size()];
            int[] gateBlockLocal = new int[core.gates().size()];
            for (int b = 0; b < gateBlockUnit.length; b++) {
                GateBlock block = core.gates().get(b);
                gateBlockUnit[b] = block.unit();
                gateBlockLocal[b] = neurons + gateOutputs;
                held.computeIfAbsent(block.unit(), k -> new ArrayList<>()).add(
                        new int[] {block.first(), block.count(), neurons + gateOutputs});
                gateOutputs += block.count();
            }
            int[][] gateTable = buildGates(core, path, neurons, gateOutputs, held);
            int[] axonStart;
            MutableIntList targets = IntLists.mutable.empty();
            MutableIntList axons = IntLists.mutable.empty();
            MutableLongList weights = LongLists.mutable.empty();
            for (int s = 0; s < core.synapses().size(); s++) {
                Synapse synapse = core.synapses().get(s);
                String synapsePath = path + ".synapses[" + s + "]";
                if (synapse.dense()) {
                    addDense(core, synapse, synapsePath, held, axons, targets, weights);
                } else {
                    addConv(core, synapse, synapsePath, held, axons, targets, weights);
                }
            }
            int axonCount = 0;
            for (AxonBlock block : core.axons()) {
                axonCount = Math.max(axonCount, block.axonFirst() + block.count());
            }
            axonStart = new int[axonCount + 1];
            for (int i = 0; i < axons.size(); i++) {
                axonStart[axons.get(i) + 1]++;
            }
            for (int a = 0; a < axonCount; a++) {
                axonStart[a + 1] += axonStart[a];
            }
            int[] fill = axonStart.clone();
            int[] synapseTarget = new int[axons.size()];
            long[] synapseWeight = new long[axons.size()];
            for (int i = 0; i < axons.size(); i++) {
                int at = fill[axons.get(i)]++;
                synapseTarget[at] = targets.get(i);
                synapseWeight[at] = weights.get(i);
            }
            int[][] routes = buildRoutes(core, neurons + gateOutputs, held);
            MutableIntList inputAxons = IntLists.mutable.empty();
            MutableIntList inputElements = IntLists.mutable.empty();
            for (AxonBlock block : core.axons()) {
                if (block.source().equals(configuration.input().name())) {
                    for (int k = 0; k < block.count(); k++) {
                        inputAxons.add(block.axonFirst() + k);
                        inputElements.add(block.sourceFirst() + k);
                    }
                }
            }
            return new CoreTables(core.id(), neurons, gateOutputs, threshold, bias, resetToZero, blockLayer,
                    blockFirst, blockLocal, gateBlockUnit, gateBlockLocal, gateTable[0], gateTable[1], axonStart,
                    synapseTarget, synapseWeight,
                    routes[0], routes[1], routes[2], inputAxons.toArray(), inputElements.toArray(), internal);
        }

        /**
         * Where each local neuron is stored: a block of a [C,H,W] layer in (h, w, c) order, every other block as it is.
         * A convolution's synapses from one input element then reach, for each kernel row, all filters of a run of
         * output columns: consecutive stored neurons, which {@link Emulator} delivers to as one contiguous run.
         */
        private int[] channelLastOrder(Core core, int neurons) {
            int[] order = new int[neurons];
            int local = 0;
            for (NeuronBlock block : core.neurons()) {
                int[] shape = shapes.get(block.layer());
                long[] keyed = new long[block.count()];
                for (int k = 0; k < block.count(); k++) {
                    long key = k;
                    if (shape.length == 3) {
                        int plane = shape[1] * shape[2];
                        int element = block.first() + k;
                        key = (long) (element % plane) * shape[0] + element / plane;
                    }
                    keyed[k] = key << 32 | k;
                }
                Arrays.sort(keyed);
                for (int rank = 0; rank < keyed.length; rank++) {
                    order[local + (int) keyed[rank]] = local + rank;
                }
                local += block.count();
            }
            return order;
        }

        /** The stored slot of element {@code index} of {@code name} on this core, or -1 when it is elsewhere. */
        private int localSlot(Map<String, List<int[]>> held, String name, int index) {
            for (int[] block : held.getOrDefault(name, List.of())) {
                if (index >= block[0] && index < block[0] + block[1]) {
                    int slot = block[2] + index - block[0];
                    return slot < internal.length ? internal[slot] : slot;
                }
            }
            return -1;
        }

        /** The axon of this core that carries element {@code index} of {@code source}, or -1. */
        private static int axonCarrying(Core core, String source, int index) {
            for (AxonBlock block : core.axons()) {
                if (block.source().equals(source) && index >= block.sourceFirst()
                        && index < block.sourceFirst() + block.count()) {
                    return block.axonFirst() + index - block.sourceFirst();
                }
            }
            return -1;
        }

        private int requireAxon(Core core, String path, String source, int element, String reader) {
            int axon = axonCarrying(core, source, element);
            if (axon < 0) {
                throw error(path, "no axon of core " + core.id() + " carries element " + element + " of '" + source
                        + "', which " + reader + " reads");
            }
            return axon;
        }

        private void addDense(Core core, Synapse synapse, String path, Map<String, List<int[]>> held,
                              MutableIntList axons, MutableIntList targets, MutableLongList weights) {
            int[] axonOf = new int[synapse.inputs()];
            for (int row = 0; row < synapse.rows(); row++) {
                int neuron = synapse.rowsFirst() + row;
                int target = localSlot(held, synapse.target(), neuron);
                if (target < 0) {
                    throw error(path, "row " + row + " is neuron " + synapse.target() + "[" + neuron
                            + "], which core " + core.id() + " does not hold");
                }
                for (int input = 0; input < synapse.inputs(); input++) {
                    if (row == 0) {
                        axonOf[input] = requireAxon(core, path, synapse.source(), input,
                                synapse.target() + "[" + neuron + "]");
                    }
                    axons.add(axonOf[input]);
                    targets.add(target);
                    weights.add(synapse.mantissas()[row * synapse.inputs() + input] << synapse.exponent());
                }
            }
        }

        /** Target (f,i,j) receives K[f,c,u,v]·2^e from source (g·C/G + c, i·sh + u − top, j·sw + v − left). */
        private void addConv(Core core, Synapse synapse, String path, Map<String, List<int[]>> held,
                             MutableIntList axons, MutableIntList targets, MutableLongList weights) {
            Kernel kernel = kernel(synapse.kernel());
            int[] in = kernel.inputShape();
            int[] out = kernel.outputShape();
            int kh = kernel.kernel()[0];
            int kw = kernel.kernel()[1];
            int channelsPerGroup = in[0] / kernel.groups();
            int outPlane = out[1] * out[2];
            for (int[] block : held.getOrDefault(synapse.target(), List.of())) {
                for (int k = 0; k < block[1]; k++) {
                    int neuron = block[0] + k;
                    int f = neuron / outPlane;
                    int i = neuron % outPlane / out[2];
                    int j = neuron % out[2];
                    int g = (int) ((long) f * kernel.groups() / out[0]);
                    for (int c = 0; c < channelsPerGroup; c++) {
                        for (int u = 0; u < kh; u++) {
                            int y = i * kernel.stride()[0] + u - kernel.padding()[0];
                            for (int v = 0; v < kw; v++) {
                                int x = j * kernel.stride()[1] + v - kernel.padding()[1];
                                if (y < 0 || y >= in[1] || x < 0 || x >= in[2]) {
                                    continue;
                                }
                                int element = ((g * channelsPerGroup + c) * in[1] + y) * in[2] + x;
                                axons.add(requireAxon(core, path, synapse.source(), element,
                                        synapse.target() + "[" + neuron + "]"));
                                targets.add(internal[block[2] + k]);
                                long mantissa = kernel.mantissas()[((f * channelsPerGroup + c) * kh + u) * kw + v];
                                weights.add(mantissa << kernel.exponent());
                            }
                        }
                    }
                }
            }
        }

        /** Each gate output's window as local neurons in row-major order; padding positions are left out. */
        private int[][] buildGates(Core core, String path, int neurons, int gateOutputs,
                                   Map<String, List<int[]>> held) {
            int[] start = new int[gateOutputs + 1];
            MutableIntList inputs = IntLists.mutable.empty();
            int output = 0;
            for (int b = 0; b < core.gates().size(); b++) {
                GateBlock block = core.gates().get(b);
                GateUnit unit = configuration.gates().stream().filter(gate -> gate.name().equals(block.unit()))
                        .findFirst().orElseThrow();
                int[] in = shapes.get(unit.population());
                int[] out = unit.shape();
                for (int k = 0; k < block.count(); k++) {
                    int index = block.first() + k;
                    int c = index / (out[1] * out[2]);
                    int i = index % (out[1] * out[2]) / out[2];
                    int j = index % out[2];
                    for (int u = 0; u < unit.kernel()[0]; u++) {
                        int y = i * unit.stride()[0] + u - unit.padding()[0];
                        for (int v = 0; v < unit.kernel()[1]; v++) {
                            int x = j * unit.stride()[1] + v - unit.padding()[1];
                            if (y < 0 || y >= in[1] || x < 0 || x >= in[2]) {
                                continue;
                            }
                            int element = (c * in[1] + y) * in[2] + x;
                            int slot = localSlot(held, unit.population(), element);
                            if (slot < 0 || slot >= neurons) {
                                throw error(path + ".gates[" + b + "]", "the window of " + unit.name() + "[" + index
                                        + "] reads " + unit.population() + "[" + element + "], which core "
                                        + core.id() + " does not hold");
                            }
                            inputs.add(slot);
                        }
                    }
                    start[++output] = inputs.size();
                }
            }
            return new int[][] {start, inputs.toArray()};
        }

        private int[][] buildRoutes(Core core, int slots, Map<String, List<int[]>> held) {
            int[] start = new int[slots + 1];
            MutableIntList slotOf = IntLists.mutable.empty();
            MutableIntList destinationCore = IntLists.mutable.empty();
            MutableIntList destinationAxon = IntLists.mutable.empty();
            for (Route route : core.routes()) {
                int destination = coreIndex.get(route.core());
                for (int k = 0; k < route.count(); k++) {
                    int slot = localSlot(held, route.source(), route.sourceFirst() + k);
                    if (slot < 0) {
                        throw error("cores[" + coreIndex.get(core.id()) + "].routes", "core " + core.id()
                                + " routes " + route.source() + "[" + (route.sourceFirst() + k)
                                + "], which it does not hold");
                    }
                    slotOf.add(slot);
                    destinationCore.add(destination);
                    destinationAxon.add(route.axonFirst() + k);
                    start[slot + 1]++;
                }
            }
            for (int s = 0; s < slots; s++) {
                start[s + 1] += start[s];
            }
            int[] fill = start.clone();
            int[] cores = new int[slotOf.size()];
            int[] axons = new int[slotOf.size()];
            for (int i = 0; i < slotOf.size(); i++) {
                int at = fill[slotOf.get(i)]++;
                cores[at] = destinationCore.get(i);
                axons[at] = destinationAxon.get(i);
            }
            return new int[][] {start, cores, axons};
        }
    }
}
