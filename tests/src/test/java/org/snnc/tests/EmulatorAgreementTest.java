package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.intsim.IntegerReference;
import org.snnc.compiler.intsim.IntegerResult;
import org.snnc.compiler.intsim.SpikeTrace;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.emulator.Chip;
import org.snnc.emulator.Emulator;
import org.snnc.emulator.EmulatorException;
import org.snnc.emulator.config.Configuration;
import org.snnc.emulator.config.ConfigurationLoader;
import org.snnc.targets.emit.ConfigurationEmitter;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.Mapper;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;

/**
 * The emulator of the emitted configuration against the compiler's integer reference over the quantized graph it was
 * emitted from (docs/configuration.md, "Units and arithmetic: the step"): on the shared models LeNet and
 * small_bn_maxpool, quantized for {@code generic} (the fixtures in compiler/src/test/resources/quantized), mapped and
 * emitted like {@code snnc compile}, with 10 dev digits, T = 200 and strict on both sides: every population's and
 * every gate's spikes at every step, the prediction at every step and the spike-driven synaptic operations at every
 * step are equal.
 *
 * <p>The analog input's operations are counted differently, by design of each side's documentation: the emulator
 * counts its input synapse table entries (non-padding taps only), the reference counts the ANN's MACs of the layers
 * reading the encoder (padding products included, {@code AnnMacs}). Both count them once per image, before step 1,
 * so the per-step figures compare the event operations only: the emulator's total minus what it counted at load.
 */
class EmulatorAgreementTest {

    static final int DIGITS = 10;
    static final int STEPS = 200;

    @Test
    void lenetAgreesSpikeForSpike() {
        agreeOnSharedModel("lenet-generic");
    }

    @Test
    void smallBnMaxpoolAgreesSpikeForSpike() {
        agreeOnSharedModel("small-generic");
    }

    private static void agreeOnSharedModel(String fixture) {
        Path dev = Locations.root().resolve("examples/data/mnist_dev.npz");
        Path snn = Locations.root().resolve("compiler/src/test/resources/quantized/" + fixture + "/quantized.snn");
        Graph quantized = ModelLoader.load(snn, LoadOptions.DEFAULT).graph();
        ChipSpec chip = ChipSpecs.load("generic");
        Probe probe = Probe.of(emit(quantized, chip, CoreAllocator.defaultFor(chip)), fixture);
        IntegerReference reference = new IntegerReference(quantized);
        long[][] raw = IntegerReference.loadRaw(dev, quantized.input(), DIGITS).inputs();
        assertEquals(DIGITS, raw.length);
        Set<Integer> all = IntStream.range(0, raw.length).boxed().collect(Collectors.toSet());
        IntegerResult result = reference.run(raw, IntegerReference.RunOptions.of(STEPS).withStrict(true)
                .withThreads(2).withTrace(all, false));
        long spikes = 0;
        for (int image = 0; image < raw.length; image++) {
            spikes += compareImage(probe, reference, result, raw, image, STEPS, true, true, fixture);
        }
        assertTrue(spikes > 0, fixture + ": no spikes at all, the comparison would be vacuous");
    }

    // ------------------------------------------------------------------------------------------------ shared

    /** SynapticNetwork → Mapper → ConfigurationEmitter, as {@code snnc compile} does after quantization. */
    static byte[] emit(Graph quantized, ChipSpec chip, CoreAllocator allocator) {
        var mapping = Mapper.map(SynapticNetwork.of(quantized), chip, allocator);
        return ConfigurationEmitter.toBytes(ConfigurationEmitter.configuration(mapping));
    }

    /**
     * A chip built from configuration bytes, with where each core's local neurons and gate outputs live: the core's
     * {@code neurons} blocks in order, then its {@code gates} blocks in order.
     */
    static final class Probe {
        final Chip chip;
        final String[][] neuronNode;
        final int[][] neuronIndex;
        final String[][] gateNode;
        final int[][] gateIndex;

        private Probe(Chip chip) {
            this.chip = chip;
            List<Configuration.Core> cores = chip.configuration().cores();
            neuronNode = new String[cores.size()][];
            neuronIndex = new int[cores.size()][];
            gateNode = new String[cores.size()][];
            gateIndex = new int[cores.size()][];
            for (int c = 0; c < cores.size(); c++) {
                Configuration.Core core = cores.get(c);
                List<String> names = new ArrayList<>();
                List<Integer> indices = new ArrayList<>();
                for (Configuration.NeuronBlock block : core.neurons()) {
                    for (int k = 0; k < block.count(); k++) {
                        names.add(block.layer());
                        indices.add(block.first() + k);
                    }
                }
                neuronNode[c] = names.toArray(String[]::new);
                neuronIndex[c] = indices.stream().mapToInt(Integer::intValue).toArray();
                names.clear();
                indices.clear();
                for (Configuration.GateBlock block : core.gates()) {
                    for (int k = 0; k < block.count(); k++) {
                        names.add(block.unit());
                        indices.add(block.first() + k);
                    }
                }
                gateNode[c] = names.toArray(String[]::new);
                gateIndex[c] = indices.stream().mapToInt(Integer::intValue).toArray();
            }
        }

        static Probe of(byte[] bytes, String name) {
            return new Probe(Chip.build(ConfigurationLoader.parse(new String(bytes, StandardCharsets.UTF_8),
                    name + ".json"), name + ".json"));
        }

        /** The spikes of every population and gate in step k of the last advance, by name, as flat indices. */
        Map<String, BitSet> spikes(Emulator emulator, int k) {
            Map<String, BitSet> spikes = new HashMap<>();
            for (int c = 0; c < neuronNode.length; c++) {
                for (int i = 0; i < neuronNode[c].length; i++) {
                    if (emulator.spiked(c, i, k)) {
                        spikes.computeIfAbsent(neuronNode[c][i], node -> new BitSet()).set(neuronIndex[c][i]);
                    }
                }
                for (int g = 0; g < gateNode[c].length; g++) {
                    if (emulator.gateSpiked(c, g, k)) {
                        spikes.computeIfAbsent(gateNode[c][g], node -> new BitSet()).set(gateIndex[c][g]);
                    }
                }
            }
            return spikes;
        }
    }

    /**
     * Whether the event operations of the two sides can be compared exactly: not when a grouped conv2d reads a
     * concat. The emitter writes such a convolution as one ungrouped kernel per concatenated source
     * (docs/configuration.md, {@code kernels[]}), whose taps between a source channel and the filters outside its
     * group hold zero mantissas. The emulator runs the configuration and counts every tap an event reaches, those
     * zero taps included (they are synapse memory on the chip); the reference counts the quantized IR's grouped
     * convolution, which has no such taps. Spikes, membranes and predictions are unaffected (the weights are 0); the
     * emulator's count is then at least the reference's.
     */
    static boolean exactOps(Graph quantized) {
        for (Node node : quantized.nodes().values()) {
            if (node instanceof Conv2d conv && conv.groups() > 1 && quantized.node(conv.input()) instanceof Concat) {
                return false;
            }
        }
        return true;
    }

    static int[] ints(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = Math.toIntExact(values[i]);
        }
        return ints;
    }

    /**
     * Runs image {@code image} on the emulator twice, step by step ({@link Emulator#step}) and in chunks of up to
     * {@link Emulator#chunk} steps as {@code snnc run} does ({@link Emulator#advance}), and compares both at every
     * step with the integer reference's {@code result}: the spikes of every traced node, the prediction and the event
     * synaptic operations (exactly when {@code exactOps}, else at least the reference's). Returns the spikes seen on
     * the step path.
     */
    static long compareImage(Probe probe, IntegerReference reference, IntegerResult result, long[][] raw, int image,
            int steps, boolean strict, boolean exactOps, String context) {
        Emulator stepped = new Emulator(probe.chip, strict);
        stepped.load(ints(raw[image]));
        long analogOps = stepped.synapticOps();
        long seen = 0;
        for (int t = 1; t <= steps; t++) {
            stepped.step();
            seen += compareStep(probe.spikes(stepped, 0), stepped.prediction(), stepped.synapticOps() - analogOps,
                    reference, result, image, t, exactOps, context + " (step by step)");
        }
        Emulator chunked = new Emulator(probe.chip, strict);
        chunked.load(ints(raw[image]));
        for (int t = 0; t < steps; ) {
            int length = Math.min(chunked.chunk(), steps - t);
            chunked.advance(length);
            for (int k = 0; k < length; k++) {
                compareStep(probe.spikes(chunked, k), chunked.prediction(k), chunked.synapticOps(k) - analogOps,
                        reference, result, image, t + k + 1, exactOps, context + " (in chunks)");
            }
            t += length;
        }
        return seen;
    }

    /** One step's spikes, prediction and event operations against the reference's; returns the spikes. */
    private static long compareStep(Map<String, BitSet> spikes, int prediction, long emulatorOps,
            IntegerReference reference, IntegerResult result, int image, int t, boolean exactOps, String context) {
        SpikeTrace trace = result.trace(image).orElseThrow();
        long seen = 0;
        for (String node : reference.tracedNodes()) {
            BitSet expected = trace.spikes(node, t);
            BitSet actual = spikes.getOrDefault(node, new BitSet());
            if (!expected.equals(actual)) {
                BitSet missing = (BitSet) expected.clone();
                missing.andNot(actual);
                BitSet extra = (BitSet) actual.clone();
                extra.andNot(expected);
                fail(context + ", image " + image + ", step " + t + ", '" + node + "': the reference spikes "
                        + "and the emulator does not at " + missing + "; the emulator spikes and the reference "
                        + "does not at " + extra);
            }
            seen += actual.cardinality();
        }
        Set<String> unknown = new java.util.HashSet<>(spikes.keySet());
        reference.tracedNodes().forEach(unknown::remove);
        assertTrue(unknown.isEmpty(), () -> context + ": the emulator spikes in nodes the reference does not "
                + "trace: " + unknown);
        assertEquals(result.predictions()[t - 1][image], prediction,
                () -> context + ", image " + image + ", step " + t + ": prediction");
        long referenceOps = result.eventOps()[image][t - 1];
        if (exactOps) {
            assertEquals(referenceOps, emulatorOps,
                    () -> context + ", image " + image + ", step " + t + ": event synaptic operations");
        } else {
            assertTrue(emulatorOps >= referenceOps, () -> context + ", image " + image + ", step " + t
                    + ": the emulator counts " + emulatorOps + " event operations, fewer than the reference's "
                    + referenceOps + " although its kernels only add zero taps");
        }
        return seen;
    }

    /** Where a strict run stopped: the population, the neuron's flat index, the step and the image. */
    record Overflow(String population, int neuron, int step, int image) {
    }

    private static final Pattern EMULATOR_OVERFLOW = Pattern.compile(
            "strict mode: core -?\\d+, neuron (.+)\\[(\\d+)\\], step (\\d+):");

    /** The emulator's strict error as an {@link Overflow} of {@code image}. */
    static Overflow overflow(EmulatorException e, int image) {
        Matcher m = EMULATOR_OVERFLOW.matcher(e.getMessage());
        assertTrue(m.find(), () -> "not an overflow error: " + e.getMessage());
        return new Overflow(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), image);
    }
}
