package org.snnc.tests;

import org.snnc.compiler.testing.RandomNetworks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.Severity;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.NormalizeOptions;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.ChipCompiler.CompiledChip;
import org.snnc.targets.ChipCompiler;
import org.snnc.targets.emit.ConfigurationEmitter;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.Mapper;
import org.snnc.targets.net.InputSource;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.testing.TestChips;

/**
 * End-to-end properties of {@code snnc compile}'s configuration over random small ANNs (see {@link RandomNetworks})
 * on random chips: the three built-ins and random valid chip specs. Each case runs the CLI's sequence — target
 * adaptation, the standard conversion, the quantize pass, {@link SynapticNetwork}, the {@link Mapper} and the
 * {@link ConfigurationEmitter} — and the checks read only the emitted bytes, parsed as JSON, so that they check the
 * emitter as well as the mapping. A clean refusal (a {@link CompilationException} whose errors are all E07xx or
 * E09xx) is allowed; any other exception fails the property, and a fair share of the cases must compile.
 *
 * <ol>
 *   <li>Expanding every core's synapse entries (conv kernels over the core's neuron blocks, dense rows × inputs)
 *       gives exactly the multiset of synapses the quantized IR defines, each on a core that holds its target and
 *       whose axons deliver its source element; neuron parameters match the IR.</li>
 *   <li>Routes reach exactly the (core, axon) pairs that expect each source element, each exactly once.</li>
 *   <li>Every core's usage, recomputed from the JSON, equals its {@code usage} and is within the chip's limits.</li>
 *   <li>Every integer fits the chip's formats.</li>
 *   <li>The same case compiles to the same bytes on one and on three threads, and the JSON is schema-valid.</li>
 * </ol>
 *
 * <p>A case is derived from one seed: five in six networks are {@link RandomNetworks#generateForChips} (which a chip
 * can hold), the rest plain {@link RandomNetworks#generate} (which often cannot be quantized, for the refusals); half
 * the chips are built-ins, half random ({@link TestChips#random}); conversion options, zero-reset ratio and allocator are
 * random, and one case in {@value #SEQUENCE_ONE_IN} takes a sequence input ({@link #withEventInput}). Zero weights are
 * left out of both synapse multisets (but must still be delivered). 100 tries per property take about 4 s for the
 * class; hand-built examples check the expansion itself, a sequence input's emission and the cases that once failed.
 */
class ConfigurationProperties {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALIBRATION_IMAGES = 12;
    private static final int TRIES = 100;
    /** The share of cases, in percent, that must compile rather than be refused. */
    private static final double MIN_COMPILED_PERCENT = 30;

    // ------------------------------------------------------------------------------------------------ properties

    @Property(tries = TRIES)
    void everySynapseAppearsExactlyOnceOnACoreHoldingItsTarget(@ForAll("cases") Case testCase) {
        compileOrRefuse(testCase, 1).ifPresent(compiled -> {
            JsonNode config = compiled.config();
            collectFeatures(compiled.emitted());
            checkNeuronsPartitioned(config);
            Map<Syn, Integer> emitted = expandConfiguration(config);
            Map<Syn, Integer> intended = expandGraph(compiled.quantized());
            assertMultisetsEqual(intended, emitted);
            checkNeuronParameters(config, compiled.quantized());
        });
        requireFairShareCompiled();
        // Spatial tiles and gates are rare on these roomy chips; the emulator's random properties require them.
        requireFeatureCoverage(MIN_FEATURE_PERCENT, SEVERAL_SOURCES, ZERO_RESET, WRAP, RandomDecays.LABEL);
    }

    @Property(tries = TRIES)
    void routesReachExactlyTheAxonsThatExpectEachElement(@ForAll("cases") Case testCase) {
        compileOrRefuse(testCase, 1).ifPresent(compiled -> {
            checkNeuronsPartitioned(compiled.config());
            checkRoutes(compiled.config());
            checkGateWindowsAreLocal(compiled.config());
        });
        requireFairShareCompiled();
    }

    @Property(tries = TRIES)
    void noCoreExceedsAnyLimit(@ForAll("cases") Case testCase) {
        compileOrRefuse(testCase, 1).ifPresent(compiled -> checkLimits(compiled.config()));
        requireFairShareCompiled();
    }

    @Property(tries = TRIES)
    void everyIntegerFitsTheChipsFormats(@ForAll("cases") Case testCase) {
        compileOrRefuse(testCase, 1).ifPresent(compiled -> checkIntegers(compiled.config()));
        requireFairShareCompiled();
    }

    @Property(tries = TRIES)
    void compilationIsDeterministicAndSchemaValid(@ForAll("cases") Case testCase) {
        Outcome one = attempt(testCase, 1);
        Outcome three = attempt(testCase, 3);
        if (one.compiled().isPresent()) {
            Statistics.label("outcome").collect("compiled");
            assertTrue(three.compiled().isPresent(), () -> "compiles on 1 thread but is refused on 3: " + three);
            assertArrayEquals(one.compiled().get().bytes(), three.compiled().get().bytes(),
                    "the configuration differs between 1 and 3 threads");
            assertEquals(List.of(), ConfigurationSchema.validate(one.compiled().get().emitted()));
        } else {
            Statistics.label("outcome").collect("refused");
            assertEquals(one.refusal(), three.refusal(), "1 and 3 threads refuse differently");
        }
        requireFairShareCompiled();
    }

    // ------------------------------------------------------------------------------------------------ hand check

    /**
     * A sequence input is emitted as {@code encoding: sequence} with the event bound the quantizer assumed, and the
     * schema holds {@code max_events} to sequence inputs: required with one, refused without.
     */
    @Example
    void aSequenceInputIsEmittedWithItsEventBound() {
        ConversionOptions options = new ConversionOptions(NormalizeOptions.DEFAULTS, ResetMode.SUBTRACT,
                OptionalDouble.empty(), InputEncoding.SEQUENCE, ReadoutMode.MEMBRANE, 0, false, 0, 0, false,
                ReadoutWindow.ALL);
        Compiled compiled = compile(new Case(0, false, withEventInput(tinyNetwork()), ChipSpecs.load("generic"),
                "generic", options, 8, Optional.of("greedy")), 1);
        JsonNode emitted = compiled.emitted();
        assertEquals("sequence", emitted.get("input").get("encoding").asText());
        assertEquals(InputSource.SEQUENCE_MAX_EVENTS, emitted.get("input").get("max_events").asInt());
        assertEquals(List.of(), ConfigurationSchema.validate(emitted));
        ObjectNode input = (ObjectNode) emitted.get("input");
        input.remove("max_events");
        assertTrue(!ConfigurationSchema.validate(emitted).isEmpty(), "a sequence input without max_events");
        input.put("encoding", "analog").put("max_events", 1);
        assertTrue(!ConfigurationSchema.validate(emitted).isEmpty(), "an analog input with max_events");
        Case scaled = new Case(0, false, tinyNetwork(), ChipSpecs.load("generic"), "generic", options, 8,
                Optional.of("greedy"));
        assertEquals(List.of("E0908"), attempt(scaled, 1).refusal(), "a sequence input whose scale is not 1");
    }

    /**
     * The expansion itself, by hand: u8[1,3,3] → conv 2×2 stride 1 (one filter, 4 neurons) → relu → flatten →
     * dense 2. Neuron (0,i,j) of the conv reads pixel (i+u, j+v) with weight K[u,v]: 16 synapses, written out below;
     * the dense layer adds 4 × 2.
     */
    @Example
    void theExpansionIsRightOnATinyNetworkWorkedByHand() throws IOException {
        Graph ann = tinyNetwork();
        ChipSpec chip = ChipSpecs.load("generic");
        ConversionOptions options = new ConversionOptions(NormalizeOptions.DEFAULTS, ResetMode.SUBTRACT,
                OptionalDouble.empty(), InputEncoding.ANALOG, ReadoutMode.MEMBRANE, 0, false, 0, 0, false,
                ReadoutWindow.ALL);
        Case tiny = new Case(0, false, ann, chip, "generic", options, 8, Optional.of("greedy"));
        Compiled compiled = compile(tiny, 1);
        Graph quantized = compiled.quantized();
        IfNeurons convPopulation = null;
        IfNeurons densePopulation = null;
        for (Node node : quantized.nodes().values()) {
            if (node instanceof IfNeurons population) {
                if (convPopulation == null) {
                    convPopulation = population;
                } else {
                    densePopulation = population;
                }
            }
        }
        assertTrue(convPopulation != null && densePopulation != null, "two populations");
        String encoder = quantized.nodes().values().stream().filter(SpikeEncoder.class::isInstance).findFirst()
                .orElseThrow().name();
        Conv2d conv = (Conv2d) quantized.node(convPopulation.input());
        long[] k = integers(quantized, conv.weight());
        Dense dense = (Dense) quantized.node(densePopulation.input());
        long[] w = integers(quantized, dense.weight());
        assertEquals(4, k.length);
        assertEquals(8, w.length);
        assertEquals(4, Arrays.stream(k).distinct().count(), "the kernel's four weights must differ to catch a swap");
        assertTrue(Arrays.stream(k).allMatch(v -> v != 0) && Arrays.stream(w).allMatch(v -> v != 0),
                "no weight quantizes to 0, which the multisets leave out");

        String c = convPopulation.name();
        String d = densePopulation.name();
        Map<Syn, Integer> byHand = new HashMap<>();
        // neuron 0 = (0,0,0): pixels 0 1 / 3 4
        add(byHand, new Syn(encoder, 0, c, 0, k[0]), new Syn(encoder, 1, c, 0, k[1]),
                new Syn(encoder, 3, c, 0, k[2]), new Syn(encoder, 4, c, 0, k[3]));
        // neuron 1 = (0,0,1): pixels 1 2 / 4 5
        add(byHand, new Syn(encoder, 1, c, 1, k[0]), new Syn(encoder, 2, c, 1, k[1]),
                new Syn(encoder, 4, c, 1, k[2]), new Syn(encoder, 5, c, 1, k[3]));
        // neuron 2 = (0,1,0): pixels 3 4 / 6 7
        add(byHand, new Syn(encoder, 3, c, 2, k[0]), new Syn(encoder, 4, c, 2, k[1]),
                new Syn(encoder, 6, c, 2, k[2]), new Syn(encoder, 7, c, 2, k[3]));
        // neuron 3 = (0,1,1): pixels 4 5 / 7 8
        add(byHand, new Syn(encoder, 4, c, 3, k[0]), new Syn(encoder, 5, c, 3, k[1]),
                new Syn(encoder, 7, c, 3, k[2]), new Syn(encoder, 8, c, 3, k[3]));
        assertEquals(16, byHand.values().stream().mapToInt(Integer::intValue).sum());
        for (int unit = 0; unit < 2; unit++) {
            for (int input = 0; input < 4; input++) {
                add(byHand, new Syn(c, input, d, unit, w[unit * 4 + input]));
            }
        }
        assertMultisetsEqual(byHand, expandConfiguration(compiled.config()));
        assertMultisetsEqual(byHand, expandGraph(quantized));
        checkAll(compiled);

        // Geometry with stride, padding and groups, on a hand-written kernel: input [2,3,3], 2 filters, 2 groups,
        // 2×2 kernel, stride 2, padding top 1 left 0 bottom 0 right 1 → output [2,2,2]. Neuron (1,0,1) = 1·4 + 0·2
        // + 1 = 5 reads channel 1 (its group), rows 0·2 + u − 1 ∈ {−1, 0}, columns 1·2 + v ∈ {2, 3}: only (1,0,2)
        // with K[1,0,1,0] = mantissa index 6, since row −1 and column 3 are padding.
        JsonNode kernel = JSON.readTree("""
                {"name": "k", "source": "s", "target": "t", "input_shape": [2, 3, 3], "output_shape": [2, 2, 2],
                 "kernel": [2, 2], "stride": [2, 2], "padding": [1, 0, 0, 1], "groups": 2, "exponent": 1,
                 "mantissas": [1, 2, 3, 4, 5, 6, 7, 8]}
                """);
        List<long[]> taps = new ArrayList<>();
        kernelTaps(kernel, 5, (element, weight) -> taps.add(new long[] {element, weight}));
        assertEquals(1, taps.size());
        assertEquals(9 + 0 * 3 + 2, taps.get(0)[0]);
        assertEquals(7 * 2, taps.get(0)[1]);
    }

    /**
     * The kinds of cases the properties once failed on, built by hand so that they keep testing them: a core holding
     * two pieces of one conv layer (its kernel was listed twice, doubling every synapse), a dense layer and a grouped
     * conv over a concat of populations (SynapticNetwork took the concat for a source, so the layer got no axons and
     * no input at all, or crashed the Speck geometry check), max pooling after a concat of populations (E0901 until
     * canonicalization moved the pool onto each operand), and a max-pool gate over another gate (which the mapper
     * placed on no core; now E0901).
     */
    @Example
    void formerFailuresStayFixed() {
        ChipSpec generic = ChipSpecs.load("generic");
        ConversionOptions options = new ConversionOptions(NormalizeOptions.DEFAULTS, ResetMode.SUBTRACT,
                OptionalDouble.empty(), InputEncoding.ANALOG, ReadoutMode.MEMBRANE, 0, false, 0, 0, false,
                ReadoutWindow.ALL);

        // one big core and three small ones: the pieces fit every core, and the big one takes several
        List<CoreResources> resources = new ArrayList<>(List.of(generic.core(0)));
        resources.addAll(Collections.nCopies(3, new CoreResources(64, 4096, 4096, 65536, 64)));
        ChipSpec uneven = new ChipSpec("uneven", "one big core, three small", 4, resources, generic.memoryModel(),
                generic.weights(), generic.neurons(), generic.features(), generic.routing(), Optional.empty());
        HandNetwork wide = new HandNetwork(1, 8, 8);
        wide.conv(4, 3, 1, 1, 1).relu().flatten().dense(3);
        Compiled twoPieces = compile(new Case(1, false, wide.build(), uneven, "uneven", options, 8,
                Optional.of("greedy")), 1);
        boolean sharedCore = false;
        for (JsonNode core : twoPieces.config().get("cores")) {
            List<String> layers = core.get("neurons").findValuesAsText("layer");
            sharedCore |= layers.size() > new HashSet<>(layers).size();
        }
        assertTrue(sharedCore, "a core must hold two pieces of one layer");
        checkAll(twoPieces);

        for (int groups : new int[] {1, 2, 4}) {
            HandNetwork branches = new HandNetwork(1, 6, 6);
            String trunk = branches.current;
            String left = branches.conv(2, 3, 1, 1, 1).relu().current;
            branches.current = trunk;
            branches.conv(2, 1, 1, 0, 1).relu().concat(left).conv(4, 3, 1, 1, groups).relu();
            String bottom = branches.current;
            branches.conv(2, 1, 1, 0, 1).relu().concat(bottom).flatten().dense(3);
            Compiled concat = compile(new Case(2, false, branches.build(), generic, "generic", options, 8,
                    Optional.empty()), 1);
            checkAll(concat);
            assertTrue(concat.config().get("kernels").size() >= 5, "the conv over the concat is one kernel per part");
        }

        // max pooling after a concatenation (GoogLeNet's, Inception's) becomes one gate per operand population
        HandNetwork pooledConcat = new HandNetwork(1, 8, 8);
        String stem = pooledConcat.current;
        String one = pooledConcat.conv(2, 3, 1, 1, 1).relu().current;
        pooledConcat.current = stem;
        pooledConcat.conv(3, 1, 1, 0, 1).relu().concat(one).maxPool(2, 2).flatten().dense(3);
        checkAll(compile(new Case(4, false, pooledConcat.build(), generic, "generic", options, 8, Optional.empty()),
                1));

        HandNetwork pools = new HandNetwork(1, 8, 8);
        pools.conv(2, 3, 1, 1, 1).relu().maxPool(2, 1).maxPool(2, 2).flatten().dense(3);
        Outcome gateOfGate = attempt(new Case(3, false, pools.build(), generic, "generic", options, 8,
                Optional.empty()), 1);
        assertEquals(List.of("E0901"), gateOfGate.refusal(), "a gate over a gate is refused");
    }

    /** A small ANN written layer by layer, with u8 pixels and random weights. */
    static final class HandNetwork {

        private final GraphBuilder graph = Graph.builder("hand").span(SourceSpan.GENERATED);
        private final Random random = new Random(5);
        private final Map<String, int[]> shapes = new HashMap<>();
        private int counter;
        String current = "x";

        HandNetwork(int channels, int height, int width) {
            graph.add(new Input("x", DType.U8, Shape.of(channels, height, width), new Scale(1, 255),
                    SourceSpan.GENERATED));
            shapes.put("x", new int[] {channels, height, width});
        }

        HandNetwork conv(int filters, int kernel, int stride, int pad, int groups) {
            int[] in = shapes.get(current);
            Window2d window = Window2d.square(kernel, stride, pad);
            String name = "c" + counter++;
            ParamRef weight = weight(name + ".weight", filters, in[0] / groups, kernel, kernel);
            return add(new Conv2d(name, current, filters, window, groups, weight, Optional.empty(),
                    SourceSpan.GENERATED), filters, window.outputHeight(in[1]), window.outputWidth(in[2]));
        }

        HandNetwork relu() {
            int[] in = shapes.get(current);
            return add(new Relu("r" + counter++, current, SourceSpan.GENERATED), in);
        }

        HandNetwork maxPool(int kernel, int stride) {
            int[] in = shapes.get(current);
            Window2d window = Window2d.square(kernel, stride, 0);
            return add(new MaxPool("m" + counter++, current, window, SourceSpan.GENERATED), in[0],
                    window.outputHeight(in[1]), window.outputWidth(in[2]));
        }

        HandNetwork concat(String other) {
            int[] in = shapes.get(current);
            int[] first = shapes.get(other);
            return add(new Concat("j" + counter++, List.of(other, current), SourceSpan.GENERATED),
                    first[0] + in[0], in[1], in[2]);
        }

        HandNetwork flatten() {
            return add(new Flatten("f" + counter++, current, SourceSpan.GENERATED),
                    Arrays.stream(shapes.get(current)).reduce(1, (a, b) -> a * b));
        }

        HandNetwork dense(int units) {
            String name = "d" + counter++;
            ParamRef weight = weight(name + ".weight", units, shapes.get(current)[0]);
            return add(new Dense(name, current, units, weight, Optional.empty(), SourceSpan.GENERATED), units);
        }

        Graph build() {
            return graph.output(current).build();
        }

        private HandNetwork add(Node node, int... shape) {
            graph.add(node);
            current = node.name();
            shapes.put(current, shape);
            return this;
        }

        private ParamRef weight(String key, int... shape) {
            double[] values = new double[Shape.of(shape).size()];
            Arrays.setAll(values, i -> random.nextGaussian() * 0.5);
            graph.weight(key, Tensor.wrap(Shape.of(shape), values));
            return new ParamRef(key, SourceSpan.GENERATED);
        }
    }

    /** Every check of the properties on one compiled case. */
    static void checkAll(Compiled compiled) {
        JsonNode config = compiled.config();
        checkNeuronsPartitioned(config);
        assertMultisetsEqual(expandGraph(compiled.quantized()), expandConfiguration(config));
        checkNeuronParameters(config, compiled.quantized());
        checkRoutes(config);
        checkGateWindowsAreLocal(config);
        checkLimits(config);
        checkIntegers(config);
        assertEquals(List.of(), ConfigurationSchema.validate(compiled.emitted()));
    }

    static Graph tinyNetwork() {
        var builder = Graph.builder("tiny").span(SourceSpan.GENERATED);
        builder.add(new Input("x", DType.U8, Shape.of(1, 3, 3), new Scale(1, 255), SourceSpan.GENERATED));
        builder.weight("c.weight", Tensor.wrap(Shape.of(1, 1, 2, 2), new double[] {0.5, -0.25, 0.75, 1.0}));
        builder.add(new Conv2d("c", "x", 1, Window2d.square(2, 1, 0), 1, new ParamRef("c.weight",
                SourceSpan.GENERATED), Optional.empty(), SourceSpan.GENERATED));
        builder.add(new Relu("r", "c", SourceSpan.GENERATED));
        builder.add(new Flatten("f", "r", SourceSpan.GENERATED));
        builder.weight("d.weight", Tensor.wrap(Shape.of(2, 4), new double[] {0.5, -0.5, 0.25, 1.0, -1.0, 0.75,
                0.125, 0.375}));
        builder.add(new Dense("d", "f", 2, new ParamRef("d.weight", SourceSpan.GENERATED), Optional.empty(),
                SourceSpan.GENERATED));
        return builder.output("d").build();
    }

    private static void add(Map<Syn, Integer> multiset, Syn... synapses) {
        for (Syn synapse : synapses) {
            multiset.merge(synapse, 1, Integer::sum);
        }
    }

    // ------------------------------------------------------------------------------------------------ the cases

    /**
     * One compile: the ANN of {@code seed}, a chip, the conversion options, the zero-reset ratio, the allocator
     * (empty: the chip's default), whether populations get {@link RandomDecays} and whether one gets a
     * {@link RandomRecurrence}.
     */
    record Case(long seed, boolean plain, Graph ann, ChipSpec chip, String chipLabel, ConversionOptions options, int zeroResetRatio,
            Optional<String> allocator, boolean decaying, boolean recurrent) {

        /** A case of feed-forward integrate-and-fire populations. */
        Case(long seed, boolean plain, Graph ann, ChipSpec chip, String chipLabel, ConversionOptions options,
                int zeroResetRatio, Optional<String> allocator) {
            this(seed, plain, ann, chip, chipLabel, options, zeroResetRatio, allocator, false, false);
        }

        @Override
        public String toString() {
            return "Case[" + (plain ? "plain" : "chip-ready") + " network of seed " + seed + ", chip " + chipLabel + ", " + options + ", zero-reset ratio "
                    + zeroResetRatio + ", allocator " + allocator.orElse("default")
                    + (decaying ? ", random decays" : "") + (recurrent ? ", a random recurrent edge" : "") + "]";
        }
    }

    /** A compiled case: {@code config} is the emitted file with its boxes written as runs ({@link ConfigurationRuns}). */
    record Compiled(Graph quantized, byte[] bytes, JsonNode config) {

        /** The configuration as emitted, boxes and all. */
        JsonNode emitted() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A compiled configuration, or the sorted diagnostic ids of a clean refusal. */
    record Outcome(Optional<Compiled> compiled, List<String> refusal) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.longs().map(ConfigurationProperties::randomCase);
    }

    /** A chip and its label for the statistics. */
    record LabelledChip(ChipSpec chip, String label) {
    }

    /** One of the built-in chips half the time, else a random valid spec. */
    static LabelledChip randomChip(Random random) {
        int choice = random.nextInt(6);
        if (choice < 3) {
            String name = ChipSpecs.builtIns().get(choice);
            return new LabelledChip(ChipSpecs.load(name), name);
        }
        ChipSpec chip = TestChips.random(random);
        return new LabelledChip(chip, "random " + chip.memoryModel().spelling() + " of " + chip.cores() + " cores");
    }

    static Case randomCase(long seed) {
        Random random = new Random(seed * 31 + 7);
        // Mostly networks a chip can hold; some plain ones, whose weighted layers may meet without a population
        // between them, to exercise clean refusals.
        boolean plain = random.nextInt(6) == 0;
        Graph ann = plain ? RandomNetworks.generate(seed) : RandomNetworks.generateForChips(seed);
        LabelledChip labelled = randomChip(random);
        ChipSpec chip = labelled.chip();
        String label = labelled.label();
        boolean pixels = ann.input().dtype() == DType.U8;
        InputEncoding encoding = pixels ? (random.nextInt(4) > 0 ? InputEncoding.ANALOG : InputEncoding.POISSON)
                : (random.nextInt(8) > 0 ? InputEncoding.POISSON : InputEncoding.ANALOG);
        if (random.nextInt(SEQUENCE_ONE_IN) == 0) {
            encoding = InputEncoding.SEQUENCE;
            ann = withEventInput(ann);
        }
        ConversionOptions options = new ConversionOptions(
                new NormalizeOptions(random.nextBoolean() ? 99.9 : 100, random.nextBoolean(),
                        NormalizeOptions.OutputScale.values()[random.nextInt(3)]),
                random.nextBoolean() ? ResetMode.SUBTRACT : ResetMode.ZERO,
                random.nextBoolean() ? OptionalDouble.empty() : OptionalDouble.of(0.9),
                encoding,
                ReadoutMode.values()[random.nextInt(ReadoutMode.values().length)],
                random.nextInt(1000), chip.features().maxPoolGate() ? random.nextInt(4) == 0 : random.nextInt(3) > 0,
                random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? ConversionOptions.HALF_THRESHOLD
                        : random.nextDouble(), biasCalibrationSteps(random, encoding), false,
                random.nextBoolean() ? ReadoutWindow.ALL : ReadoutWindow.HALF);
        int ratio = 1 << random.nextInt(5);
        Optional<String> allocator = random.nextInt(3) == 0 ? Optional.empty()
                : Optional.of(CoreAllocator.names().get(random.nextInt(CoreAllocator.names().size())));
        return new Case(seed, plain, ann, chip, label, options, ratio, allocator, RandomDecays.chosen(seed),
                RandomRecurrence.chosen(seed));
    }

    /** One case in this many takes a sequence input ({@link #withEventInput}). */
    static final int SEQUENCE_ONE_IN = 4;

    /**
     * {@code ann} fed events: its input's scale 1, as a sequence input's counts deliver the weights once each. It
     * still computes an ANN of the same weights, which the conversion normalizes on the calibration images.
     */
    static Graph withEventInput(Graph ann) {
        Input input = ann.input();
        return ann.toBuilder().replace(new Input(input.name(), input.dtype(), input.shape(), Scale.ONE,
                input.span())).build();
    }

    /**
     * 8 bias-calibration steps in one case in four, none with a sequence input: calibrate-bias simulates the
     * calibration images, which are not sequences of events.
     */
    static int biasCalibrationSteps(Random random, InputEncoding encoding) {
        return random.nextInt(4) == 0 && encoding != InputEncoding.SEQUENCE ? 8 : 0;
    }

    static double[][] calibration(Graph ann, long seed) {
        Random random = new Random(seed);
        int size = ann.input().shape().size();
        double[][] images = new double[CALIBRATION_IMAGES][];
        Arrays.setAll(images, i -> random.doubles(size).toArray());
        return images;
    }

    /** The CLI's sequence: adapt → standard conversion + quantize → synaptic network → mapper → emitter. */
    static Compiled compile(Case testCase, int threads) {
        ChipCompiler.Options options = ChipCompiler.Options.defaults().withConversion(testCase.options())
                .withZeroResetRatio(testCase.zeroResetRatio());
        if (testCase.allocator().isPresent()) {
            options = options.withAllocator(CoreAllocator.byName(testCase.allocator().get()).orElseThrow());
        }
        ChipSpec chip = testCase.chip();
        if (testCase.decaying() || testCase.recurrent()) {
            options = options.withPipeline(conversion -> conversion(conversion, testCase), IrDumps.NONE);
        }
        if (testCase.decaying()) {
            chip = RandomDecays.capable(chip, testCase.chipLabel().startsWith("random"));
        }
        CompiledChip compiled = ChipCompiler.compile(testCase.ann(), chip, options, new CompilationInputs(
                Optional.of(calibration(testCase.ann(), testCase.seed())), threads, Progress.NONE));
        byte[] bytes = compiled.configurationBytes();
        try {
            return new Compiled(compiled.quantized(), bytes, ConfigurationRuns.expand(JSON.readTree(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("the emitted configuration is not JSON", e);
        }
    }

    /** The standard conversion, then the case's random decays and its random recurrent edge, if it has them. */
    private static List<Pass> conversion(ConversionOptions options, Case testCase) {
        List<Pass> passes = new ArrayList<>(Passes.standard(options));
        if (testCase.decaying()) {
            passes.add(new RandomDecays(testCase.seed()));
        }
        if (testCase.recurrent()) {
            passes.add(new RandomRecurrence(testCase.seed()));
        }
        return passes;
    }

    /** Compiles, or returns the refusal, which must be clean: every error an E07xx or E09xx. */
    static Outcome attempt(Case testCase, int threads) {
        try {
            return new Outcome(Optional.of(compile(testCase, threads)), List.of());
        } catch (CompilationException refused) {
            List<Diagnostic> errors = refused.diagnostics().stream()
                    .filter(d -> d.severity() == Severity.ERROR).toList();
            assertTrue(!errors.isEmpty(), () -> "a refusal without an error: " + refused.getMessage());
            for (Diagnostic error : errors) {
                int family = error.code().number() / 100;
                assertTrue(family == 7 || family == 9, () -> "refused with " + error.code().id()
                        + ", not an E07xx or E09xx: " + error.format());
            }
            return new Outcome(Optional.empty(), errors.stream().map(d -> d.code().id()).sorted().toList());
        }
    }

    /** {@link #attempt} on {@code threads} threads, recording the outcome for the coverage check. */
    static Optional<Compiled> compileOrRefuse(Case testCase, int threads) {
        Outcome outcome = attempt(testCase, threads);
        Statistics.label("outcome").collect(outcome.compiled().isPresent() ? "compiled" : "refused");
        Statistics.label("refusal").collect(outcome.compiled().isPresent() ? "none"
                : String.join("+", new TreeSet<>(outcome.refusal())));
        Statistics.label("chip").collect(testCase.chipLabel().startsWith("random")
                ? "random " + testCase.chip().memoryModel().spelling() : testCase.chipLabel());
        return outcome.compiled();
    }

    /** What a compiled case exercises, for the statistics, from its configuration as emitted (boxes). */
    static void collectFeatures(JsonNode config) {
        Statistics.label(RandomDecays.LABEL).collect(config.toString().contains("\"decay_u\""));
        boolean split = false;
        for (JsonNode layer : config.get("layers")) {
            split |= layer.get("cores").size() > 1;
        }
        boolean shared = false;
        boolean twoPieces = false;
        Set<String> resets = new TreeSet<>();
        for (JsonNode core : config.get("cores")) {
            List<String> layers = new ArrayList<>();
            for (JsonNode block : core.get("neurons")) {
                resets.add(block.get("reset").asText());
                if (!isReplica(block)) {
                    layers.add(block.get("layer").asText());
                }
            }
            shared |= new HashSet<>(layers).size() > 1;
            twoPieces |= layers.size() > new HashSet<>(layers).size();
        }
        Statistics.label(ZERO_RESET).collect(resets.contains("zero"));
        Statistics.label(WRAP).collect(config.get("chip").get("neurons").get("overflow").asText().equals("wrap"));
        Statistics.label("cores used").collect(config.get("cores").size() == 1 ? "1"
                : config.get("cores").size() <= 4 ? "2-4" : "5+");
        Statistics.label("a layer over several cores").collect(split);
        Statistics.label("a core with several layers").collect(shared);
        Statistics.label("a core with two pieces of one layer").collect(twoPieces);
        Statistics.label(GATES).collect(!config.get("gates").isEmpty());
        Statistics.label(SPATIAL_TILES).collect(hasSpatialTiles(config));
        Statistics.label(GATE_OVER_CORES).collect(hasGateOverSeveralCores(config));
        Statistics.label(REPLICAS).collect(hasReplicas(config));
        Statistics.label(SEVERAL_SOURCES).collect(hasLayerOfSeveralSources(config));
    }

    static final String SPATIAL_TILES = "a conv layer cut into spatial tiles";
    static final String ZERO_RESET = "neurons that reset to zero";
    static final String WRAP = "registers that wrap on overflow";
    static final String GATES = "max-pool gates";
    static final String GATE_OVER_CORES = "a gate over several cores";
    static final String REPLICAS = "a core updating replicas for its gates' overlapping windows";
    static final String SEVERAL_SOURCES = "a layer fed by several sources (add, concat)";

    /** Whether some core holds part of a [C, H, W] layer's map: a box that is not whole channel maps. */
    static boolean hasSpatialTiles(JsonNode config) {
        Map<String, int[]> shapes = sourceShapes(config);
        for (JsonNode core : config.get("cores")) {
            for (JsonNode block : core.get("neurons")) {
                int[] shape = shapes.get(block.get("layer").asText());
                if (shape.length == 3 && (block.get("rows").get(1).asInt() != shape[1]
                        || block.get("cols").get(1).asInt() != shape[2])) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasGateOverSeveralCores(JsonNode config) {
        Map<String, Set<Integer>> coresOfGate = new HashMap<>();
        for (JsonNode core : config.get("cores")) {
            for (JsonNode block : core.get("gates")) {
                coresOfGate.computeIfAbsent(block.get("unit").asText(), gate -> new HashSet<>())
                        .add(core.get("id").asInt());
            }
        }
        return coresOfGate.values().stream().anyMatch(cores -> cores.size() > 1);
    }

    private static boolean hasReplicas(JsonNode config) {
        for (JsonNode core : config.get("cores")) {
            for (JsonNode block : core.get("neurons")) {
                if (block.path("replica").asBoolean(false)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasLayerOfSeveralSources(JsonNode config) {
        Map<String, Set<String>> sourcesOfLayer = new HashMap<>();
        for (JsonNode kernel : config.get("kernels")) {
            sourcesOfLayer.computeIfAbsent(kernel.get("target").asText(), layer -> new HashSet<>())
                    .add(kernel.get("source").asText());
        }
        for (JsonNode core : config.get("cores")) {
            for (JsonNode synapse : core.get("synapses")) {
                sourcesOfLayer.computeIfAbsent(synapse.get("target").asText(), layer -> new HashSet<>())
                        .add(synapse.get("source").asText());
            }
        }
        return sourcesOfLayer.values().stream().anyMatch(sources -> sources.size() > 1);
    }

    /**
     * Fails the property unless each of {@code features} occurred in at least {@code percent} of its tries (a gate over
     * several cores and replicas have their own floors in the emulator's gated property).
     */
    static void requireFeatureCoverage(double percent, String... features) {
        for (String feature : features) {
            Statistics.label(feature).coverage(coverage -> coverage.check(true).percentage(p -> p >= percent));
        }
    }

    /**
     * At least one case in 40 tries: a feature seen in a fifth of the cases is then missed about once in 7,000 runs,
     * and the emulator's random cases give gates to one seed in three.
     */
    static final double MIN_FEATURE_PERCENT = 2;

    static void requireFairShareCompiled() {
        Statistics.label("outcome").coverage(coverage -> coverage.check("compiled")
                .percentage(p -> p >= MIN_COMPILED_PERCENT));
    }

    // ------------------------------------------------------------------------------------------------ synapses

    /** One synapse: source element → target neuron, with its integer weight in membrane LSBs. */
    record Syn(String source, int element, String target, int neuron, long weight) {
    }

    interface TapSink {
        void tap(int element, long weight);
    }

    /**
     * The synapses of {@code kernel} (a configuration {@code kernels[]} entry) into target neuron {@code neuron},
     * as docs/configuration.md states them: target (f,i,j) receives K[f,c,u,v]·2^exponent from source element
     * (g·C/G + c, i·sh + u − top, j·sw + v − left), g = ⌊f·G/F⌋, skipping elements outside the input.
     */
    static void kernelTaps(JsonNode kernel, int neuron, TapSink sink) {
        int[] in = ints(kernel.get("input_shape"));
        int[] out = ints(kernel.get("output_shape"));
        int[] size = ints(kernel.get("kernel"));
        int[] stride = ints(kernel.get("stride"));
        int[] padding = ints(kernel.get("padding"));
        int groups = kernel.get("groups").asInt();
        int exponent = kernel.get("exponent").asInt();
        JsonNode mantissas = kernel.get("mantissas");
        int channels = in[0];
        int filters = out[0];
        int perGroup = channels / groups;
        assertEquals((long) filters * perGroup * size[0] * size[1], mantissas.size(),
                () -> "kernel " + kernel.get("name") + " holds the wrong number of mantissas");
        int f = neuron / (out[1] * out[2]);
        int i = neuron / out[2] % out[1];
        int j = neuron % out[2];
        int g = f * groups / filters;
        for (int c = 0; c < perGroup; c++) {
            for (int u = 0; u < size[0]; u++) {
                int y = i * stride[0] + u - padding[0];
                for (int v = 0; v < size[1]; v++) {
                    int x = j * stride[1] + v - padding[1];
                    if (y < 0 || y >= in[1] || x < 0 || x >= in[2]) {
                        continue;
                    }
                    long mantissa = mantissas.get(((f * perGroup + c) * size[0] + u) * size[1] + v).asLong();
                    sink.tap(((g * perGroup + c) * in[1] + y) * in[2] + x, mantissa << exponent);
                }
            }
        }
    }

    /**
     * The multiset of synapses the configuration holds: every core's synapse entries, conv ones through their kernel
     * over the core's neuron blocks of the target layer, dense ones as rows × inputs. Each synapse's target must be
     * one of the core's neurons and its source element one the core's axons deliver, zero weights included, a
     * replica's too; the multiset holds the synapses into owned neurons, the network's, and leaves
     * zero weights out, as {@link #expandGraph} does, since a conv over a concat is stored as
     * ungrouped kernels whose cross-group taps are zeros the IR does not have.
     */
    static Map<Syn, Integer> expandConfiguration(JsonNode config) {
        Map<String, JsonNode> kernels = byName(config.get("kernels"));
        Map<String, Integer> sizes = sourceSizes(config);
        Map<String, int[]> shapes = sourceShapes(config);
        for (JsonNode kernel : kernels.values()) {
            String name = "kernel " + kernel.get("name").asText();
            assertTrue(shapes.containsKey(kernel.get("source").asText()), name + " reads an unknown source");
            assertEquals(intList(JSON.valueToTree(shapes.get(kernel.get("source").asText()))),
                    intList(kernel.get("input_shape")), name + ": input_shape is its source's shape");
            assertEquals(intList(JSON.valueToTree(shapes.get(kernel.get("target").asText()))),
                    intList(kernel.get("output_shape")), name + ": output_shape is its target's shape");
        }
        Map<Syn, Integer> synapses = new HashMap<>();
        for (JsonNode core : config.get("cores")) {
            int id = core.get("id").asInt();
            Map<String, BitSet> held = heldNeurons(core);
            Map<String, BitSet> owned = ownedNeurons(core);
            Map<String, BitSet> delivered = new HashMap<>();
            for (JsonNode axon : core.get("axons")) {
                int first = axon.get("source_first").asInt();
                delivered.computeIfAbsent(axon.get("source").asText(), s -> new BitSet())
                        .set(first, first + axon.get("count").asInt());
            }
            for (JsonNode entry : core.get("synapses")) {
                String source = entry.get("source").asText();
                String target = entry.get("target").asText();
                String where = "core " + id + " synapses '" + entry.get("name").asText() + "'";
                BitSet targets = held.getOrDefault(target, new BitSet());
                assertTrue(!targets.isEmpty(), () -> where + " feed layer " + target + ", which the core does not hold");
                assertTrue(sizes.containsKey(source), () -> where + " read unknown source " + source);
                BitSet sourceDelivered = delivered.getOrDefault(source, new BitSet());
                BitSet ownedTargets = owned.getOrDefault(target, new BitSet());
                int[] neuronOf = new int[1];
                TapSink sink = (element, weight) -> {
                    assertTrue(element >= 0 && element < sizes.get(source), () -> where + ": element " + element
                            + " is outside " + source);
                    assertTrue(sourceDelivered.get(element), () -> where + ": neuron " + neuronOf[0] + " reads "
                            + source + "[" + element + "], which no axon of core " + id + " delivers");
                    if (weight != 0 && ownedTargets.get(neuronOf[0])) {
                        synapses.merge(new Syn(source, element, target, neuronOf[0], weight), 1, Integer::sum);
                    }
                };
                if (entry.get("kind").asText().equals("conv")) {
                    JsonNode kernel = kernels.get(entry.get("kernel").asText());
                    assertTrue(kernel != null, () -> where + " name no kernel");
                    assertEquals(source, kernel.get("source").asText(), where + ": kernel source");
                    assertEquals(target, kernel.get("target").asText(), where + ": kernel target");
                    for (int n = targets.nextSetBit(0); n >= 0; n = targets.nextSetBit(n + 1)) {
                        neuronOf[0] = n;
                        kernelTaps(kernel, n, sink);
                    }
                } else {
                    assertEquals("dense", entry.get("kind").asText(), where);
                    int rowsFirst = entry.get("rows_first").asInt();
                    int rows = entry.get("rows").asInt();
                    int inputs = entry.get("inputs").asInt();
                    int exponent = entry.get("exponent").asInt();
                    JsonNode mantissas = entry.get("mantissas");
                    assertEquals(sizes.get(source).intValue(), inputs, where + ": inputs is the source's size");
                    assertEquals((long) rows * inputs, mantissas.size(), where + ": rows × inputs mantissas");
                    for (int r = 0; r < rows; r++) {
                        int neuron = rowsFirst + r;
                        assertTrue(targets.get(neuron), () -> where + ": row " + neuron + " is not a neuron of "
                                + "core " + id);
                        neuronOf[0] = neuron;
                        for (int k = 0; k < inputs; k++) {
                            sink.tap(k, mantissas.get(r * inputs + k).asLong() << exponent);
                        }
                    }
                }
            }
        }
        return synapses;
    }

    /**
     * The multiset of synapses the quantized IR defines, independently of {@link SynapticNetwork}: each IF
     * population's synapse expression (adds of conv2d and dense nodes), each conv2d or dense reading a source through
     * flattens and concats (both the identity on flat C-order indices, a concat offsetting its later operands), with
     * the integer weights of the graph's tensors. Zero weights are left out.
     */
    static Map<Syn, Integer> expandGraph(Graph graph) {
        ShapeInference.Result shapes = ShapeInference.infer(graph, new DiagnosticBag());
        Map<Syn, Integer> synapses = new HashMap<>();
        for (Node node : graph.nodes().values()) {
            if (node instanceof IfNeurons population) {
                expandExpression(graph, shapes, population.name(), population.input(), synapses);
            }
        }
        return synapses;
    }

    private static void expandExpression(Graph graph, ShapeInference.Result shapes, String target, String value,
            Map<Syn, Integer> into) {
        Node node = graph.node(value);
        if (node instanceof Add add) {
            add.inputs().forEach(operand -> expandExpression(graph, shapes, target, operand, into));
        } else if (node instanceof Conv2d conv) {
            Shape in = shapes.shape(conv.input());
            Shape out = shapes.shape(conv.name());
            long[] weight = integers(graph, conv.weight());
            Window2d window = conv.window();
            int filters = out.dim(0);
            int perGroup = in.dim(0) / conv.groups();
            for (int f = 0; f < filters; f++) {
                int g = f * conv.groups() / filters;
                for (int i = 0; i < out.dim(1); i++) {
                    for (int j = 0; j < out.dim(2); j++) {
                        int neuron = (f * out.dim(1) + i) * out.dim(2) + j;
                        for (int c = 0; c < perGroup; c++) {
                            for (int u = 0; u < window.kernelH(); u++) {
                                int y = i * window.strideH() + u - window.padding().top();
                                for (int v = 0; v < window.kernelW(); v++) {
                                    int x = j * window.strideW() + v - window.padding().left();
                                    if (y < 0 || y >= in.dim(1) || x < 0 || x >= in.dim(2)) {
                                        continue;
                                    }
                                    int element = ((g * perGroup + c) * in.dim(1) + y) * in.dim(2) + x;
                                    long w = weight[((f * perGroup + c) * window.kernelH() + u) * window.kernelW()
                                            + v];
                                    if (w != 0) {
                                        into.merge(resolve(graph, shapes, conv.input(), element, target, neuron, w),
                                                1, Integer::sum);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } else if (node instanceof Dense dense) {
            int inputs = shapes.shape(dense.input()).size();
            long[] weight = integers(graph, dense.weight());
            assertEquals((long) dense.units() * inputs, weight.length, "dense " + dense.name());
            for (int u = 0; u < dense.units(); u++) {
                for (int k = 0; k < inputs; k++) {
                    if (weight[u * inputs + k] != 0) {
                        into.merge(resolve(graph, shapes, dense.input(), k, target, u, weight[u * inputs + k]), 1,
                                Integer::sum);
                    }
                }
            }
        } else {
            fail(node.operator() + " '" + value + "' in the synapse expression of " + target
                    + " is neither add, conv2d nor dense");
        }
    }

    /** The synapse from element {@code element} of value {@code value}, looked through flattens and concats. */
    private static Syn resolve(Graph graph, ShapeInference.Result shapes, String value, int element, String target,
            int neuron, long weight) {
        Node node = graph.node(value);
        if (node instanceof Flatten flatten) {
            return resolve(graph, shapes, flatten.input(), element, target, neuron, weight);
        }
        if (node instanceof PreviousStep previous) {
            // A route delivers in the next step, so a recurrent edge is a synapse from its population.
            return resolve(graph, shapes, previous.source(), element, target, neuron, weight);
        }
        if (node instanceof Concat concat) {
            int offset = element;
            for (String operand : concat.inputs()) {
                int size = shapes.shape(operand).size();
                if (offset < size) {
                    return resolve(graph, shapes, operand, offset, target, neuron, weight);
                }
                offset -= size;
            }
            fail("element " + element + " is outside concat " + value);
        }
        assertTrue(node instanceof IfNeurons || node instanceof MaxPoolGate || node instanceof SpikeEncoder,
                () -> "a synapse into " + target + " reads " + node.operator() + " '" + value + "', not spikes");
        return new Syn(value, element, target, neuron, weight);
    }

    /** A quantized tensor's integer values, which must be exact integers. */
    static long[] integers(Graph graph, ParamRef ref) {
        Tensor tensor = graph.weights().get(ref.key()).orElseThrow();
        long[] values = new long[tensor.size()];
        for (int i = 0; i < values.length; i++) {
            double value = tensor.get(i);
            assertTrue(value == Math.rint(value) && Math.abs(value) < 0x1p62,
                    "quantized value " + value + " of " + ref.key() + " is not an integer");
            values[i] = (long) value;
        }
        return values;
    }

    static void assertMultisetsEqual(Map<Syn, Integer> intended, Map<Syn, Integer> emitted) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Syn, Integer> entry : intended.entrySet()) {
            int have = emitted.getOrDefault(entry.getKey(), 0);
            if (have != entry.getValue()) {
                problems.add(entry.getKey() + ": intended ×" + entry.getValue() + ", emitted ×" + have);
            }
        }
        for (Map.Entry<Syn, Integer> entry : emitted.entrySet()) {
            if (!intended.containsKey(entry.getKey())) {
                problems.add(entry.getKey() + ": intended ×0, emitted ×" + entry.getValue());
            }
        }
        if (!problems.isEmpty()) {
            Collections.sort(problems);
            fail(problems.size() + " synapses differ between the quantized IR and the configuration, e.g.\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(12, problems.size()))));
        }
    }

    // ------------------------------------------------------------------------------------------------ neurons

    /**
     * Every neuron of every layer and every gate output is owned by exactly one core; layers[].cores says which. A
     * replica copies a neuron of the layer that its core does not own.
     */
    static void checkNeuronsPartitioned(JsonNode config) {
        Map<String, int[]> owner = new HashMap<>();
        Map<String, Integer> sizes = sourceSizes(config);
        Map<String, TreeSet<Integer>> coresOf = new HashMap<>();
        for (JsonNode core : config.get("cores")) {
            int id = core.get("id").asInt();
            List<JsonNode> blocks = new ArrayList<>();
            core.get("neurons").forEach(blocks::add);
            core.get("gates").forEach(blocks::add);
            Map<String, BitSet> owned = ownedNeurons(core);
            for (JsonNode block : blocks) {
                String unit = block.has("layer") ? block.get("layer").asText() : block.get("unit").asText();
                assertTrue(sizes.containsKey(unit), () -> "core " + id + " holds unknown " + unit);
                if (isReplica(block)) {
                    int first = block.get("first").asInt();
                    int end = first + block.get("count").asInt();
                    assertTrue(end <= sizes.get(unit) && owned.getOrDefault(unit, new BitSet()).get(first, end)
                            .isEmpty(), () -> "core " + id + " replicates " + unit + "[" + first + ", " + end
                            + "), beyond the layer or of its own neurons");
                    continue;
                }
                int size = sizes.get(unit);
                int[] owners = owner.computeIfAbsent(unit, u -> filled(size, -1));
                int first = block.get("first").asInt();
                int end = first + block.get("count").asInt();
                assertTrue(end <= size, () -> "core " + id + " holds " + unit + "[" + first + ", " + end
                        + ") beyond its " + size + " elements");
                for (int n = first; n < end; n++) {
                    int element = n;
                    assertEquals(-1, owners[n], () -> unit + "[" + element + "] is on core " + owners[element]
                            + " and again on core " + id);
                    owners[n] = id;
                }
                if (block.has("layer")) {
                    coresOf.computeIfAbsent(unit, u -> new TreeSet<>()).add(id);
                }
            }
        }
        for (JsonNode layer : config.get("layers")) {
            String name = layer.get("name").asText();
            int[] owners = owner.get(name);
            assertTrue(owners != null, () -> "no core holds layer " + name);
            for (int n = 0; n < owners.length; n++) {
                int neuron = n;
                assertTrue(owners[n] >= 0, () -> name + "[" + neuron + "] is on no core");
            }
            List<Integer> listed = new ArrayList<>();
            layer.get("cores").forEach(c -> listed.add(c.asInt()));
            assertEquals(new ArrayList<>(coresOf.get(name)), listed, "layers[" + name + "].cores");
        }
        for (JsonNode gate : config.get("gates")) {
            String name = gate.get("name").asText();
            int[] owners = owner.get(name);
            assertTrue(owners != null && Arrays.stream(owners).allMatch(o -> o >= 0),
                    () -> "some output of gate " + name + " is on no core");
        }
    }

    /** Thresholds, resets, weight exponents and biases per neuron equal the quantized IR's. */
    static void checkNeuronParameters(JsonNode config, Graph quantized) {
        ShapeInference.Result shapes = ShapeInference.infer(quantized, new DiagnosticBag());
        Map<String, IfNeurons> populations = new LinkedHashMap<>();
        quantized.nodes().values().stream().filter(IfNeurons.class::isInstance).map(IfNeurons.class::cast)
                .forEach(p -> populations.put(p.name(), p));
        List<String> layers = new ArrayList<>();
        for (JsonNode layer : config.get("layers")) {
            String name = layer.get("name").asText();
            layers.add(name);
            assertTrue(populations.containsKey(name), () -> "layer " + name + " is no population of the IR");
            assertEquals(shapes.shape(name).dims(), intList(layer.get("shape")), "shape of " + name);
        }
        assertEquals(new ArrayList<>(populations.keySet()), layers, "the layers are the IR's populations, in order");
        for (JsonNode core : config.get("cores")) {
            for (JsonNode block : core.get("neurons")) {
                IfNeurons population = populations.get(block.get("layer").asText());
                String where = "core " + core.get("id").asInt() + " block " + block.get("layer").asText() + "["
                        + block.get("first").asInt() + "]";
                assertEquals((long) population.threshold(), block.get("threshold").asLong(), where + " threshold");
                assertEquals(population.reset().spelling(), block.get("reset").asText(), where + " reset");
                assertEquals(population.fixed().orElseThrow().weightExponent(), block.get("weight_exponent").asInt(),
                        where + " weight exponent");
                Optional<FixedPoint.IntegerDecay> decay = population.fixed().orElseThrow().decay();
                assertEquals(decay.map(d -> List.of(d.current(), d.voltage())), block.has("decay_u")
                        ? Optional.of(List.of(block.get("decay_u").asInt(), block.get("decay_v").asInt()))
                        : Optional.empty(), where + " decays");
                Shape shape = shapes.shape(population.name());
                long[] current = population.current().map(ref -> integers(quantized, ref))
                        .orElseGet(() -> new long[shape.size()]);
                long[] emitted = biases(block, shape);
                int first = block.get("first").asInt();
                for (int i = 0; i < emitted.length; i++) {
                    assertEquals(current[first + i], emitted[i], where + ": bias of neuron " + (first + i));
                }
            }
        }
    }

    /** The bias current of each neuron of a block, in membrane LSBs. */
    static long[] biases(JsonNode block, Shape shape) {
        int first = block.get("first").asInt();
        int count = block.get("count").asInt();
        JsonNode bias = block.get("bias");
        int exponent = bias.get("exponent").asInt();
        JsonNode mantissas = bias.get("mantissas");
        long[] currents = new long[count];
        if (bias.get("per").asText().equals("channel")) {
            assertEquals(3, shape.rank(), "per-channel biases need a [C,H,W] layer");
            int map = shape.dim(1) * shape.dim(2);
            int firstChannel = first / map;
            assertEquals((first + count - 1) / map - firstChannel + 1, mantissas.size(),
                    "one bias per channel from the block's first to its last");
            for (int i = 0; i < count; i++) {
                currents[i] = mantissas.get((first + i) / map - firstChannel).asLong() << exponent;
            }
        } else {
            assertEquals(count, mantissas.size(), "one bias per neuron");
            for (int i = 0; i < count; i++) {
                currents[i] = mantissas.get(i).asLong() << exponent;
            }
        }
        return currents;
    }

    // ------------------------------------------------------------------------------------------------ routes

    record Element(String source, int element) {
    }

    record Slot(int core, int axon) {
    }

    /**
     * For every source element, the (core, axon) pairs its routes reach are exactly those where an axon block
     * expects it, each reached once; a population axon box only allows the channels it lists, so its elements may
     * also not be routed (the synapse check finds any that are missed). Input elements are routed by
     * {@code input_routes}, population and gate elements by the cores that hold them.
     */
    static void checkRoutes(JsonNode config) {
        Map<String, Integer> sizes = sourceSizes(config);
        String input = config.get("input").get("name").asText();
        Map<Element, Set<Slot>> expected = new HashMap<>();
        Set<Slot> allowedOnly = new HashSet<>();
        Set<Integer> coreIds = new HashSet<>();
        for (JsonNode core : config.get("cores")) {
            int id = core.get("id").asInt();
            coreIds.add(id);
            Map<Integer, Element> axons = new HashMap<>();
            for (JsonNode block : core.get("axons")) {
                String source = block.get("source").asText();
                int sourceFirst = block.get("source_first").asInt();
                int axonFirst = block.get("axon_first").asInt();
                assertTrue(sizes.containsKey(source), () -> "core " + id + " has axons from unknown " + source);
                for (int k = 0; k < block.get("count").asInt(); k++) {
                    Element element = new Element(source, sourceFirst + k);
                    assertTrue(element.element() < sizes.get(source), () -> "core " + id + " expects " + element
                            + " beyond its source");
                    Element previous = axons.put(axonFirst + k, element);
                    int axon = axonFirst + k;
                    assertTrue(previous == null, () -> "core " + id + " axon " + axon + " carries both " + previous
                            + " and " + element);
                    expected.computeIfAbsent(element, e -> new HashSet<>()).add(new Slot(id, axonFirst + k));
                    if (block.has(ConfigurationRuns.DECLARED_AXON_FIRST)) {
                        allowedOnly.add(new Slot(id, axonFirst + k));
                    }
                }
            }
        }
        Map<Element, Map<Slot, Integer>> reached = new HashMap<>();
        for (JsonNode route : config.get("input_routes")) {
            assertEquals(input, route.get("source").asText(), "input_routes route only the input");
            reach(route, reached);
        }
        for (JsonNode core : config.get("cores")) {
            int id = core.get("id").asInt();
            Map<String, BitSet> held = ownedNeurons(core);
            for (JsonNode gate : core.get("gates")) {
                int first = gate.get("first").asInt();
                held.computeIfAbsent(gate.get("unit").asText(), u -> new BitSet())
                        .set(first, first + gate.get("count").asInt());
            }
            for (JsonNode route : core.get("routes")) {
                String source = route.get("source").asText();
                int first = route.get("source_first").asInt();
                int end = first + route.get("count").asInt();
                BitSet own = held.getOrDefault(source, new BitSet());
                assertTrue(own.get(first, end).cardinality() == end - first, () -> "core " + id + " routes "
                        + source + "[" + first + ", " + end + "), which it does not own");
                assertTrue(coreIds.contains(route.get("core").asInt()), () -> "core " + id
                        + " routes to unused core " + route.get("core").asInt());
                reach(route, reached);
            }
        }
        List<String> problems = new ArrayList<>();
        reached.forEach((element, slots) -> slots.forEach((slot, times) -> {
            if (times != 1) {
                problems.add(element + " reaches " + slot + " " + times + " times");
            }
        }));
        Set<Element> elements = new HashSet<>(expected.keySet());
        elements.addAll(reached.keySet());
        for (Element element : elements) {
            Set<Slot> want = expected.getOrDefault(element, Set.of());
            Set<Slot> got = reached.getOrDefault(element, Map.of()).keySet();
            Set<Slot> missed = new HashSet<>(want);
            missed.removeAll(got);
            missed.removeAll(allowedOnly);
            if (!want.containsAll(got) || !missed.isEmpty()) {
                problems.add(element + " is expected at " + new TreeMap<>(group(want)) + " but routed to "
                        + new TreeMap<>(group(got)));
            }
        }
        if (!problems.isEmpty()) {
            Collections.sort(problems);
            fail(problems.size() + " routing problems, e.g.\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(12, problems.size()))));
        }
    }

    private static Map<Integer, List<Integer>> group(Set<Slot> slots) {
        Map<Integer, List<Integer>> byCore = new TreeMap<>();
        slots.forEach(slot -> byCore.computeIfAbsent(slot.core(), c -> new ArrayList<>()).add(slot.axon()));
        byCore.values().forEach(Collections::sort);
        return byCore;
    }

    private static void reach(JsonNode route, Map<Element, Map<Slot, Integer>> reached) {
        String source = route.get("source").asText();
        int first = route.get("source_first").asInt();
        int core = route.get("core").asInt();
        int axon = route.get("axon_first").asInt();
        for (int k = 0; k < route.get("count").asInt(); k++) {
            reached.computeIfAbsent(new Element(source, first + k), e -> new HashMap<>())
                    .merge(new Slot(core, axon + k), 1, Integer::sum);
        }
    }

    /** A gate output's window (its valid positions) reads only neurons the core that computes it updates. */
    static void checkGateWindowsAreLocal(JsonNode config) {
        Map<String, JsonNode> gates = byName(config.get("gates"));
        Map<String, int[]> shapes = new HashMap<>();
        config.get("layers").forEach(layer -> shapes.put(layer.get("name").asText(), ints(layer.get("shape"))));
        for (JsonNode core : config.get("cores")) {
            Map<String, BitSet> held = heldNeurons(core);
            for (JsonNode block : core.get("gates")) {
                JsonNode gate = gates.get(block.get("unit").asText());
                assertTrue(gate != null, "gate block of an unknown gate");
                String population = gate.get("population").asText();
                int[] in = shapes.get(population);
                int[] out = ints(gate.get("shape"));
                int[] kernel = ints(gate.get("kernel"));
                int[] stride = ints(gate.get("stride"));
                int[] padding = ints(gate.get("padding"));
                BitSet own = held.getOrDefault(population, new BitSet());
                int first = block.get("first").asInt();
                for (int o = first; o < first + block.get("count").asInt(); o++) {
                    int c = o / (out[1] * out[2]);
                    int i = o / out[2] % out[1];
                    int j = o % out[2];
                    for (int u = 0; u < kernel[0]; u++) {
                        for (int v = 0; v < kernel[1]; v++) {
                            int y = i * stride[0] + u - padding[0];
                            int x = j * stride[1] + v - padding[1];
                            if (y >= 0 && y < in[1] && x >= 0 && x < in[2]) {
                                int neuron = (c * in[1] + y) * in[2] + x;
                                int output = o;
                                assertTrue(own.get(neuron), () -> "core " + core.get("id").asInt() + " computes "
                                        + gate.get("name").asText() + "[" + output + "] but not " + population
                                        + "[" + neuron + "] of its window");
                            }
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ limits

    private static final List<String> RESOURCES = List.of("neurons", "synapse_memory", "bias_memory",
            "input_axons", "output_axons", "destinations");

    /**
     * Every core's usage, recomputed from the JSON by the memory model's formulas (docs/chip-spec.md), equals its
     * {@code usage}, and both are within the core's limits ({@code chip.core} with {@code core_overrides}) and the
     * chip's routing and layer limits.
     */
    static void checkLimits(JsonNode config) {
        JsonNode chip = config.get("chip");
        int chipCores = chip.get("cores").asInt();
        List<Map<String, Long>> limits = coreLimits(chip);
        JsonNode routing = chip.get("routing");
        long maxDestinations = routing.has("max_destinations_per_core")
                ? routing.get("max_destinations_per_core").asLong() : Long.MAX_VALUE;
        boolean selfRoutes = routing.get("self_routes").asBoolean();
        JsonNode features = chip.get("features");
        long layersPerCore = features.has("layers_per_core") ? features.get("layers_per_core").asLong()
                : Long.MAX_VALUE;
        Map<String, Long> recomputed;
        int previous = -1;
        for (JsonNode core : config.get("cores")) {
            int id = core.get("id").asInt();
            assertTrue(id > previous, "cores by ascending id");
            previous = id;
            assertTrue(id >= 0 && id < chipCores, () -> "core " + id + " is not one of the chip's " + chipCores);
            recomputed = usage(config, core);
            JsonNode usage = core.get("usage");
            for (String resource : RESOURCES) {
                long used = usage.get(resource).asLong();
                assertEquals(recomputed.get(resource).longValue(), used, "core " + id + " usage." + resource
                        + " disagrees with its contents");
                long limit = resource.equals("destinations") ? maxDestinations : limits.get(id).get(resource);
                assertTrue(used <= limit, () -> "core " + id + ": " + resource + " " + used + " exceeds " + limit);
            }
            long layers = new HashSet<>(core.get("neurons").findValuesAsText("layer")).size();
            assertTrue(layers <= layersPerCore, () -> "core " + id + " holds " + layers + " layers");
            for (JsonNode route : core.get("routes")) {
                assertTrue(selfRoutes || route.get("core").asInt() != id, () -> "core " + id
                        + " routes to itself, which the chip forbids");
            }
        }
    }

    /** Each core's limits: {@code chip.core}, with the {@code core_overrides} that name it. */
    static List<Map<String, Long>> coreLimits(JsonNode chip) {
        List<Map<String, Long>> limits = new ArrayList<>();
        for (int c = 0; c < chip.get("cores").asInt(); c++) {
            Map<String, Long> core = new HashMap<>();
            chip.get("core").properties().forEach(field -> core.put(field.getKey(), field.getValue().asLong()));
            limits.add(core);
        }
        if (chip.has("core_overrides")) {
            for (JsonNode override : chip.get("core_overrides")) {
                for (JsonNode id : override.get("cores")) {
                    override.properties().forEach(field -> {
                        if (!field.getKey().equals("cores")) {
                            limits.get(id.asInt()).put(field.getKey(), field.getValue().asLong());
                        }
                    });
                }
            }
        }
        return limits;
    }

    /**
     * What a core uses, from its blocks, synapse entries, axons and routes, with all of a layer's blocks on the core
     * costed together (n neurons, F' distinct channels):
     * <ul>
     *   <li>entries: neurons = bias = n; synapses = Σ projections: conv F'·(C/G)·kh·kw, dense n·inputs;</li>
     *   <li>loihi-blocks: neurons = bias = n; synapses = Σ over each source element's row of s synapses onto the
     *       block of Σ_blocks 64·⌈(10 + bits·b)/64⌉, rows cut into blocks of at most 64;</li>
     *   <li>speck-padded: neurons = F'·2^(⌈log2 H'⌉+⌈log2 W'⌉), bias = F', kernel = Σ projections
     *       C_in·2^(⌈log2(kh·kw)⌉ + ⌈log2 F'⌉), a dense one a conv whose kernel is its whole input;</li>
     *   <li>input axons = the axons; output axons = Σ over sent elements of ⌈destination cores / multicast⌉ (Σ route
     *       counts without multicast); destinations = distinct route cores.</li>
     * </ul>
     */
    static Map<String, Long> usage(JsonNode config, JsonNode core) {
        String model = config.get("chip").get("memory_model").asText();
        int weightBits = config.get("chip").get("weights").get("bits").asInt();
        Map<String, JsonNode> kernels = byName(config.get("kernels"));
        Map<String, int[]> shapes = sourceShapes(config);
        long neurons = 0;
        long bias = 0;
        long synapses = 0;
        Map<String, List<JsonNode>> blocksByLayer = new LinkedHashMap<>();
        for (JsonNode block : core.get("neurons")) {
            blocksByLayer.computeIfAbsent(block.get("layer").asText(), layer -> new ArrayList<>()).add(block);
        }
        for (Map.Entry<String, List<JsonNode>> layerBlocks : blocksByLayer.entrySet()) {
            String layer = layerBlocks.getKey();
            int[] shape = shapes.get(layer);
            int map = shape.length == 3 ? shape[1] * shape[2] : 1;
            Set<Integer> channelSet = new HashSet<>();
            long count = 0;
            for (JsonNode block : layerBlocks.getValue()) {
                int first = block.get("first").asInt();
                int blockCount = block.get("count").asInt();
                count += blockCount;
                for (int n = first; n < first + blockCount; n++) {
                    channelSet.add(n / map);
                }
            }
            int channels = channelSet.size();
            // the projections into the layer: each conv kernel once, and each dense entry (one per block) apart
            List<JsonNode> projections = new ArrayList<>();
            Set<String> convs = new HashSet<>();
            for (JsonNode entry : core.get("synapses")) {
                if (entry.get("target").asText().equals(layer) && (entry.get("kind").asText().equals("dense")
                        || convs.add(entry.get("name").asText()))) {
                    projections.add(entry);
                }
            }
            if (model.equals("speck-padded")) {
                neurons += (long) channels << (shape.length == 3 ? ceilLog2(shape[1]) + ceilLog2(shape[2]) : 0);
                bias += channels;
                Set<String> names = new HashSet<>();
                for (JsonNode entry : projections) {
                    if (!names.add(entry.get("name").asText())) {
                        continue;
                    }
                    long inputChannels;
                    long area;
                    if (entry.get("kind").asText().equals("conv")) {
                        JsonNode kernel = kernels.get(entry.get("kernel").asText());
                        inputChannels = ints(kernel.get("input_shape"))[0];
                        int[] size = ints(kernel.get("kernel"));
                        area = (long) size[0] * size[1];
                    } else {
                        int[] source = shapes.get(entry.get("source").asText());
                        boolean flat = source.length != 3;
                        inputChannels = flat ? Arrays.stream(source).reduce(1, (a, b) -> a * b) : source[0];
                        area = flat ? 1 : (long) source[1] * source[2];
                    }
                    synapses += inputChannels << (ceilLog2(area) + ceilLog2(channels));
                }
            } else {
                neurons += count;
                bias += count;
                if (model.equals("entries")) {
                    for (JsonNode entry : projections) {
                        if (entry.get("kind").asText().equals("conv")) {
                            JsonNode kernel = kernels.get(entry.get("kernel").asText());
                            int[] size = ints(kernel.get("kernel"));
                            int perGroup = ints(kernel.get("input_shape"))[0] / kernel.get("groups").asInt();
                            synapses += (long) channels * perGroup * size[0] * size[1];
                        } else {
                            synapses += (long) entry.get("rows").asInt() * entry.get("inputs").asInt();
                        }
                    }
                } else {
                    assertEquals("loihi-blocks", model);
                    Map<Element, Integer> rows = new HashMap<>();
                    for (JsonNode entry : projections) {
                        String source = entry.get("source").asText();
                        if (entry.get("kind").asText().equals("conv")) {
                            JsonNode kernel = kernels.get(entry.get("kernel").asText());
                            for (JsonNode block : layerBlocks.getValue()) {
                                int first = block.get("first").asInt();
                                for (int n = first; n < first + block.get("count").asInt(); n++) {
                                    kernelTaps(kernel, n, (element, weight) ->
                                            rows.merge(new Element(source, element), 1, Integer::sum));
                                }
                            }
                        } else {
                            int entryRows = entry.get("rows").asInt();
                            for (int k = 0; k < entry.get("inputs").asInt(); k++) {
                                rows.merge(new Element(source, k), entryRows, Integer::sum);
                            }
                        }
                    }
                    for (int row : rows.values()) {
                        synapses += loihiRowBits(row, weightBits);
                    }
                }
            }
        }
        // the axons the file declares: a population axon carries every channel at its position
        BitSet declaredAxons = new BitSet();
        for (JsonNode axon : core.get("axons")) {
            int first = axon.path(ConfigurationRuns.DECLARED_AXON_FIRST).asInt(axon.get("axon_first").asInt());
            declaredAxons.set(first, first + axon.get("count").asInt());
        }
        long inputAxons = declaredAxons.cardinality();
        // multicast m: an output axon per ⌈destination cores / m⌉ of each sent element, each of a [C, H, W] source
        // taking a population axon's slots
        int multicast = config.get("chip").get("routing").path("multicast").asInt(1);
        int populationSlots = config.get("chip").get("routing").path("population_axons").asInt(1);
        Map<Element, Integer> destinationsOfElement = new HashMap<>();
        Set<Integer> destinations = new HashSet<>();
        for (JsonNode route : core.get("routes")) {
            int first = route.get("source_first").asInt();
            for (int e = first; e < first + route.get("count").asInt(); e++) {
                destinationsOfElement.merge(new Element(route.get("source").asText(), e), 1, Integer::sum);
            }
            destinations.add(route.get("core").asInt());
        }
        long outputAxons = 0;
        for (Map.Entry<Element, Integer> sent : destinationsOfElement.entrySet()) {
            int slots = shapes.get(sent.getKey().source()).length == 3 ? populationSlots : 1;
            outputAxons += (long) slots * ((sent.getValue() + multicast - 1) / multicast);
        }
        Map<String, Long> usage = new HashMap<>();
        usage.put("neurons", neurons);
        usage.put("synapse_memory", synapses);
        usage.put("bias_memory", bias);
        usage.put("input_axons", inputAxons);
        usage.put("output_axons", outputAxons);
        usage.put("destinations", (long) destinations.size());
        return usage;
    }

    static long loihiRowBits(int synapses, int weightBits) {
        long bits = 0;
        for (int left = synapses; left > 0; left -= 64) {
            int block = Math.min(64, left);
            bits += (10L + (long) weightBits * block + 63) / 64 * 64;
        }
        return bits;
    }

    static int ceilLog2(long n) {
        return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    // ------------------------------------------------------------------------------------------------ integers

    /**
     * Weight mantissas fit {@code weights.bits} signed bits (|m| ≤ 2^(bits−1)−1) with exponents in [exponent_min,
     * exponent_max], each synapse's exponent that of its target's blocks; thresholds are positive multiples of
     * 2^threshold_shift up to (2^threshold_bits−1)·2^threshold_shift; bias mantissas fit bias_bits signed bits with
     * an exponent in [0, bias_exponent_max].
     */
    static void checkIntegers(JsonNode config) {
        JsonNode chip = config.get("chip");
        JsonNode weights = chip.get("weights");
        long maxMantissa = (1L << (weights.get("bits").asInt() - 1)) - 1;
        int exponentMin = weights.get("exponent_min").asInt();
        int exponentMax = weights.get("exponent_max").asInt();
        JsonNode neurons = chip.get("neurons");
        int thresholdShift = neurons.get("threshold_shift").asInt();
        long maxThreshold = ((1L << neurons.get("threshold_bits").asInt()) - 1) << thresholdShift;
        long maxBias = (1L << (neurons.get("bias_bits").asInt() - 1)) - 1;
        int biasExponentMax = neurons.get("bias_exponent_max").asInt();
        Map<String, Integer> layerExponents = new HashMap<>();
        for (JsonNode core : config.get("cores")) {
            for (JsonNode block : core.get("neurons")) {
                String where = "core " + core.get("id").asInt() + " block " + block.get("layer").asText() + "["
                        + block.get("first").asInt() + "]";
                int exponent = block.get("weight_exponent").asInt();
                assertTrue(exponent >= exponentMin && exponent <= exponentMax, () -> where + ": weight exponent "
                        + exponent + " outside [" + exponentMin + ", " + exponentMax + "]");
                Integer other = layerExponents.putIfAbsent(block.get("layer").asText(), exponent);
                assertTrue(other == null || other == exponent, () -> where + ": a layer has one weight exponent");
                long threshold = block.get("threshold").asLong();
                assertTrue(threshold >= 1 && threshold <= maxThreshold, () -> where + ": threshold " + threshold
                        + " outside [1, " + maxThreshold + "]");
                assertEquals(0, threshold % (1L << thresholdShift), where + ": threshold " + threshold
                        + " is not a multiple of 2^" + thresholdShift);
                JsonNode bias = block.get("bias");
                int biasExponent = bias.get("exponent").asInt();
                assertTrue(biasExponent >= 0 && biasExponent <= biasExponentMax, () -> where + ": bias exponent "
                        + biasExponent + " outside [0, " + biasExponentMax + "]");
                for (JsonNode mantissa : bias.get("mantissas")) {
                    assertTrue(Math.abs(mantissa.asLong()) <= maxBias, () -> where + ": bias mantissa "
                            + mantissa + " exceeds ±" + maxBias);
                }
            }
        }
        for (JsonNode kernel : config.get("kernels")) {
            checkWeights("kernel " + kernel.get("name").asText(), kernel.get("mantissas"),
                    kernel.get("exponent").asInt(), maxMantissa, exponentMin, exponentMax);
            assertEquals(layerExponents.get(kernel.get("target").asText()), kernel.get("exponent").asInt(),
                    "kernel " + kernel.get("name").asText() + " has its target's weight exponent");
        }
        for (JsonNode core : config.get("cores")) {
            for (JsonNode entry : core.get("synapses")) {
                if (entry.get("kind").asText().equals("dense")) {
                    String where = "core " + core.get("id").asInt() + " dense " + entry.get("name").asText();
                    checkWeights(where, entry.get("mantissas"), entry.get("exponent").asInt(), maxMantissa,
                            exponentMin, exponentMax);
                    assertEquals(layerExponents.get(entry.get("target").asText()), entry.get("exponent").asInt(),
                            where + " has its target's weight exponent");
                }
            }
        }
    }

    private static void checkWeights(String where, JsonNode mantissas, int exponent, long maxMantissa,
            int exponentMin, int exponentMax) {
        assertTrue(exponent >= exponentMin && exponent <= exponentMax, () -> where + ": exponent " + exponent
                + " outside [" + exponentMin + ", " + exponentMax + "]");
        for (JsonNode mantissa : mantissas) {
            assertTrue(mantissa.canConvertToLong() && Math.abs(mantissa.asLong()) <= maxMantissa,
                    () -> where + ": mantissa " + mantissa + " exceeds ±" + maxMantissa);
        }
    }

    // ------------------------------------------------------------------------------------------------ JSON helpers

    static Map<String, JsonNode> byName(JsonNode array) {
        Map<String, JsonNode> named = new LinkedHashMap<>();
        for (JsonNode element : array) {
            JsonNode previous = named.put(element.get("name").asText(), element);
            assertTrue(previous == null, () -> "two entries named " + element.get("name").asText());
        }
        return named;
    }

    /** The shapes of every source: the input (by the encoder's name), the layers and the gates. */
    static Map<String, int[]> sourceShapes(JsonNode config) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put(config.get("input").get("name").asText(), ints(config.get("input").get("shape")));
        config.get("layers").forEach(layer -> shapes.put(layer.get("name").asText(), ints(layer.get("shape"))));
        config.get("gates").forEach(gate -> shapes.put(gate.get("name").asText(), ints(gate.get("shape"))));
        return shapes;
    }

    static Map<String, Integer> sourceSizes(JsonNode config) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sourceShapes(config).forEach((name, shape) -> sizes.put(name, Arrays.stream(shape).reduce(1, (a, b) -> a * b)));
        return sizes;
    }

    /** The neurons a core holds, by layer. */
    /** The neurons {@code core} updates, per layer: its own and its replicas. */
    static Map<String, BitSet> heldNeurons(JsonNode core) {
        return neuronBlocks(core, block -> true);
    }

    /** The neurons {@code core} owns, per layer: not its replicas, which it never routes nor counts. */
    static Map<String, BitSet> ownedNeurons(JsonNode core) {
        return neuronBlocks(core, block -> !isReplica(block));
    }

    static boolean isReplica(JsonNode block) {
        return block.path("replica").asBoolean(false);
    }

    private static Map<String, BitSet> neuronBlocks(JsonNode core, Predicate<JsonNode> kept) {
        Map<String, BitSet> held = new HashMap<>();
        for (JsonNode block : core.get("neurons")) {
            if (!kept.test(block)) {
                continue;
            }
            int first = block.get("first").asInt();
            held.computeIfAbsent(block.get("layer").asText(), l -> new BitSet())
                    .set(first, first + block.get("count").asInt());
        }
        return held;
    }

    static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    static List<Integer> intList(JsonNode array) {
        return Arrays.stream(ints(array)).boxed().toList();
    }

    private static int[] filled(int size, int value) {
        int[] array = new int[size];
        Arrays.fill(array, value);
        return array;
    }
}
