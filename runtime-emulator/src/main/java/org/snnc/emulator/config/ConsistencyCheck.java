package org.snnc.emulator.config;

import static org.snnc.emulator.config.ConfigurationError.INCONSISTENT;
import static org.snnc.emulator.config.ConfigurationError.OVER_BUDGET;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.snnc.emulator.config.Configuration.AxonBlock;
import org.snnc.emulator.config.Configuration.Core;
import org.snnc.emulator.config.Configuration.GateBlock;
import org.snnc.emulator.config.Configuration.GateUnit;
import org.snnc.emulator.config.Configuration.Kernel;
import org.snnc.emulator.config.Configuration.Layer;
import org.snnc.emulator.config.Configuration.NeuronBlock;
import org.snnc.emulator.config.Configuration.Route;
import org.snnc.emulator.config.Configuration.Synapse;

/**
 * Checks that the parts of a configuration whose fields are each valid fit together
 * ({@link ConfigurationError#INCONSISTENT}): names resolve, every neuron and gate output sits on exactly one core, a
 * core holds each neuron once (as its owner or as a replica), kernel and matrix sizes match their geometry, and every
 * route lands on axons that carry the elements it sends. (The loader has already checked the sizes against the
 * emulator's budget, and that a core's axon boxes overlap in neither axons nor elements.) Every check sorts or looks
 * up by name, so that it takes O(n log n) in the number n of blocks.
 */
final class ConsistencyCheck {
    private final Configuration configuration;
    private final Fields fields;
    private final Map<String, int[]> sourceShapes = new HashMap<>();
    private final Map<Integer, Core> coresById = new HashMap<>();
    /** Per core id, its axon blocks by first axon, for finding the block that holds an axon. */
    private final Map<Integer, TreeMap<Long, AxonBlock>> blocksByAxon = new HashMap<>();

    /** The names, for lookups that take constant time: a configuration may have many units and many blocks. */
    private final Set<String> layerNames = new HashSet<>();
    private final Set<String> gateNames = new HashSet<>();
    private final Map<String, Kernel> kernelsByName = new HashMap<>();

    ConsistencyCheck(Configuration configuration, Fields fields) {
        this.configuration = configuration;
        this.fields = fields;
        configuration.layers().forEach(layer -> layerNames.add(layer.name()));
        configuration.gates().forEach(gate -> gateNames.add(gate.name()));
        configuration.kernels().forEach(kernel -> kernelsByName.putIfAbsent(kernel.name(), kernel));
    }

    void run() {
        checkNames();
        if (fields.failed()) {
            return;
        }
        checkKernels();
        checkGateUnits();
        checkCores();
        if (fields.failed()) {
            return;
        }
        checkCoverage();
        checkRoutes();
        if (!fields.failed()) {
            spendConvolutionSegments();
            spendGateWindows();
        }
        String readout = configuration.readout().population();
        if (!isLayer(readout)) {
            fields.problem(INCONSISTENT, "readout.population",
                    "'" + readout + "' is not a population of this configuration");
        }
    }

    /**
     * The number of elements of a shape, or -1 when the product exceeds an int (the loader refuses such a shape, so
     * every shape of a read configuration has its size).
     */
    static long size(int[] shape) {
        long size = 1;
        for (int extent : shape) {
            size *= extent;
            if (size > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return size;
    }

    private void checkNames() {
        declare(configuration.input().name(), configuration.input().shape(), "input.name");
        for (int i = 0; i < configuration.layers().size(); i++) {
            Layer layer = configuration.layers().get(i);
            declare(layer.name(), layer.shape(), Fields.at(Fields.at("layers", i), "name"));
            for (int core : layer.cores()) {
                if (core >= configuration.chipCores()) {
                    fields.problem(INCONSISTENT, Fields.at(Fields.at("layers", i), "cores"), "core " + core
                            + " does not exist on a chip of " + configuration.chipCores() + " cores");
                }
            }
        }
        for (int i = 0; i < configuration.gates().size(); i++) {
            GateUnit gate = configuration.gates().get(i);
            declare(gate.name(), gate.shape(), Fields.at(Fields.at("gates", i), "name"));
        }
        for (int i = 0; i < configuration.cores().size(); i++) {
            Core core = configuration.cores().get(i);
            String path = Fields.at("cores", i);
            if (core.id() >= configuration.chipCores()) {
                fields.problem(INCONSISTENT, Fields.at(path, "id"), core.id() + " must be less than chip.cores = "
                        + configuration.chipCores());
            } else if (coresById.putIfAbsent(core.id(), core) != null) {
                fields.problem(INCONSISTENT, Fields.at(path, "id"), "core " + core.id() + " is listed twice");
            }
        }
    }

    private void declare(String name, int[] shape, String path) {
        if (sourceShapes.putIfAbsent(name, shape) != null) {
            fields.problem(INCONSISTENT, path, "the name '" + name + "' is used twice");
        }
    }

    private boolean isLayer(String name) {
        return layerNames.contains(name);
    }

    private boolean isGate(String name) {
        return gateNames.contains(name);
    }

    private int sourceSize(String name) {
        return (int) size(sourceShapes.get(name));
    }

    private void checkKernels() {
        for (int i = 0; i < configuration.kernels().size(); i++) {
            Kernel kernel = configuration.kernels().get(i);
            String path = Fields.at("kernels", i);
            if (!sourceShapes.containsKey(kernel.source())) {
                fields.problem(INCONSISTENT, Fields.at(path, "source"),
                        "'" + kernel.source() + "' is not a population, gate or input");
                continue;
            }
            if (!isLayer(kernel.target())) {
                fields.problem(INCONSISTENT, Fields.at(path, "target"),
                        "'" + kernel.target() + "' is not a population");
                continue;
            }
            int[] in = kernel.inputShape();
            int[] out = kernel.outputShape();
            if (!Arrays.equals(in, sourceShapes.get(kernel.source()))) {
                fields.problem(INCONSISTENT, Fields.at(path, "input_shape"),
                        Arrays.toString(in) + " is not the shape of '"
                        + kernel.source() + "', " + Arrays.toString(sourceShapes.get(kernel.source())));
            }
            if (!Arrays.equals(out, sourceShapes.get(kernel.target()))) {
                fields.problem(INCONSISTENT, Fields.at(path, "output_shape"),
                        Arrays.toString(out) + " is not the shape of '"
                        + kernel.target() + "', " + Arrays.toString(sourceShapes.get(kernel.target())));
            }
            if (in.length != 3 || out.length != 3) {
                fields.problem(INCONSISTENT, path, "a convolution needs [C,H,W] input and output shapes");
                continue;
            }
            int groups = kernel.groups();
            if (in[0] % groups != 0 || out[0] % groups != 0) {
                fields.problem(INCONSISTENT, Fields.at(path, "groups"),
                        groups + " must divide the input channels " + in[0]
                        + " and the output channels " + out[0]);
                continue;
            }
            checkWindow(path, in, out, kernel.kernel(), kernel.stride(), kernel.padding());
            long expected = EntryBudget.product(out[0], in[0] / groups, kernel.kernel()[0], kernel.kernel()[1]);
            if (kernel.mantissas().length != expected) {
                fields.problem(INCONSISTENT, Fields.at(path, "mantissas"), "holds " + kernel.mantissas().length
                        + " mantissas; F·C/groups·kh·kw = " + expected);
            }
        }
    }

    private void checkWindow(String path, int[] in, int[] out, int[] window, int[] stride, int[] padding) {
        for (int axis = 0; axis < 2; axis++) {
            long padded = (long) in[axis + 1] + padding[axis] + padding[axis + 2];
            long extent = padded < window[axis] ? 0 : (padded - window[axis]) / stride[axis] + 1;
            if (extent != out[axis + 1]) {
                fields.problem(INCONSISTENT, Fields.at(path, "output_shape"), "extent " + out[axis + 1] + " along "
                        + (axis == 0 ? "H" : "W") + " does not follow from the input, kernel, stride and padding ("
                        + extent + ")");
            }
        }
    }

    private void checkGateUnits() {
        for (int i = 0; i < configuration.gates().size(); i++) {
            GateUnit gate = configuration.gates().get(i);
            String path = Fields.at("gates", i);
            if (!isLayer(gate.population())) {
                fields.problem(INCONSISTENT, Fields.at(path, "population"),
                        "'" + gate.population() + "' is not a population");
                continue;
            }
            int[] in = sourceShapes.get(gate.population());
            if (in.length != 3 || gate.shape().length != 3 || in[0] != gate.shape()[0]) {
                fields.problem(INCONSISTENT, Fields.at(path, "shape"),
                        "a gate needs [C,H,W] shapes with the population's channels");
                continue;
            }
            checkWindow(path, in, gate.shape(), gate.kernel(), gate.stride(), gate.padding());
        }
    }

    private void checkCores() {
        for (int c = 0; c < configuration.cores().size(); c++) {
            Core core = configuration.cores().get(c);
            String path = Fields.at("cores", c);
            for (int i = 0; i < core.neurons().size(); i++) {
                checkNeuronBlock(core.neurons().get(i), Fields.at(Fields.at(path, "neurons"), i));
            }
            for (int i = 0; i < core.gates().size(); i++) {
                GateBlock gate = core.gates().get(i);
                String gatePath = Fields.at(Fields.at(path, "gates"), i);
                if (!isGate(gate.unit())) {
                    fields.problem(INCONSISTENT, Fields.at(gatePath, "unit"),
                            "'" + gate.unit() + "' is not a gate unit");
                } else {
                    checkRange(() -> gatePath, gate.first(), gate.count(), sourceSize(gate.unit()), gate.unit());
                }
            }
            checkAxons(core, path);
            for (int i = 0; i < core.synapses().size(); i++) {
                checkSynapse(core, core.synapses().get(i), Fields.at(Fields.at(path, "synapses"), i));
            }
        }
    }

    private void checkNeuronBlock(NeuronBlock block, String path) {
        if (!isLayer(block.layer())) {
            fields.problem(INCONSISTENT, Fields.at(path, "layer"), "'" + block.layer() + "' is not a population");
            return;
        }
        if (!checkRange(() -> path, block.first(), block.count(), sourceSize(block.layer()), block.layer())) {
            return;
        }
        int[] shape = sourceShapes.get(block.layer());
        long expected = block.count();
        if (block.biasPerChannel()) {
            int perChannel = shape.length == 3 ? shape[1] * shape[2] : 1;
            expected = (block.first() + block.count() - 1) / perChannel - block.first() / perChannel + 1;
        }
        if (block.biasMantissas().length != expected) {
            fields.problem(INCONSISTENT, Fields.at(Fields.at(path, "bias"), "mantissas"),
                    "holds " + block.biasMantissas().length
                    + " mantissas; the block needs " + expected + " (one per " + (block.biasPerChannel()
                    ? "channel" : "neuron") + ")");
        }
    }

    private boolean checkRange(Supplier<String> path, long first, long count, long size, String of) {
        if (first + count > size) {
            fields.problem(INCONSISTENT, Fields.at(path.get(), "count"),
                    "[" + first + ", " + (first + count) + ") exceeds the "
                    + size + " elements of '" + of + "'");
            return false;
        }
        return true;
    }

    /** Each axon block's source and range; the loader checks that the declared axons do not overlap. */
    private void checkAxons(Core core, String path) {
        for (int i = 0; i < core.axons().size(); i++) {
            AxonBlock axon = core.axons().get(i);
            String axonPath = Fields.at(Fields.at(path, "axons"), i);
            if (!sourceShapes.containsKey(axon.source())) {
                fields.problem(INCONSISTENT, Fields.at(axonPath, "source"),
                        "'" + axon.source() + "' is not a population, gate or input");
                continue;
            }
            if ((long) axon.axonFirst() + axon.count() > Integer.MAX_VALUE) {
                fields.problem(OVER_BUDGET, Fields.at(axonPath, "axon_first"), axon.axonFirst() + " + count overflows");
                continue;
            }
            checkRange(() -> axonPath, axon.sourceFirst(), axon.count(), sourceSize(axon.source()), axon.source());
        }
    }

    private void checkSynapse(Core core, Synapse synapse, String path) {
        if (!sourceShapes.containsKey(synapse.source())) {
            fields.problem(INCONSISTENT, Fields.at(path, "source"),
                    "'" + synapse.source() + "' is not a population, gate or input");
            return;
        }
        if (!isLayer(synapse.target())) {
            fields.problem(INCONSISTENT, Fields.at(path, "target"), "'" + synapse.target() + "' is not a population");
            return;
        }
        if (!synapse.dense()) {
            Kernel kernel = kernelsByName.get(synapse.kernel());
            if (kernel == null) {
                fields.problem(INCONSISTENT, Fields.at(path, "kernel"), "'" + synapse.kernel() + "' is not a kernel");
            } else if (!kernel.source().equals(synapse.source()) || !kernel.target().equals(synapse.target())) {
                fields.problem(INCONSISTENT, Fields.at(path, "kernel"),
                        "'" + synapse.kernel() + "' connects '" + kernel.source()
                        + "' to '" + kernel.target() + "', not '" + synapse.source() + "' to '" + synapse.target() + "'");
            }
            return;
        }
        checkRange(() -> path, synapse.rowsFirst(), synapse.rows(), sourceSize(synapse.target()), synapse.target());
        if (synapse.inputs() != sourceSize(synapse.source())) {
            fields.problem(INCONSISTENT, Fields.at(path, "inputs"),
                    synapse.inputs() + " is not the size of '" + synapse.source()
                    + "', " + sourceSize(synapse.source()));
        } else if (synapse.mantissas().length != (long) synapse.rows() * synapse.inputs()) {
            fields.problem(INCONSISTENT, Fields.at(path, "mantissas"), "holds " + synapse.mantissas().length
                    + " mantissas; rows·inputs = " + (long) synapse.rows() * synapse.inputs());
        }
    }

    /**
     * Every population neuron and gate output is owned by exactly one core (replicas own nothing), and each layer lists
     * the cores owning its neurons.
     */
    private void checkCoverage() {
        Map<String, List<long[]>> spans = new HashMap<>();
        Map<String, Set<Integer>> holders = new HashMap<>();
        for (int c = 0; c < configuration.cores().size(); c++) {
            Core core = configuration.cores().get(c);
            checkHeldOnce(core, Fields.at("cores", c));
            for (int i = 0; i < core.neurons().size(); i++) {
                NeuronBlock block = core.neurons().get(i);
                if (block.replica()) {
                    continue;
                }
                spans.computeIfAbsent(block.layer(), k -> new ArrayList<>()).add(new long[] {block.first(),
                        block.first() + (long) block.count(), c, i});
                holders.computeIfAbsent(block.layer(), k -> new TreeSet<>()).add(core.id());
            }
            for (int i = 0; i < core.gates().size(); i++) {
                GateBlock block = core.gates().get(i);
                spans.computeIfAbsent(block.unit(), k -> new ArrayList<>()).add(new long[] {block.first(),
                        block.first() + (long) block.count(), c, -1 - i});
            }
        }
        List<String> names = new ArrayList<>();
        configuration.layers().forEach(layer -> names.add(layer.name()));
        configuration.gates().forEach(gate -> names.add(gate.name()));
        for (String name : names) {
            List<long[]> blocks = spans.getOrDefault(name, new ArrayList<>());
            blocks.sort((a, b) -> Long.compare(a[0], b[0]));
            long covered = 0;
            for (long[] block : blocks) {
                String path = Fields.at(Fields.at("cores", (int) block[2]), block[3] >= 0 ? "neurons" : "gates");
                path = Fields.at(path, (int) (block[3] >= 0 ? block[3] : -1 - block[3]));
                if (block[0] < covered) {
                    fields.problem(INCONSISTENT, path,
                            "'" + name + "' elements [" + block[0] + ", " + Math.min(covered, block[1])
                            + ") are placed on more than one core");
                } else if (block[0] > covered) {
                    fields.problem(INCONSISTENT, path, "'" + name + "' elements [" + covered + ", " + block[0]
                            + ") are on no core");
                }
                covered = Math.max(covered, block[1]);
            }
            if (covered < sourceSize(name)) {
                fields.problem(INCONSISTENT, "cores", "'" + name + "' elements [" + covered + ", " + sourceSize(name)
                        + ") are on no core");
            }
        }
        for (int i = 0; i < configuration.layers().size(); i++) {
            Layer layer = configuration.layers().get(i);
            Set<Integer> listed = new TreeSet<>();
            Arrays.stream(layer.cores()).forEach(listed::add);
            Set<Integer> held = holders.getOrDefault(layer.name(), Set.of());
            if (!listed.equals(held)) {
                fields.problem(INCONSISTENT, Fields.at(Fields.at("layers", i), "cores"),
                        listed + " are not the cores holding '"
                        + layer.name() + "', " + held);
            }
        }
    }

    /**
     * Counts, against the budget, the synapse segments the chip builder will make for each convolution on a core, a
     * number no declared size bounds (a 500×500 kernel over 1000×1000 inputs is half a megabyte of file and 10^10
     * segments): at most one per input tap, (C/groups)·kh·kw, of each (position, filter group) the core holds of the
     * target, replicas included. The distinct pairs are counted once per core, target and group size.
     */
    private void spendConvolutionSegments() {
        for (int c = 0; c < configuration.cores().size(); c++) {
            Core core = configuration.cores().get(c);
            Map<String, Integer> heldPairs = new HashMap<>();
            for (int i = 0; i < core.synapses().size(); i++) {
                Synapse synapse = core.synapses().get(i);
                if (synapse.dense()) {
                    continue;
                }
                Kernel kernel = kernelsByName.get(synapse.kernel());
                int[] out = kernel.outputShape();
                int filtersPerGroup = out[0] / kernel.groups();
                int pairs = heldPairs.computeIfAbsent(kernel.target() + "/" + filtersPerGroup,
                        key -> positionGroupPairs(core, kernel.target(), out[1] * out[2], filtersPerGroup));
                long taps = EntryBudget.product((long) kernel.inputShape()[0] / kernel.groups(), kernel.kernel()[0],
                        kernel.kernel()[1]);
                fields.budget().spend(Fields.at(Fields.at(Fields.at("cores", c), "synapses"), i),
                        EntryBudget.product(pairs, taps), "its synapse segments");
            }
        }
    }

    /**
     * Counts, against the budget, the window entries of the gate outputs each core computes: kh·kw each, a number no
     * declared size bounds either (a 2500×2500 pool over 5000×5000 neurons has 6·10^6 outputs of 6·10^6 inputs).
     */
    private void spendGateWindows() {
        Map<String, GateUnit> units = new HashMap<>();
        configuration.gates().forEach(gate -> units.putIfAbsent(gate.name(), gate));
        for (int c = 0; c < configuration.cores().size(); c++) {
            List<GateBlock> gates = configuration.cores().get(c).gates();
            for (int i = 0; i < gates.size(); i++) {
                GateUnit unit = units.get(gates.get(i).unit());
                fields.budget().spend(Fields.at(Fields.at(Fields.at("cores", c), "gates"), i),
                        EntryBudget.product(gates.get(i).count(), unit.kernel()[0], unit.kernel()[1]),
                        "its gate windows");
            }
        }
    }

    /** The distinct (position, filter group) pairs of the neurons of {@code target} on {@code core}. */
    private static int positionGroupPairs(Core core, String target, int plane, int filtersPerGroup) {
        LongHashSet pairs = new LongHashSet();
        for (NeuronBlock block : core.neurons()) {
            if (block.layer().equals(target)) {
                for (int e = block.first(); e < block.first() + block.count(); e++) {
                    pairs.add((long) (e / plane / filtersPerGroup) * plane + e % plane);
                }
            }
        }
        return pairs.size();
    }

    /**
     * A core holds each neuron at most once, as its owner or as a replica: sorted by first neuron, a block overlaps an
     * earlier one exactly when it starts before the largest end so far. Owned neurons held twice are left to the
     * coverage, which finds them across cores too.
     */
    private void checkHeldOnce(Core core, String path) {
        Map<String, List<NeuronBlock>> blocksByLayer = new HashMap<>();
        core.neurons().forEach(block -> blocksByLayer.computeIfAbsent(block.layer(), k -> new ArrayList<>()).add(block));
        for (List<NeuronBlock> blocks : blocksByLayer.values()) {
            blocks.sort(Comparator.comparingInt(NeuronBlock::first));
            NeuronBlock reaching = null;
            for (NeuronBlock block : blocks) {
                long reachingEnd = reaching == null ? 0 : reaching.first() + (long) reaching.count();
                if (block.first() < reachingEnd && (block.replica() || reaching.replica())) {
                    fields.problem(INCONSISTENT, Fields.at(path, "neurons"), "'" + block.layer() + "' neurons ["
                            + block.first() + ", " + Math.min(reachingEnd, block.first() + (long) block.count())
                            + ") are held twice by core " + core.id() + ", at least once as replicas");
                }
                if (reaching == null || block.first() + (long) block.count() > reachingEnd) {
                    reaching = block;
                }
            }
        }
    }

    /** Routes send elements their core holds to axons of an existing core that carry the same elements. */
    private void checkRoutes() {
        for (int c = 0; c < configuration.cores().size(); c++) {
            Core core = configuration.cores().get(c);
            Set<String> held = new HashSet<>();
            core.neurons().forEach(block -> held.add(block.layer()));
            core.gates().forEach(block -> held.add(block.unit()));
            String routes = Fields.at(Fields.at("cores", c), "routes");
            for (int r = 0; r < core.routes().size(); r++) {
                int i = r;
                Route route = core.routes().get(i);
                if (!held.contains(route.source())) {
                    fields.problem(INCONSISTENT, Fields.at(Fields.at(routes, i), "source"), "core " + core.id()
                            + " holds no element of '" + route.source() + "'");
                    continue;
                }
                checkRouteTarget(route, () -> Fields.at(routes, i));
            }
        }
        for (int i = 0; i < configuration.inputRoutes().size(); i++) {
            Route route = configuration.inputRoutes().get(i);
            if (!route.source().equals(configuration.input().name())) {
                fields.problem(INCONSISTENT, Fields.at(Fields.at("input_routes", i), "source"), "'" + route.source()
                        + "' is not the input '" + configuration.input().name() + "'");
                continue;
            }
            int index = i;
            checkRouteTarget(route, () -> Fields.at("input_routes", index));
        }
    }

    /** {@code path} spells the route's path, only when there is a problem: there are millions of routes. */
    private void checkRouteTarget(Route route, Supplier<String> path) {
        if (!checkRange(path, route.sourceFirst(), route.count(), sourceSize(route.source()), route.source())) {
            return;
        }
        Core target = coresById.get(route.core());
        if (route.core() >= configuration.chipCores()) {
            fields.problem(INCONSISTENT, Fields.at(path.get(), "core"),
                    route.core() + " must be less than chip.cores = "
                    + configuration.chipCores());
            return;
        }
        if (target == null) {
            fields.problem(INCONSISTENT, Fields.at(path.get(), "core"),
                    "core " + route.core() + " is not in the configuration");
            return;
        }
        long axon = route.axonFirst();
        long element = route.sourceFirst();
        long end = route.axonFirst() + (long) route.count();
        while (axon < end) {
            AxonBlock block = blockHolding(target, axon);
            if (block == null || !block.source().equals(route.source())
                    || block.sourceFirst() + (axon - block.axonFirst()) != element) {
                fields.problem(INCONSISTENT, Fields.at(path.get(), "axon_first"),
                        "axon " + axon + " of core " + route.core()
                        + (block == null ? " does not exist" : " does not carry element " + element + " of '"
                        + route.source() + "'"));
                return;
            }
            long step = Math.min(end, block.axonFirst() + (long) block.count()) - axon;
            axon += step;
            element += step;
        }
    }

    private AxonBlock blockHolding(Core core, long axon) {
        TreeMap<Long, AxonBlock> blocks = blocksByAxon.computeIfAbsent(core.id(), id -> {
            TreeMap<Long, AxonBlock> byFirst = new TreeMap<>();
            core.axons().forEach(block -> byFirst.putIfAbsent((long) block.axonFirst(), block));
            return byFirst;
        });
        Map.Entry<Long, AxonBlock> floor = blocks.floorEntry(axon);
        AxonBlock block = floor == null ? null : floor.getValue();
        return block != null && axon < block.axonFirst() + (long) block.count() ? block : null;
    }
}
