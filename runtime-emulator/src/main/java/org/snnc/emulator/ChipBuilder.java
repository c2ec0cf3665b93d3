package org.snnc.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
import org.snnc.emulator.config.ConfigurationError;

/**
 * Builds a checked {@link Configuration} into a {@link Chip}'s tables, core by core: neuron parameters in the stored
 * order of {@link CoreTables}, gate windows, routes, and each axon's synapses as segments, a convolution's over the
 * {@link KernelSlice}s of the filters the core holds at each position and a dense projection's over the core's own rows. Reports what the configuration's checks
 * cannot see (an axon missing for a synapse, a route from a neuron the core does not hold) by JSON path.
 */
final class ChipBuilder {
    private final Configuration configuration;
    private final String fileName;
    private final Map<String, int[]> shapes = new HashMap<>();
    private final Map<Integer, Integer> coreIndex = new HashMap<>();
    private final Map<String, Kernel> kernels = new HashMap<>();
    private final Map<String, GateUnit> gateUnits = new HashMap<>();
    /** Every kernel slice any core applies, by kernel name and filter list, each made once. */
    private final Map<List<Object>, KernelSlice> slices = new LinkedHashMap<>();

    ChipBuilder(Configuration configuration, String fileName) {
        this.configuration = configuration;
        this.fileName = fileName;
        shapes.put(configuration.input().name(), configuration.input().shape());
        configuration.layers().forEach(layer -> shapes.put(layer.name(), layer.shape()));
        configuration.gates().forEach(gate -> shapes.put(gate.name(), gate.shape()));
        for (int i = 0; i < configuration.cores().size(); i++) {
            coreIndex.put(configuration.cores().get(i).id(), i);
        }
        configuration.kernels().forEach(kernel -> kernels.put(kernel.name(), kernel));
        configuration.gates().forEach(gate -> gateUnits.put(gate.name(), gate));
    }

    /** The slice of {@code kernel}'s {@code filters}, made on first use. */
    private KernelSlice slice(Kernel kernel, int[] filters) {
        return slices.computeIfAbsent(List.of(kernel.name(), IntLists.immutable.of(filters)),
                key -> new KernelSlice(kernel, filters));
    }

    /**
     * The element (c, i·sh + u − top, j·sw + v − left) of a [C,H,W] input that tap (u, v) of output position (i, j)
     * reads, or −1 at a padding position.
     */
    private static int windowElement(int[] in, int c, int i, int j, int u, int v, int[] stride, int[] padding) {
        int y = i * stride[0] + u - padding[0];
        int x = j * stride[1] + v - padding[1];
        return y < 0 || y >= in[1] || x < 0 || x >= in[2] ? -1 : (c * in[1] + y) * in[2] + x;
    }

    private EmulatorException error(String path, String message) {
        return new EmulatorException(ConfigurationError.INCONSISTENT.at(fileName, path, message));
    }

    Chip build() {
        List<Core> coreList = configuration.cores();
        CoreTables[] tables = new CoreTables[coreList.size()];
        for (int c = 0; c < tables.length; c++) {
            tables[c] = new CoreBuilder(coreList.get(c), "cores[" + c + "]").build();
        }
        String population = configuration.readout().population();
        int classes = (int) Chip.product(shapes.get(population));
        int[] readoutCore = new int[classes];
        int[] readoutNeuron = new int[classes];
        for (int c = 0; c < coreList.size(); c++) {
            int local = 0;
            for (NeuronBlock block : coreList.get(c).neurons()) {
                if (block.layer().equals(population) && !block.replica()) {
                    for (int k = 0; k < block.count(); k++) {
                        readoutCore[block.first() + k] = c;
                        readoutNeuron[block.first() + k] = tables[c].internalOf[local + k];
                    }
                }
                local += block.count();
            }
        }
        return new Chip(configuration, tables, readoutCore, readoutNeuron, List.copyOf(slices.values()));
    }

    /** One core's tables. */
    private final class CoreBuilder {
        private final Core core;
        private final String path;
        private final int neurons;
        /** Local number → stored number, and the layer element of each stored neuron. */
        private final int[] internal;
        private final int[] elementAt;
        /**
         * Per layer or gate unit held: its blocks {first element, count, first local slot, 1 for a replica block}
         * sorted by first element, for a binary search (a core holds each element once: the configuration's checks).
         */
        private final Map<String, List<int[]>> held = new HashMap<>();
        /** Per name in {@link #held}: the first elements of its blocks, in their order, for the search. */
        private final Map<String, int[]> heldFirsts = new HashMap<>();
        /** Per layer held, in order of first appearance: its first stored neuron. */
        private final Map<String, Integer> layerStart = new LinkedHashMap<>();
        private final SegmentList segments = new SegmentList();

        CoreBuilder(Core core, String path) {
            this.core = core;
            this.path = path;
            int count = 0;
            for (NeuronBlock block : core.neurons()) {
                count += block.count();
            }
            this.neurons = count;
            this.internal = new int[neurons];
            this.elementAt = new int[neurons];
            storeByLayer();
            int gateSlot = neurons;
            for (GateBlock block : core.gates()) {
                held.computeIfAbsent(block.unit(), k -> new ArrayList<>())
                        .add(new int[] {block.first(), block.count(), gateSlot, 0});
                gateSlot += block.count();
            }
            held.forEach((name, blocks) -> {
                blocks.sort(Comparator.comparingInt(block -> block[0]));
                heldFirsts.put(name, blocks.stream().mapToInt(block -> block[0]).toArray());
            });
        }

        /**
         * The stored order of {@link CoreTables}: layers in order of first appearance, each layer's neurons by
         * (h, w, c) for a [C,H,W] layer and by index otherwise, across all the layer's blocks.
         */
        private void storeByLayer() {
            Map<String, MutableLongList> keys = new LinkedHashMap<>();
            int local = 0;
            for (NeuronBlock block : core.neurons()) {
                int[] shape = shapes.get(block.layer());
                MutableLongList layerKeys = keys.computeIfAbsent(block.layer(), k -> LongLists.mutable.empty());
                for (int k = 0; k < block.count(); k++) {
                    int element = block.first() + k;
                    long key = element;
                    if (shape.length == 3) {
                        int plane = shape[1] * shape[2];
                        key = (long) (element % plane) * shape[0] + element / plane;
                    }
                    layerKeys.add(key << 32 | (local + k));
                }
                local += block.count();
            }
            int stored = 0;
            for (Map.Entry<String, MutableLongList> layer : keys.entrySet()) {
                layerStart.put(layer.getKey(), stored);
                long[] sorted = layer.getValue().toSortedArray();
                for (long key : sorted) {
                    internal[(int) key] = stored++;
                }
            }
            local = 0;
            for (NeuronBlock block : core.neurons()) {
                held.computeIfAbsent(block.layer(), k -> new ArrayList<>())
                        .add(new int[] {block.first(), block.count(), local, block.replica() ? 1 : 0});
                for (int k = 0; k < block.count(); k++) {
                    elementAt[internal[local + k]] = block.first() + k;
                }
                local += block.count();
            }
        }

        CoreTables build() {
            CoreTables.Builder tables = new CoreTables.Builder().id(core.id());
            buildNeurons(tables);
            int gateOutputs = buildGates(tables);
            buildSynapses(tables);
            buildRoutes(tables, neurons + gateOutputs);
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
            return tables.inputAxons(inputAxons.toArray(), inputElements.toArray()).build();
        }

        private void buildNeurons(CoreTables.Builder tables) {
            long[] threshold = new long[neurons];
            long[] initialMembrane = new long[neurons];
            long[] bias = new long[neurons];
            boolean[] resetToZero = new boolean[neurons];
            boolean[] replica = new boolean[neurons];
            boolean decaying = core.neurons().stream().anyMatch(NeuronBlock::decays);
            int[] decayU = decaying ? new int[neurons] : null;
            int[] decayV = decaying ? new int[neurons] : null;
            int blocks = core.neurons().size();
            String[] blockLayer = new String[Math.max(1, blocks)];
            int[] blockFirst = new int[Math.max(1, blocks)];
            int[] blockLocal = new int[Math.max(1, blocks)];
            blockLayer[0] = "";
            int local = 0;
            for (int b = 0; b < blocks; b++) {
                NeuronBlock block = core.neurons().get(b);
                blockLayer[b] = block.layer();
                blockFirst[b] = block.first();
                blockLocal[b] = local;
                int[] shape = shapes.get(block.layer());
                int perChannel = shape.length == 3 ? shape[1] * shape[2] : 1;
                int firstChannel = block.first() / perChannel;
                for (int k = 0; k < block.count(); k++) {
                    int at = internal[local + k];
                    threshold[at] = block.threshold();
                    initialMembrane[at] = block.initialMembrane();
                    resetToZero[at] = block.resetToZero();
                    replica[at] = block.replica();
                    if (decaying) {
                        decayU[at] = block.decayU();
                        decayV[at] = block.decayV();
                    }
                    int mantissa = block.biasPerChannel() ? (block.first() + k) / perChannel - firstChannel : k;
                    bias[at] = block.biasMantissas()[mantissa] << block.biasExponent();
                }
                local += block.count();
            }
            String[] layerName = layerStart.keySet().toArray(String[]::new);
            int[] layerFirst = layerStart.values().stream().mapToInt(Integer::intValue).toArray();
            tables.neurons(threshold, initialMembrane, bias, resetToZero, replica).decays(decayU, decayV)
                    .blocks(blockLayer, blockFirst, blockLocal, internal)
                    .layers(layerName, layerFirst);
        }

        /** The held block of {@code name} holding element {@code index}, or null when it is elsewhere. */
        private int[] heldBlock(String name, int index) {
            int[] firsts = heldFirsts.get(name);
            if (firsts == null) {
                return null;
            }
            int found = Arrays.binarySearch(firsts, index);
            int last = found >= 0 ? found : -found - 2;
            int[] block = last < 0 ? null : held.get(name).get(last);
            return block != null && index < (long) block[0] + block[1] ? block : null;
        }

        /** The stored slot of element {@code index} of {@code block}. */
        private int slotIn(int[] block, int index) {
            int slot = block[2] + index - block[0];
            return slot < neurons ? internal[slot] : slot;
        }

        /** The stored slot of element {@code index} of {@code name} on this core, or -1 when it is elsewhere. */
        private int localSlot(String name, int index) {
            int[] block = heldBlock(name, index);
            return block == null ? -1 : slotIn(block, index);
        }

        /** The stored slot of element {@code index} of {@code name} when this core owns it (no replica), or -1. */
        private int ownedSlot(String name, int index) {
            int[] block = heldBlock(name, index);
            return block == null || block[3] == 1 ? -1 : slotIn(block, index);
        }

        /** Per element of {@code source}: the first axon of this core that carries it, or −1. */
        private int[] axonsCarrying(String source) {
            int[] axon = new int[(int) Chip.product(shapes.get(source))];
            Arrays.fill(axon, -1);
            for (AxonBlock block : core.axons()) {
                if (block.source().equals(source)) {
                    for (int k = 0; k < block.count(); k++) {
                        int element = block.sourceFirst() + k;
                        if (axon[element] < 0) {
                            axon[element] = block.axonFirst() + k;
                        }
                    }
                }
            }
            return axon;
        }

        private EmulatorException missingAxon(String synapsePath, String source, int element, String reader) {
            return error(synapsePath, "no axon of core " + core.id() + " carries element " + element + " of '"
                    + source + "', which " + reader + " reads");
        }

        /** Collects every synapse entry's segments, then orders them axon by axon (keeping each axon's order). */
        private void buildSynapses(CoreTables.Builder tables) {
            MutableLongList dense = LongLists.mutable.empty();
            for (int s = 0; s < core.synapses().size(); s++) {
                Synapse synapse = core.synapses().get(s);
                String synapsePath = path + ".synapses[" + s + "]";
                if (synapse.dense()) {
                    addDense(synapse, synapsePath, dense);
                } else {
                    addConv(synapse, synapsePath);
                }
            }
            int axonCount = 0;
            for (AxonBlock block : core.axons()) {
                axonCount = Math.max(axonCount, block.axonFirst() + block.count());
            }
            segments.into(tables, axonCount, dense.toArray());
        }

        /**
         * The dense rows as segments over the core's own weights: each input's synapses sorted by target, laid out
         * input by input, so a run of consecutive targets reads consecutive weights.
         */
        private void addDense(Synapse synapse, String synapsePath, MutableLongList dense) {
            int[] axonOf = axonsCarrying(synapse.source());
            int[] target = new int[synapse.rows()];
            for (int row = 0; row < synapse.rows(); row++) {
                int neuron = synapse.rowsFirst() + row;
                target[row] = localSlot(synapse.target(), neuron);
                if (target[row] < 0) {
                    throw error(synapsePath, "row " + row + " is neuron " + synapse.target() + "[" + neuron
                            + "], which core " + core.id() + " does not hold");
                }
            }
            long[] byTarget = new long[synapse.rows()];
            for (int row = 0; row < synapse.rows(); row++) {
                byTarget[row] = (long) target[row] << 32 | row;
            }
            Arrays.sort(byTarget);
            for (int input = 0; input < synapse.inputs(); input++) {
                if (synapse.rows() > 0 && (input >= axonOf.length || axonOf[input] < 0)) {
                    throw missingAxon(synapsePath, synapse.source(), input,
                            synapse.target() + "[" + synapse.rowsFirst() + "]");
                }
                for (long keyed : byTarget) {
                    int row = (int) keyed;
                    segments.add(axonOf[input], target[row], 1, 0, dense.size());
                    dense.add(synapse.mantissas()[row * synapse.inputs() + input] << synapse.exponent());
                }
            }
        }

        /**
         * A convolution's segments. At each output position, the filters of one group that the core holds there are
         * consecutive stored neurons (channel-last), whatever set of filters they are: one run. The input element
         * (c, y, x) reaches, at each tap (u, v) with y = i·sh + u − top and x = j·sw + v − left, the run of c's group
         * at (i, j), with the weights of the {@link KernelSlice} of exactly that run's filters: one segment, which
         * continues the previous tap's where the core holds the same filters at the next position of the row.
         */
        private void addConv(Synapse synapse, String synapsePath) {
            Kernel geometry = kernels.get(synapse.kernel());
            int[] in = geometry.inputShape();
            int[] out = geometry.outputShape();
            int channelsPerGroup = in[0] / geometry.groups();
            int kh = geometry.kernel()[0];
            int kw = geometry.kernel()[1];
            Integer first = layerStart.get(synapse.target());
            PositionRuns runs = first == null ? PositionRuns.of(elementAt, 0, 0, out, 1)
                    : PositionRuns.of(elementAt, first, layerEnd(first), out, out[0] / geometry.groups());
            Map<int[], KernelSlice> sliceOf = new IdentityHashMap<>();
            int[] axonOf = axonsCarrying(synapse.source());
            requireAxons(synapse, synapsePath, geometry, runs, axonOf);
            int plane = in[1] * in[2];
            for (int element = 0; element < axonOf.length; element++) {
                int axon = axonOf[element];
                if (axon < 0) {
                    continue;
                }
                int c = element / plane;
                int y = element % plane / in[2];
                int x = element % in[2];
                int group = c / channelsPerGroup;
                for (int u = 0; u < kh; u++) {
                    int row = y + geometry.padding()[0] - u;
                    if (row < 0 || row % geometry.stride()[0] != 0 || row / geometry.stride()[0] >= out[1]) {
                        continue;
                    }
                    for (int reversedV = 0; reversedV < kw; reversedV++) {
                        int column = x + geometry.padding()[1] - (kw - 1 - reversedV);
                        if (column < 0 || column % geometry.stride()[1] != 0
                                || column / geometry.stride()[1] >= out[2]) {
                            continue;
                        }
                        int position = row / geometry.stride()[0] * out[2] + column / geometry.stride()[1];
                        for (int n = runs.start()[position]; n < runs.start()[position + 1]; n++) {
                            if (runs.group()[n] == group) {
                                KernelSlice slice = sliceOf.computeIfAbsent(runs.filters().get(n),
                                        filters -> slice(geometry, filters));
                                segments.add(axon, runs.neuron()[n], slice.filters.length,
                                        segments.source(slice.transposed), slice.offset(c, u, reversedV, 0));
                            }
                        }
                    }
                }
            }
        }

        /** Every non-padding tap of every target the core holds must have an axon carrying its input element. */
        private void requireAxons(Synapse synapse, String synapsePath, Kernel geometry, PositionRuns runs,
                                  int[] axonOf) {
            int[] in = geometry.inputShape();
            int[] out = geometry.outputShape();
            int channelsPerGroup = in[0] / geometry.groups();
            for (int position = 0; position < out[1] * out[2]; position++) {
                int i = position / out[2];
                int j = position % out[2];
                for (int n = runs.start()[position]; n < runs.start()[position + 1]; n++) {
                    int f = runs.filters().get(n)[0];
                    for (int c = runs.group()[n] * channelsPerGroup; c < (runs.group()[n] + 1) * channelsPerGroup; c++) {
                        for (int u = 0; u < geometry.kernel()[0]; u++) {
                            for (int v = 0; v < geometry.kernel()[1]; v++) {
                                int element = windowElement(in, c, i, j, u, v, geometry.stride(), geometry.padding());
                                if (element >= 0 && axonOf[element] < 0) {
                                    throw missingAxon(synapsePath, synapse.source(), element, synapse.target()
                                            + "[" + ((f * out[1] + i) * out[2] + j) + "]");
                                }
                            }
                        }
                    }
                }
            }
        }

        /** The end of the stored range of the layer that starts at {@code first}. */
        private int layerEnd(int first) {
            int end = neurons;
            for (int start : layerStart.values()) {
                if (start > first) {
                    end = Math.min(end, start);
                }
            }
            return end;
        }

        /** Each gate output's window as stored neurons in row-major order; padding positions are left out. */
        private int buildGates(CoreTables.Builder tables) {
            int gateOutputs = 0;
            String[] gateBlockUnit = new String[core.gates().size()];
            int[] gateBlockLocal = new int[core.gates().size()];
            for (int b = 0; b < gateBlockUnit.length; b++) {
                GateBlock block = core.gates().get(b);
                gateBlockUnit[b] = block.unit();
                gateBlockLocal[b] = neurons + gateOutputs;
                gateOutputs += block.count();
            }
            int[] start = new int[gateOutputs + 1];
            MutableIntList inputs = IntLists.mutable.empty();
            int output = 0;
            for (int b = 0; b < core.gates().size(); b++) {
                GateBlock block = core.gates().get(b);
                GateUnit unit = gateUnits.get(block.unit());
                int[] in = shapes.get(unit.population());
                int[] out = unit.shape();
                for (int k = 0; k < block.count(); k++) {
                    int index = block.first() + k;
                    int c = index / (out[1] * out[2]);
                    int i = index % (out[1] * out[2]) / out[2];
                    int j = index % out[2];
                    for (int u = 0; u < unit.kernel()[0]; u++) {
                        for (int v = 0; v < unit.kernel()[1]; v++) {
                            int element = windowElement(in, c, i, j, u, v, unit.stride(), unit.padding());
                            if (element < 0) {
                                continue;
                            }
                            int slot = localSlot(unit.population(), element);
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
            tables.gates(gateBlockUnit, gateBlockLocal, start, inputs.toArray());
            return gateOutputs;
        }

        private void buildRoutes(CoreTables.Builder tables, int slots) {
            int[] start = new int[slots + 1];
            MutableIntList slotOf = IntLists.mutable.empty();
            MutableIntList destinationCore = IntLists.mutable.empty();
            MutableIntList destinationAxon = IntLists.mutable.empty();
            for (Route route : core.routes()) {
                int destination = coreIndex.get(route.core());
                for (int k = 0; k < route.count(); k++) {
                    int slot = ownedSlot(route.source(), route.sourceFirst() + k);
                    if (slot < 0) {
                        throw error(path + ".routes", "core " + core.id() + " routes " + route.source() + "["
                                + (route.sourceFirst() + k) + "], which it does not own");
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
            tables.routes(start, cores, axons);
        }
    }
}
