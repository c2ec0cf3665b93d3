package org.snnc.targets.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassContext;
import org.snnc.compiler.passes.RecordKey;
import org.snnc.compiler.passes.Stage;
import org.snnc.targets.spec.ChipSpec;

/**
 * Quantizes a converted spiking network for a chip: every population gets an integer threshold θ, initial membrane
 * v0 ({@link #integerInitialMembrane}), integer current
 * and the {@link org.snnc.compiler.ir.FixedPoint} arithmetic of the chip, and every synapse into it integer weights
 * m·2^e with a mantissa m of the chip's weight bits and an exponent e shared by the population. Rounding is
 * round-half-even throughout ({@link Math#rint}).
 *
 * <p><b>Checks.</b> A max-pool gate needs the chip's gate unit (E0901, suggesting {@code --maxpool-to-avgpool}), a
 * population with a {@link org.snnc.compiler.ir.Decay} the chip's {@code cuba_decay} (E0901); every
 * population's reset must be one the chip implements (E0908, suggesting the {@code --reset} to convert with).
 *
 * <p><b>Rewrites</b> ({@link SynapseRewrites}): average pools, affines and identity shortcuts become conv2d or dense
 * synapses of the same linear map, and every population must then read a sum of conv2d and dense synapses of
 * spikes, each feeding that population alone ({@link Synapses}; E0908 otherwise).
 *
 * <p><b>Float preparation</b>, before any number is chosen:
 * <ul>
 *   <li>Input scale (exact): with the analog encoder the chip receives the raw stored input (u8 pixels), so the
 *       input's scale s is folded into the weights of the synapses reading the encoder (w ← w·s) and the input's
 *       scale becomes 1: the graph computes what it did, now fed raw values. A Poisson encoder's spikes are 0 or 1,
 *       so it keeps its scale; a sequence input's values are events, each delivering the weights once like a
 *       spike, so its scale must be 1 (E0908 otherwise).</li>
 *   <li>Reset to zero: a spike throws the membrane's surplus v − θ away. As SNN Toolbox's Loihi backend does, a
 *       population that resets to zero gets θ_float = R (its zero-reset ratio) instead of 1, and v0 with it, so that
 *       one step's input is about 1/R of θ and the surplus lost is small; its rate drops by R, so the weights of the
 *       synapses leaving it (through gates, flattens and concats) are multiplied by R. The analog encoder's synapses
 *       keep theirs. R is one power of two for all, or each population's own from the calibration images
 *       ({@link ThresholdRatios}), which trades the lost surplus against the coarser count.</li>
 * </ul>
 *
 * <p><b>Numbers</b> ({@link PopulationQuantizer}), per population P with float threshold θ_float, float weights w in
 * the stored units of their sources (a spike is 1, a sequence input's value a count of events, a raw input value at
 * most the range of its integer type), float
 * current b, and M = 2^(weight_bits−1) − 1:
 * <pre>
 *   U⁺ = max_i (Σ_j max(w_ij·hi_j, w_ij·lo_j) + max(b_i, 0))      the most one step adds to v_i
 *   A  = max_i max(Σ_j max(w_ij·hi_j, w_ij·lo_j), −Σ_j min(w_ij·hi_j, w_ij·lo_j))   the largest |a_i|
 * </pre>
 * over each neuron's filter or row (a conv's full kernel bounds its border positions too), with [lo_j, hi_j] the
 * range of source value j: [0, 1] for spikes, [0, {@link org.snnc.targets.net.InputSource#SEQUENCE_MAX_EVENTS}] for a
 * sequence input's event counts, the integer type's range for the raw input. θ is capped by the chip:
 * <pre>
 *   θ ≤ (2^threshold_bits − 1)·2^threshold_shift
 *   θ·(θ_float + U⁺)/θ_float ≤ 2^(state_bits−1) − 1        v &lt; θ (ge) or ≤ θ (gt) before a step, plus one step
 *   θ·A/θ_float ≤ 2^(accumulator_bits−1) − 1
 *   θ·max_i(−b_i)/θ_float ≤ 2^(state_bits−1) − 1           the current fits the membrane
 *   θ ≤ max(|floor| / (256·|z_low|), θ_(exponent_min))       only with calibration data, z_low &lt; 0 and a floor
 * </pre>
 * where z_low is the 0.1th percentile of P's input per step in θ ({@link FloorHeadroom}): a neuron driven that low
 * should take 256 steps to reach the chip's membrane floor, but the floor never forces fewer mantissa bits than the
 * smallest exponent gives, since it is the chip's own dynamics while precision is the network's. The cap is rounded
 * down to a multiple of 2^threshold_shift; below that, or below 1, P cannot be quantized (E0908 naming the resource).
 *
 * <p>With θ_e = ⌊M·2^e·θ_float / max|w|⌋ rounded down to a multiple of 2^threshold_shift (the threshold at which the
 * largest weight's mantissa is exactly M), e is the largest exponent in [exponent_min, exponent_max] with
 * 2^threshold_shift ≤ θ_e ≤ cap, and θ = θ_e: the largest threshold at the full mantissa, which makes the threshold
 * and the current as fine as the weights allow. If θ_e exceeds the cap already at the smallest usable e, θ = cap and
 * the mantissas use fewer bits. Then
 * <pre>
 *   m = clip(rint(w·(θ/θ_float) / 2^e), −M, M)             stored as m·2^e
 *   c = b·θ/θ_float;  k = min{k ∈ [0, bias_exponent_max] : max|c| / 2^k ≤ 2^(bias_bits−1) − 1}
 *   current = clip(rint(c / 2^k), ±(2^(bias_bits−1) − 1))·2^k
 * </pre>
 * Mantissas clip only when even exponent_max cannot hold the weights at the smallest threshold, and currents only
 * when k = bias_exponent_max is not enough; both are reported as W0909 in the population's record. Since rounding can
 * add a few LSBs to the integer sums, the caps are checked again on the stored integers, and θ is lowered until
 * they hold: the accumulator of {@link org.snnc.compiler.ir.FixedPoint} never overflows, nor the membrane upward.
 * The membrane's fall has no per-step bound (without leak it can fall for the whole run); the chip's floor, when it
 * has one, clamps it, and {@link LayerQuantization#floorSteps()} says how soon.
 *
 * <p><b>Decaying populations</b> (a {@link org.snnc.compiler.ir.Decay} δu, δv; never from conversion): the decays
 * become δ = rint(4096·d), round half to even, in the population's {@link org.snnc.compiler.ir.FixedPoint}, and
 * their zero-reset ratio is 1, as a larger θ would change what the leak does. The synaptic current u of Loihi's
 * compartment keeps at most (4096 − δu)/4096 of |u| a step, truncating toward zero, so |u| ≤ A·4096/δu; the membrane
 * cap then reads U⁺ = max_i (A_i·4096/δu + max(b_i, 0)), which also bounds u's own register (no bound when δu = 0,
 * which is refused). v's fall is bounded like an IF membrane's, by the chip's floor.
 *
 * <p><b>A pinned scale</b> s ({@link QuantizeOptions#pinnedScale()}: the NIR flavor {@code lava} pins 4096, lava-dl's
 * fixed point, where v counts 1/4096 of the NIR unit) replaces the choice of θ: θ = rint(θ_float·s / 2^shift)·2^shift,
 * stored as it is (the source is taken to compare as the chip does: lava-dl and Loihi both fire at v &gt; θ), weights
 * w·s with e the smallest exponent whose mantissa holds max|w·s| (exact for weights on the grid s·2^e·ℤ), currents
 * b·s; a register bound that does not hold is a refusal (E0908) instead of a lower θ.
 *
 * <p>Gates and the readout are unchanged. With the float simulator the quantized graph runs exactly as its integers
 * do on the chip, except for the floor clamp and the fire comparison {@code gt}, which fires one LSB later.
 *
 * <p>Statistics: the rewrites, {@code populations-quantized} and {@code clipped} (populations with a W0909). Records:
 * {@code quantization}, one {@link LayerQuantization} per population in definition order, and
 * {@code zero_reset_ratios}, each zero-reset population's R, when populations reset to zero.
 */
public final class Quantize implements Pass {

    /** The pass's name in pipelines and reports. */
    public static final String NAME = "quantize";
    /** Each quantized layer's figures, in network order. */
    public static final RecordKey<List<LayerQuantization>> QUANTIZATION = new RecordKey<>("quantization");
    /** The threshold ratio R of every population that resets to zero, by name. */
    public static final RecordKey<Map<String, Integer>> ZERO_RESET_RATIOS = new RecordKey<>("zero_reset_ratios");

    private final QuantizeOptions options;

    public Quantize(QuantizeOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "make every threshold, weight and current an integer that fits the target chip's formats";
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.NORMALIZED, Stage.SPIKING, Stage.BIAS_AS_CURRENT, Stage.GATED, Stage.ENCODED,
                Stage.READOUT);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.of(Stage.QUANTIZED);
    }

    @Override
    public Set<Stage> mustPrecede() {
        return EnumSet.of(Stage.QUANTIZED);
    }

    @Override
    public String mustPrecedeReason() {
        return "it chooses the integers from the float thresholds and weights, which a quantized network no longer has";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        checkTarget(graph);
        Prepared prepared = prepare(graph, context);
        Map<String, Double> zLow = context.calibration().map(images -> FloorHeadroom.measure(prepared.graph(),
                prepared.shapes(), images, prepared.inputFactor(), context)).orElse(Map.of());
        PopulationQuantizer quantizer = new PopulationQuantizer(options.chip(), options.pinnedScale());
        GraphBuilder builder = prepared.graph().toBuilder();
        List<LayerQuantization> layers = new ArrayList<>();
        for (Node node : prepared.graph().nodes().values()) {
            if (!(node instanceof IfNeurons neurons)) {
                continue;
            }
            PopulationQuantizer.Result result = quantizer.quantize(prepared.population(neurons,
                    zLow.containsKey(neurons.name()) ? OptionalDouble.of(zLow.get(neurons.name()))
                            : OptionalDouble.empty()));
            result.weights().forEach((synapse, values) -> storeWeight(builder, synapse, values));
            Shape shape = prepared.shapes().get(neurons.name());
            Optional<ParamRef> current = result.current().map(values -> neurons.current()
                    .map(old -> builder.rewriteWeight(old, neurons.name() + ".current", Tensor.wrap(shape, values)))
                    .orElseGet(() -> builder.addWeight(neurons.name() + ".current", Tensor.wrap(shape, values),
                            neurons.span())));
            builder.replace(neurons.quantized(result.threshold(), integerInitialMembrane(neurons, result.threshold()),
                    current, result.arithmetic()));
            layers.add(result.layer());
            context.count("populations-quantized", 1);
            context.count("clipped", result.layer().clipped() ? 1 : 0);
        }
        context.record(QUANTIZATION, List.copyOf(layers));
        return builder.pruneWeights().build();
    }

    /**
     * The chip must have what the graph uses: a gate unit for max-pool gates, decaying neurons for populations with a
     * decay, and every population's reset.
     */
    private void checkTarget(Graph graph) {
        ChipSpec chip = options.chip();
        for (Node node : graph.nodes().values()) {
            if (node instanceof MaxPoolGate gate && !chip.features().maxPoolGate()) {
                throw CompilationException.of(DiagnosticCode.FEATURE_UNSUPPORTED, gate.span(), gate.operator(),
                        gate.name(), "a max-pool gate unit", chip.name(), "compile with --maxpool-to-avgpool to "
                                + "replace max pooling by average pooling (it costs accuracy)");
            }
            if (node instanceof IfNeurons neurons && neurons.decay().isPresent() && !chip.features().cubaDecay()) {
                throw CompilationException.of(DiagnosticCode.FEATURE_UNSUPPORTED, neurons.span(), neurons.operator(),
                        neurons.name(), "neurons whose current and voltage decay (features.cuba_decay)", chip.name(),
                        "compile for a chip with decaying neurons, such as loihi");
            }
            if (node instanceof IfNeurons neurons && !chip.neurons().resets().contains(neurons.reset())) {
                List<ResetMode> supported = Arrays.stream(ResetMode.values())
                        .filter(chip.neurons().resets()::contains).toList();
                throw Synapses.notQuantizable(neurons, chip.name(), "it resets " + describe(neurons.reset())
                        + ", but the chip resets only " + supported.stream().map(Quantize::describe)
                                .collect(Collectors.joining(" or ")) + "; convert with --reset "
                        + supported.get(0).spelling());
            }
        }
    }

    private static String describe(ResetMode reset) {
        return reset == ResetMode.ZERO ? "to zero" : "by subtraction";
    }

    /**
     * The float graph whose numbers are chosen: the rewritten synapses, the input's scale folded into the analog
     * encoder's synapses, and θ_float = R with the synapses leaving zero-reset populations multiplied by R.
     *
     * @param inputFactor what turns the calibration images (scaled by the original input scale) into the prepared
     *                    graph's input values: 1/scale when the scale was folded, else 1
     */
    record Prepared(Graph graph, Map<String, Shape> shapes, Synapses synapses, double inputFactor) {

        PopulationQuantizer.Population population(IfNeurons neurons, OptionalDouble zLow) {
            Map<String, double[]> weights = new LinkedHashMap<>();
            for (String synapse : synapses.into(neurons.name())) {
                weights.put(synapse, values(graph.node(synapse).parameters().get("weight")));
            }
            double[] current = neurons.current().map(this::values)
                    .orElse(new double[shapes.get(neurons.name()).size()]);
            return new PopulationQuantizer.Population(neurons, neurons.threshold(), weights, current, zLow,
                    w -> synapses.extremes(neurons.input(), w::get));
        }

        /** The tensor's own array, shared: the quantizer reads the float weights and current, never writes them. */
        private double[] values(ParamRef ref) {
            return graph.weights().get(ref.key()).orElseThrow().backingArray();
        }
    }

    /**
     * R of every population that resets to zero: 1 for a decaying population, whose leak a larger θ would change;
     * otherwise the options' R, or with {@link QuantizeOptions#AUTO_RATIO} and
     * calibration images each population's own ({@link ThresholdRatios}, on the rewritten {@code graph} of
     * {@code shapes}, which computes what the converted one did); without images, the default R.
     */
    private Map<String, Integer> zeroResetRatios(Graph graph, Map<String, Shape> shapes, PassContext context) {
        Map<String, Integer> ratios = new LinkedHashMap<>();
        Optional<double[][]> images = context.calibration();
        if (options.zeroResetRatio() == QuantizeOptions.AUTO_RATIO && images.isPresent()) {
            ratios.putAll(ThresholdRatios.choose(graph, shapes, images.get()));
        } else {
            int ratio = options.zeroResetRatio() == QuantizeOptions.AUTO_RATIO
                    ? QuantizeOptions.DEFAULT_ZERO_RESET_RATIO : options.zeroResetRatio();
            graph.nodes().values().stream()
                    .filter(node -> node instanceof IfNeurons neurons && neurons.reset() == ResetMode.ZERO)
                    .forEach(node -> ratios.put(node.name(), ratio));
        }
        graph.nodes().values().stream()
                .filter(node -> node instanceof IfNeurons neurons && neurons.decay().isPresent()
                        && ratios.containsKey(node.name()))
                .forEach(node -> ratios.put(node.name(), 1));
        return ratios;
    }

    /** Rewrites the synapses and changes the float units; see {@link Prepared}. */
    Prepared prepare(Graph graph, PassContext context) {
        ChipSpec chip = options.chip();
        Graph rewritten = SynapseRewrites.apply(graph, chip.name(), context);
        Map<String, Shape> shapes = Verifier.verify(rewritten).shapes();
        Map<String, Integer> ratios = zeroResetRatios(rewritten, shapes, context);
        Synapses synapses = Synapses.analyze(rewritten, shapes, chip.name(), ratios);
        GraphBuilder builder = rewritten.toBuilder();
        for (Node node : rewritten.nodes().values()) {
            if (node instanceof Conv2d || node instanceof Dense) {
                double[] gain = synapses.sourceOf(node.name()).gain();
                if (Arrays.stream(gain).anyMatch(g -> g != 1)) {
                    double[] w = rewritten.weights().get(node.parameters().get("weight").key()).orElseThrow()
                            .toArray();
                    IntUnaryOperator reads = synapses.operandElements(node);
                    Arrays.setAll(w, k -> w[k] * gain[reads.applyAsInt(k)]);
                    storeWeight(builder, node.name(), w);
                }
            } else if (node instanceof IfNeurons neurons && neurons.reset() == ResetMode.ZERO) {
                int ratio = ratios.get(neurons.name());
                builder.replace(neurons.withThreshold(ratio * neurons.threshold(),
                        ratio * neurons.initialMembrane()));
            }
        }
        if (!ratios.isEmpty()) {
            context.count("zero-reset-populations", ratios.size());
            context.record(ZERO_RESET_RATIOS, ratios);
        }
        Input input = rewritten.input();
        boolean analog = rewritten.nodes().values().stream()
                .anyMatch(n -> n instanceof SpikeEncoder e && e.encoding() == InputEncoding.ANALOG);
        if (analog) {
            builder.replace(new Input(input.name(), input.dtype(), input.shape(), Scale.ONE, input.span()));
        }
        return new Prepared(builder.pruneWeights().build(), shapes, synapses,
                analog ? 1 / input.scale().value() : 1);
    }

    /** Gives synapse {@code name} the weight values {@code values}, in place unless its tensor is shared. */
    private static void storeWeight(GraphBuilder builder, String name, double[] values) {
        Node node = builder.nodes().get(name);
        ParamRef old = node.parameters().get("weight");
        Shape shape = builder.weights().get(old.key()).orElseThrow().shape();
        ParamRef ref = builder.rewriteWeight(old, name + ".weight", Tensor.wrap(shape, values));
        if (node instanceof Conv2d conv) {
            builder.replace(new Conv2d(conv.name(), conv.input(), conv.filters(), conv.window(), conv.groups(), ref,
                    conv.bias(), conv.span()));
        } else if (node instanceof Dense dense) {
            builder.replace(new Dense(dense.name(), dense.input(), dense.units(), ref, dense.bias(), dense.span()));
        }
    }

    /**
     * v0 = min(rint(v0_float·θ/θ_float), θ − 1): the initial membrane at the same fraction of the integer threshold,
     * kept below it so that every membrane starts, as it stays between steps, below θ.
     */
    static long integerInitialMembrane(IfNeurons neurons, long threshold) {
        return Math.min((long) Math.rint(neurons.initialMembrane() * threshold / neurons.threshold()), threshold - 1);
    }
}
