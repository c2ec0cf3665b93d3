package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.function.LongFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.snnc.compiler.intsim.FixedPointOverflowException;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.intsim.IntegerReference;
import org.snnc.compiler.intsim.IntegerResult;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.NormalizeOptions;
import org.snnc.compiler.testing.RandomNetworks;
import org.snnc.cli.EmulatedExits;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.compiler.sim.ExitFrontier;
import org.snnc.emulator.CycleStepper;
import org.snnc.emulator.Emulator;
import org.snnc.emulator.EmulatorException;
import org.snnc.emulator.Runner;
import org.snnc.emulator.config.Configuration;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.quant.QuantizeOptions;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.tests.ConfigurationProperties.Case;
import org.snnc.tests.ConfigurationProperties.Compiled;
import org.snnc.tests.ConfigurationProperties.Outcome;
import org.snnc.tests.EmulatorAgreementTest.Overflow;
import org.snnc.tests.EmulatorAgreementTest.Probe;

/**
 * The emulator against the integer reference on random chip-ready ANNs ({@link RandomNetworks#generateForChips})
 * compiled like {@code snnc compile} for random targets: the three built-ins and random chip specs
 * ({@link ConfigurationProperties.RandomChips}), with analog input or, in one case in four, a sequence input, a
 * membrane or spike-count readout, a random reset, max-pool gates or average pooling, random decays
 * ({@link RandomDecays}) and a random recurrent edge ({@link RandomRecurrence}) in a third of the cases each, and a
 * random allocator. A refused
 * case is replaced by another derived from the same seed (up to six), then skipped. Two images of random raw inputs,
 * or of random sequences of 0, 1 and 2 events, some shorter and some longer than the run ({@link #prepare}), T = 30.
 *
 * <ol>
 *   <li>Strict off on both sides (a random chip may saturate or wrap; both must apply the same rule): every
 *       population's and gate's spikes at every step, the predictions and the event operations are equal.</li>
 *   <li>Strict on on both sides: either both stop with an overflow in the same image and step (the neuron named may
 *       differ when several overflow in that step, as each side walks them in its own order), or neither does and the
 *       runs agree as in 1.</li>
 *   <li>With an early exit of a random streak k and margin B (membrane readout): the reference, the emulator's plain
 *       stepper and its chunked runner stop every image at the same step, with the same classes and operations at
 *       every step; and the frontier point computed after the fact from a full run equals the run stopped for
 *       real.</li>
 * </ol>
 */
class EmulatorAgreementProperties {

    private static final int TRIES = 40;
    private static final int STEPS = 30;
    private static final int IMAGES = 2;
    private static final int ATTEMPTS = 6;
    private static final int GATED_TRIES = 20;
    /** Networks tried per case for one with a max pooling. */
    private static final int GATED_SEARCH = 40;
    private static final double MIN_GATE_OVER_CORES_PERCENT = 25;
    /** Of those, the cases where a core updates replicas for a gate's overlapping windows (about half). */
    private static final double MIN_REPLICAS_PERCENT = 10;
    private static final int LINEAR_TRIES = 30;
    private static final int EXIT_TRIES = 30;
    private static final double MIN_SOME_EXIT_PERCENT = 30;
    private static final double MIN_LINEAR_KIND_PERCENT = 10;
    private static final double MIN_SEQUENCE_PERCENT = 10;
    /** A sequence has 1 to this many frames: about half end before step T, after which the input is silent. */
    private static final int MAX_FRAMES = 2 * STEPS;
    private static final String INPUT = "input";

    /** A compiled case with its inputs. */
    record Prepared(Case testCase, Compiled compiled, long[][] raw) {
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Property(tries = TRIES)
    void theEmulatorAgreesWithTheReferenceSpikeForSpike(@ForAll("seeds") long seed) {
        agreeSpikeForSpike(prepare(seed, EmulatorAgreementProperties::randomCase));
        ConfigurationProperties.requireFeatureCoverage(ConfigurationProperties.MIN_FEATURE_PERCENT,
                ConfigurationProperties.SPATIAL_TILES, ConfigurationProperties.SEVERAL_SOURCES,
                ConfigurationProperties.GATES, ConfigurationProperties.ZERO_RESET, ConfigurationProperties.WRAP,
                RandomDecays.LABEL, RandomRecurrence.LABEL);
        Statistics.label(INPUT).coverage(coverage -> coverage.check("sequence")
                .percentage(p -> p >= MIN_SEQUENCE_PERCENT));
    }

    /**
     * Networks with a max pooling on a generic chip of small cores, so that a gate's windows are spread over the
     * several cores that hold its population's tiles, and overlapping windows make cores update replicas of their
     * neighbours' neurons: the emulator still equals the reference spike for spike, operations included.
     */
    @Property(tries = GATED_TRIES)
    void gatesSpreadOverCoresAgreeSpikeForSpike(@ForAll("seeds") long seed) {
        agreeSpikeForSpike(prepare(seed, EmulatorAgreementProperties::gatedCase));
        Statistics.label(ConfigurationProperties.GATE_OVER_CORES).coverage(coverage -> coverage.check(true)
                .percentage(p -> p >= MIN_GATE_OVER_CORES_PERCENT));
        Statistics.label(ConfigurationProperties.REPLICAS).coverage(coverage -> coverage.check(true)
                .percentage(p -> p >= MIN_REPLICAS_PERCENT));
    }

    /**
     * Random networks with the relu between two weighted layers removed ({@link #linearCase}), so that conversion
     * composes them into one layer or splits the value between them into its positive and negative parts: the
     * emulator still equals the reference spike for spike, and both rewrites occur.
     */
    @Property(tries = LINEAR_TRIES)
    void linearChainsAgreeSpikeForSpike(@ForAll("seeds") long seed) {
        Prepared prepared = prepare(seed, EmulatorAgreementProperties::linearCase);
        boolean split = prepared.compiled().quantized().nodes().keySet().stream()
                .anyMatch(name -> name.endsWith(".positive"));
        Statistics.label("linear chain").collect(split ? "split" : "composed");
        agreeSpikeForSpike(prepared);
        Statistics.label("linear chain").coverage(coverage -> {
            coverage.check("split").percentage(p -> p >= MIN_LINEAR_KIND_PERCENT);
            coverage.check("composed").percentage(p -> p >= MIN_LINEAR_KIND_PERCENT);
        });
    }

    /**
     * Torch exports of the constructs the conversion rewrites (compiler/src/test/resources/onnx): a small
     * mobilenet_v2 ({@code linear_bottlenecks}: linear bottlenecks read by expansions and residual sums, and a padded
     * conv, batchnorm, padded conv pair, whose value is split into its positive and negative parts) and a small
     * densenet ({@code dense_block}: batchnorms and relus over concats of convolution outputs). Each compiles for
     * {@code generic} with u8 pixels, and the emulator equals the reference spike for spike.
     */
    @Example
    void torchExportsOfLinearChainsAgreeSpikeForSpike() {
        for (String model : List.of("linear_bottlenecks", "dense_block")) {
            Path onnx = Locations.root().resolve("compiler/src/test/resources/onnx/" + model + ".onnx");
            Graph ann = ModelLoader.load(onnx, PyTorchAgreementTest.MNIST_PIXELS).graph();
            Case testCase = new Case(0, false, ann, ChipSpecs.load("generic"), "generic",
                    ConversionOptions.defaults(), QuantizeOptions.DEFAULT_ZERO_RESET_RATIO, Optional.empty());
            Compiled compiled = ConfigurationProperties.attempt(testCase, 2).compiled().orElseThrow();
            Set<String> populations = compiled.quantized().nodes().keySet();
            assertTrue(!model.equals("linear_bottlenecks") || populations.stream()
                    .anyMatch(name -> name.endsWith(".positive")), populations.toString());
            Random random = new Random(3);
            long[][] raw = new long[IMAGES][ann.input().shape().size()];
            for (long[] image : raw) {
                Arrays.setAll(image, i -> random.nextInt(256));
            }
            agreeSpikeForSpike(new Prepared(testCase, compiled, raw));
        }
    }

    private static void agreeSpikeForSpike(Prepared prepared) {
        Graph quantized = prepared.compiled().quantized();
        Probe probe = Probe.of(prepared.compiled().bytes(), "case");
        IntegerReference reference = new IntegerReference(quantized);
        IntegerResult result = reference.run(prepared.raw(), IntegerReference.RunOptions.of(STEPS)
                .withTrace(Set.of(0, 1), false));
        long spikes = 0;
        boolean exact = EmulatorAgreementTest.exactOps(quantized);
        Statistics.label("event operations").collect(exact ? "compared exactly" : "zero taps of a split grouped conv");
        for (int image = 0; image < IMAGES; image++) {
            spikes += EmulatorAgreementTest.compareImage(probe, reference, result, prepared.raw(), image, STEPS,
                    false, exact, prepared.testCase().toString());
        }
        Statistics.label("spiking").collect(spikes > 0 ? "some spikes" : "no spikes");
    }

    @Property(tries = TRIES)
    void strictRunsStopAtTheSameOverflowOrNeither(@ForAll("seeds") long seed) {
        Prepared prepared = prepare(seed, EmulatorAgreementProperties::randomCase);
        Graph quantized = prepared.compiled().quantized();
        Probe probe = Probe.of(prepared.compiled().bytes(), "case");
        IntegerReference reference = new IntegerReference(quantized);
        Optional<Overflow> expected = Optional.empty();
        IntegerResult result = null;
        try {
            result = reference.run(prepared.raw(), IntegerReference.RunOptions.of(STEPS).withStrict(true)
                    .withTrace(Set.of(0, 1), false));
        } catch (FixedPointOverflowException e) {
            expected = Optional.of(new Overflow(e.population(), e.neuron(), e.step(), e.image()));
        }
        Optional<Overflow> actual = Optional.empty();
        for (int image = 0; image < IMAGES && actual.isEmpty(); image++) {
            Emulator emulator = new Emulator(probe.chip, true);
            try {
                emulator.load(EmulatorAgreementTest.ints(prepared.raw()[image]));
                for (int t = 1; t <= STEPS; t++) {
                    emulator.step();
                }
            } catch (EmulatorException e) {
                actual = Optional.of(EmulatorAgreementTest.overflow(e, image));
            }
        }
        Statistics.label("strict").collect(expected.isPresent() ? "overflow" : "clean");
        // Both stop at the first overflow as docs/configuration.md defines it: the same image, step, population and
        // neuron, however the network is mapped.
        assertEquals(expected, actual, prepared.testCase() + ": the strict runs stop differently");
        if (result != null) {
            boolean exact = EmulatorAgreementTest.exactOps(quantized);
            for (int image = 0; image < IMAGES; image++) {
                EmulatorAgreementTest.compareImage(probe, reference, result, prepared.raw(), image, STEPS, true,
                        exact, prepared.testCase().toString());
            }
        }
    }

    /**
     * {@link #randomCase}s with the membrane readout, run with an early exit whose streak k is 1 to 4 and whose margin
     * is one the reference's full run saw (one case in four: a random one up to 2^20 LSBs), so that some images stop
     * and some run on. T = 30 is shorter than a chunk: the chunked runner must cut its chunk at each exit step.
     */
    @Property(tries = EXIT_TRIES)
    void earlyExitsStopAtTheSameStepEverywhere(@ForAll("seeds") long seed) {
        Prepared prepared = prepare(seed, derived -> withMembraneReadout(randomCase(derived)));
        Graph quantized = prepared.compiled().quantized();
        Probe probe = Probe.of(prepared.compiled().bytes(), "case");
        IntegerReference reference = new IntegerReference(quantized);
        IntegerResult full = reference.run(prepared.raw(), IntegerReference.RunOptions.of(STEPS));
        Random random = new Random(seed);
        int streak = 1 + random.nextInt(4);
        long seen = full.margins()[random.nextInt(IMAGES)][random.nextInt(STEPS)];
        long margin = random.nextInt(4) == 0 ? random.nextLong(1L << 20) : Math.min(seen, Long.MAX_VALUE / 2);
        IntegerResult stopped = reference.run(prepared.raw(), IntegerReference.RunOptions.of(STEPS)
                .withEarlyExit(Optional.of(new EarlyExit(margin, streak))));
        Optional<Configuration.EarlyExit> chipExit = Optional.of(new Configuration.EarlyExit(margin, streak));
        int[][] images = Arrays.stream(prepared.raw()).map(EmulatorAgreementTest::ints).toArray(int[][]::new);
        Runner.Result chunked = Runner.run(probe.chip, images, STEPS, 1, false, chipExit, null);
        boolean exact = EmulatorAgreementTest.exactOps(quantized);
        String context = prepared.testCase() + ", exit margin " + margin + " LSBs for " + streak + " steps";
        int exits = 0;
        for (int image = 0; image < IMAGES; image++) {
            CycleStepper plain = new CycleStepper(probe.chip, false, chipExit);
            plain.load(images[image]);
            // The two sides count the analog input's operations differently (padding products, or taps), so the
            // event operations after it are compared, as in compareImage.
            long analog = plain.synapticOps();
            for (int t = 1; t <= stopped.stepsRun()[image]; t++) {
                assertTrue(!plain.exited(), context + ": the plain stepper stopped image " + image + " before " + t);
                plain.step();
                assertEquals(stopped.predictions()[t - 1][image], plain.prediction(), context + ", step " + t);
                assertOps(exact, stopped.eventOps()[image][t - 1], plain.synapticOps() - analog,
                        context + ", step " + t);
            }
            // An image that settles at step T runs all T steps either way.
            assertTrue(plain.exited() || stopped.stepsRun()[image] == STEPS, context + ": image " + image);
            assertEquals(stopped.stepsRun()[image], chunked.stepsRun()[image], context + ": image " + image);
            for (int t = 0; t < STEPS; t++) {
                assertEquals(stopped.predictions()[t][image], chunked.predictions()[t][image], context);
                assertOps(exact, stopped.eventOps()[image][t], chunked.synapticOps()[image][t] - analog, context);
            }
            exits += stopped.stepsRun()[image] < STEPS ? 1 : 0;
        }
        Statistics.label("early exits").collect(exits > 0 ? "some images stop" : "no image stops");
        Statistics.label("early exits").coverage(coverage -> coverage.check("some images stop")
                .percentage(p -> p >= MIN_SOME_EXIT_PERCENT));

        // The frontier's point, from a full run's margins, is the run the exit stops for real.
        int[] labels = random.ints(IMAGES, 0, probe.chip.classes()).toArray();
        Runner.Result whole = Runner.run(probe.chip, images, STEPS, 1, false, Optional.empty(), null);
        double bound = (double) margin / probe.chip.readoutThreshold();
        ExitFrontier.Point postHoc = ExitFrontier.point(EmulatedExits.trace(whole), labels, bound, streak,
                thresholds -> margin);
        assertEquals(postHoc, EmulatedExits.point(chunked, bound, streak, labels), context);
    }

    /**
     * Event operations equal or, where the emulator also counts zero taps ({@link EmulatorAgreementTest#exactOps}),
     * at least the reference's.
     */
    private static void assertOps(boolean exact, long reference, long emulator, String context) {
        if (exact) {
            assertEquals(reference, emulator, context + ": synaptic operations");
        } else {
            assertTrue(emulator >= reference, context + ": " + emulator + " synaptic operations < " + reference);
        }
    }

    /** {@code testCase} read out by the membrane, the readout an early exit takes its margin of. */
    private static Case withMembraneReadout(Case testCase) {
        ConversionOptions o = testCase.options();
        return new Case(testCase.seed(), testCase.plain(), testCase.ann(), testCase.chip(), testCase.chipLabel(),
                new ConversionOptions(o.normalize(), o.reset(), o.gateEmaDecay(), o.encoding(), ReadoutMode.MEMBRANE,
                        o.seed(), o.maxPoolToAvgPool(), o.initialMembrane(), o.biasCalibrationSteps(),
                        o.foldPoolIntoDense(), o.readoutWindow()),
                testCase.zeroResetRatio(), testCase.allocator(), testCase.decaying(), testCase.recurrent());
    }

    /**
     * The first of up to {@value #ATTEMPTS} cases derived from {@code seed} that compiles (skipped when every one is
     * refused), with {@value #IMAGES} images of raw inputs: u8 pixels 0 … 255 in half the cases (for an f32 input,
     * values up to 1 or up to 255), otherwise overdriven values up to 2^8 … 2^24, far beyond what the quantizer
     * calibrated for, so that registers saturate or wrap (strict off) or overflow (strict on). A sequence input takes
     * 1 to {@value #MAX_FRAMES} frames of 0, 1 or 2 events per element.
     */
    static Prepared prepare(long seed, LongFunction<Case> cases) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long derived = seed + attempt * 0x9E3779B97F4A7C15L;
            Case testCase = cases.apply(derived);
            Outcome outcome = ConfigurationProperties.attempt(testCase, 1);
            if (outcome.compiled().isEmpty()) {
                continue;
            }
            Statistics.label("chip").collect(testCase.chipLabel().startsWith("random") ? "random"
                    : testCase.chipLabel());
            Compiled compiled = outcome.compiled().get();
            ConfigurationProperties.collectFeatures(compiled.emitted());
            Statistics.label(RandomRecurrence.LABEL).collect(RandomRecurrence.present(compiled.quantized()));
            Random random = new Random(derived ^ 0x5DEECE66DL);
            int size = compiled.quantized().input().shape().size();
            boolean sequence = testCase.options().encoding() == InputEncoding.SEQUENCE;
            Statistics.label(INPUT).collect(sequence ? "sequence" : "analog");
            if (sequence) {
                long[][] frames = new long[IMAGES][];
                Arrays.setAll(frames, image -> random.longs((1 + random.nextInt(MAX_FRAMES)) * (long) size, 0, 3)
                        .toArray());
                return new Prepared(testCase, compiled, frames);
            }
            boolean overdriven = random.nextBoolean();
            long max = overdriven ? 1L << (8 + random.nextInt(17))
                    : testCase.ann().input().dtype() == DType.U8 || random.nextBoolean() ? 255 : 1;
            Statistics.label("inputs").collect(overdriven ? "overdriven" : "u8");
            long[][] raw = new long[IMAGES][size];
            for (long[] image : raw) {
                for (int i = 0; i < size; i++) {
                    image[i] = (long) (random.nextDouble() * (max + 1));
                }
            }
            return new Prepared(testCase, compiled, raw);
        }
        Statistics.label("chip").collect("all refused");
        Assume.that(false);
        throw new AssertionError("unreachable");
    }

    /**
     * A tiled case in which several neurons of one population overflow in the same step: the first is neuron 5 by the
     * rule both sides follow, although the emulator, walking its cores and tiles, meets neuron 23 first.
     */
    @Example
    void simultaneousOverflowsNameTheSameNeuron() {
        strictRunsStopAtTheSameOverflowOrNeither(-7046029254386401612L);
    }

    /**
     * A chip-ready network with a max pooling (the first of the seeds derived from {@code seed} whose network has one)
     * on {@code generic} cut down to cores of 16 to 63 neurons, compiled with gates, analog input and the membrane
     * readout.
     */
    static Case gatedCase(long seed) {
        Random random = new Random(seed * 37 + 5);
        Graph ann = networkWithMaxPool(seed);
        int neurons = 16 + random.nextInt(48);
        String spec = ChipSpecs.toJson(ChipSpecs.load("generic")).replace("\"neurons\": 1024,", "\"neurons\": "
                + neurons + ",").replace("\"bias_memory\": 1024", "\"bias_memory\": " + neurons);
        ChipSpec chip = ChipSpecs.parse(spec, "small-generic.json");
        ConversionOptions options = new ConversionOptions(new NormalizeOptions(99.9, false,
                NormalizeOptions.OutputScale.values()[0]), ResetMode.SUBTRACT, OptionalDouble.empty(),
                InputEncoding.ANALOG, ReadoutMode.MEMBRANE, random.nextInt(1000), false,
                random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? ConversionOptions.HALF_THRESHOLD
                        : random.nextDouble(), random.nextInt(4) == 0 ? 8 : 0, false,
                random.nextBoolean() ? ReadoutWindow.ALL : ReadoutWindow.HALF);
        return new Case(seed, false, ann, chip, "generic, " + neurons + " neurons a core", options, 1,
                Optional.empty());
    }

    /** The chip-ready network of the first of the seeds from {@code seed} on whose network has a max pooling. */
    private static Graph networkWithMaxPool(long seed) {
        Graph ann = RandomNetworks.generateForChips(seed);
        for (int k = 1; k < GATED_SEARCH && ann.nodeList().stream().noneMatch(node -> node instanceof MaxPool); k++) {
            ann = RandomNetworks.generateForChips(seed + k);
        }
        return ann;
    }

    /**
     * {@link #randomCase} of the first seed derived from {@code seed} whose network has a relu between two weighted
     * layers (a conv2d or dense read only by conv2d or dense layers), with every such relu removed; for an even seed
     * one whose conversion splits a value, for an odd one a network whose linear layers all compose.
     */
    static Case linearCase(long seed) {
        boolean wantSplit = (seed & 1) == 0;
        for (int k = 0; ; k++) {
            Case base = randomCase(seed + k);
            Graph ann = base.ann();
            GraphBuilder linear = ann.toBuilder();
            for (Node node : ann.nodeList()) {
                if (node instanceof Relu relu && weighted(ann.node(relu.input())) && !ann.users(relu.name()).isEmpty()
                        && ann.users(relu.name()).stream().allMatch(user -> weighted(ann.node(user)))) {
                    linear.replaceUses(relu.name(), relu.input()).remove(relu.name());
                }
            }
            if (linear.nodes().size() < ann.nodes().size() && splits(linear.build()) == wantSplit) {
                return new Case(base.seed(), base.plain(), linear.build(), base.chip(), base.chipLabel(),
                        base.options(), base.zeroResetRatio(), base.allocator(), base.decaying(), base.recurrent());
            }
        }
    }

    /** Whether the standard pipeline up to compose-linear splits a value of {@code ann}. */
    private static boolean splits(Graph ann) {
        List<Pass> prefix = Passes.parse("remove-dropout,canonicalize,fold-batchnorm,compose-linear",
                ConversionOptions.defaults());
        return new PassManager(prefix, IrDumps.NONE).run(ann, CompilationInputs.none()).graph().nodes().keySet()
                .stream().anyMatch(name -> name.endsWith(".positive"));
    }

    private static boolean weighted(Node node) {
        return node instanceof Conv2d || node instanceof Dense;
    }

    /**
     * Like {@link ConfigurationProperties#randomCase}, with what the reference runs: analog input or, one case in
     * {@value ConfigurationProperties#SEQUENCE_ONE_IN}, a sequence input; no EMA gates. One seed in three takes a
     * network with a max pooling on a chip with gates, kept as a gate, so that every run sees gates.
     */
    static Case randomCase(long seed) {
        Random random = new Random(seed * 31 + 11);
        boolean gated = Math.floorMod(seed, 3) == 0;
        boolean sequence = new Random(seed ^ 0x3C6EF372FE94F82BL).nextInt(ConfigurationProperties.SEQUENCE_ONE_IN)
                == 0;
        Graph network = gated ? networkWithMaxPool(seed) : RandomNetworks.generateForChips(seed);
        Graph ann = sequence ? ConfigurationProperties.withEventInput(network) : network;
        InputEncoding encoding = sequence ? InputEncoding.SEQUENCE : InputEncoding.ANALOG;
        ConfigurationProperties.LabelledChip labelled = ConfigurationProperties.randomChip(random);
        while (gated && !labelled.chip().features().maxPoolGate()) {
            labelled = ConfigurationProperties.randomChip(random);
        }
        ChipSpec chip = labelled.chip();
        String label = labelled.label();
        ConversionOptions options = new ConversionOptions(
                new NormalizeOptions(random.nextBoolean() ? 99.9 : 100, random.nextBoolean(),
                        NormalizeOptions.OutputScale.values()[random.nextInt(3)]),
                random.nextBoolean() ? ResetMode.SUBTRACT : ResetMode.ZERO,
                OptionalDouble.empty(),
                encoding,
                random.nextBoolean() ? ReadoutMode.MEMBRANE : ReadoutMode.SPIKE_COUNT,
                random.nextInt(1000), !gated && (chip.features().maxPoolGate() ? random.nextInt(4) == 0
                        : random.nextInt(3) > 0),
                random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? ConversionOptions.HALF_THRESHOLD
                        : random.nextDouble(), ConfigurationProperties.biasCalibrationSteps(random, encoding), false,
                random.nextBoolean() ? ReadoutWindow.ALL : ReadoutWindow.HALF);
        int ratio = 1 << random.nextInt(5);
        Optional<String> allocator = random.nextInt(3) == 0 ? Optional.empty()
                : Optional.of(CoreAllocator.names().get(random.nextInt(CoreAllocator.names().size())));
        return new Case(seed, false, ann, chip, label, options, ratio, allocator, RandomDecays.chosen(seed),
                RandomRecurrence.chosen(seed));
    }
}
