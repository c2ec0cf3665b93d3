package org.snnc.targets.spec;

import static org.snnc.targets.spec.ChipSpecSchema.ACCUMULATOR_BITS;
import static org.snnc.targets.spec.ChipSpecSchema.BIAS_BITS;
import static org.snnc.targets.spec.ChipSpecSchema.BIAS_EXPONENT_MAX;
import static org.snnc.targets.spec.ChipSpecSchema.BITS;
import static org.snnc.targets.spec.ChipSpecSchema.CONV_LIMITS;
import static org.snnc.targets.spec.ChipSpecSchema.CONV_LIMIT_KEYS;
import static org.snnc.targets.spec.ChipSpecSchema.CORE;
import static org.snnc.targets.spec.ChipSpecSchema.CORES;
import static org.snnc.targets.spec.ChipSpecSchema.CORE_OVERRIDES;
import static org.snnc.targets.spec.ChipSpecSchema.CUBA_DECAY;
import static org.snnc.targets.spec.ChipSpecSchema.DESCRIPTION;
import static org.snnc.targets.spec.ChipSpecSchema.ENERGY;
import static org.snnc.targets.spec.ChipSpecSchema.ENERGY_KEYS;
import static org.snnc.targets.spec.ChipSpecSchema.EXPONENT_MAX;
import static org.snnc.targets.spec.ChipSpecSchema.EXPONENT_MIN;
import static org.snnc.targets.spec.ChipSpecSchema.FEATURES;
import static org.snnc.targets.spec.ChipSpecSchema.FEATURE_KEYS;
import static org.snnc.targets.spec.ChipSpecSchema.FIRE;
import static org.snnc.targets.spec.ChipSpecSchema.FORMAT;
import static org.snnc.targets.spec.ChipSpecSchema.FORMAT_KEY;
import static org.snnc.targets.spec.ChipSpecSchema.EARLY_EXIT;
import static org.snnc.targets.spec.ChipSpecSchema.LAYERS_PER_CORE;
import static org.snnc.targets.spec.ChipSpecSchema.MAXPOOL_GATE;
import static org.snnc.targets.spec.ChipSpecSchema.MAX_CHANNELS;
import static org.snnc.targets.spec.ChipSpecSchema.MAX_DESTINATIONS;
import static org.snnc.targets.spec.ChipSpecSchema.MULTICAST;
import static org.snnc.targets.spec.ChipSpecSchema.POPULATION_AXONS;
import static org.snnc.targets.spec.ChipSpecSchema.MAX_INPUT_SIZE;
import static org.snnc.targets.spec.ChipSpecSchema.MAX_KERNEL;
import static org.snnc.targets.spec.ChipSpecSchema.MAX_OUTPUT_SIZE;
import static org.snnc.targets.spec.ChipSpecSchema.MAX_PADDING;
import static org.snnc.targets.spec.ChipSpecSchema.MEMBRANE_FLOOR;
import static org.snnc.targets.spec.ChipSpecSchema.MEMORY_MODEL;
import static org.snnc.targets.spec.ChipSpecSchema.NAME;
import static org.snnc.targets.spec.ChipSpecSchema.NEURONS;
import static org.snnc.targets.spec.ChipSpecSchema.NEURON_KEYS;
import static org.snnc.targets.spec.ChipSpecSchema.NEURON_UPDATE;
import static org.snnc.targets.spec.ChipSpecSchema.OVERFLOW;
import static org.snnc.targets.spec.ChipSpecSchema.OVERRIDE_CORES;
import static org.snnc.targets.spec.ChipSpecSchema.RESETS;
import static org.snnc.targets.spec.ChipSpecSchema.ROUTING;
import static org.snnc.targets.spec.ChipSpecSchema.ROUTING_KEYS;
import static org.snnc.targets.spec.ChipSpecSchema.SELF_ROUTES;
import static org.snnc.targets.spec.ChipSpecSchema.SOURCE;
import static org.snnc.targets.spec.ChipSpecSchema.SPLIT_LAYERS;
import static org.snnc.targets.spec.ChipSpecSchema.STATE_BITS;
import static org.snnc.targets.spec.ChipSpecSchema.STRIDES;
import static org.snnc.targets.spec.ChipSpecSchema.SYNAPTIC_OP;
import static org.snnc.targets.spec.ChipSpecSchema.THRESHOLD_BITS;
import static org.snnc.targets.spec.ChipSpecSchema.THRESHOLD_SHIFT;
import static org.snnc.targets.spec.ChipSpecSchema.TOP_KEYS;
import static org.snnc.targets.spec.ChipSpecSchema.WEIGHTS;
import static org.snnc.targets.spec.ChipSpecSchema.WEIGHT_KEYS;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Spelled;
import org.snnc.targets.spec.ChipSpecSchema.CoreField;

/**
 * Checks a parsed chip spec document against the {@value ChipSpecSchema#FORMAT} format and builds the
 * {@link ChipSpec}. It reads on past every problem, so that one run reports them all, each at the key or value it
 * is about; a spec is built only when there is none. The ranges are documented in {@code docs/chip-spec.md}.
 */
final class ChipSpecReader {

    /** Enough for any chip built so far (TrueNorth has 4096 cores) with room to spare, and still an int. */
    static final int MAX_CORES = 1_000_000;
    /** 2^40: a per-core count this large keeps sums over a million cores far from overflowing a long. */
    static final long MAX_COUNT = 1L << 40;
    /** The widest register a long holds with a bit to spare for the shifts of mantissa·2^e arithmetic. */
    static final int MAX_BITS = 62;
    static final int MAX_EXPONENT = 62;

    private final LocatedJson json;
    private final DiagnosticBag problems = new DiagnosticBag();

    private ChipSpecReader(LocatedJson json) {
        this.json = json;
    }

    /**
     * The spec the document describes.
     *
     * @throws CompilationException every problem found, in text order, if there is any
     */
    static ChipSpec read(LocatedJson json) {
        ChipSpecReader reader = new ChipSpecReader(json);
        reader.problems.addAll(json.duplicateKeys());
        return reader.spec().orElseThrow(() -> {
            List<Diagnostic> inTextOrder = new ArrayList<>(reader.problems.diagnostics());
            inTextOrder.sort(Comparator.comparingInt((Diagnostic d) -> d.span().line())
                    .thenComparingInt(d -> d.span().column()));
            return new CompilationException(inTextOrder);
        });
    }

    /** A value's JSON pointer, for its recorded place, and its dotted path, for messages. */
    private record Where(JsonPointer pointer, String path) {

        static final Where ROOT = new Where(JsonPointer.empty(), "");

        Where key(String key) {
            return new Where(pointer.appendProperty(key), path.isEmpty() ? key : path + "." + key);
        }

        Where index(int index) {
            return new Where(pointer.appendIndex(index), path + "[" + index + "]");
        }
    }

    /** A JSON object of the spec whose keys have been checked. */
    private record Section(JsonNode node, Where where) {

        boolean has(String key) {
            return node.has(key);
        }

        JsonNode get(String key) {
            return node.get(key);
        }

        Where at(String key) {
            return where.key(key);
        }
    }

    // Every method below that returns an empty Optional has reported why, or found its key absent, which section()
    // has reported if the key is required. So the spec is empty exactly when there are problems.

    private Optional<ChipSpec> spec() {
        Section top = section(json.root(), Where.ROOT, TOP_KEYS, without(TOP_KEYS, CORE_OVERRIDES, ENERGY))
                .orElseThrow(() -> new IllegalStateException("LocatedJson guarantees an object at the top"));
        if (top.has(FORMAT_KEY) && !FORMAT.equals(top.get(FORMAT_KEY).textValue())) {
            invalid(top.at(FORMAT_KEY), "must be \"" + FORMAT + "\", the one format this snnc reads, got "
                    + shown(top.get(FORMAT_KEY)));
        }
        Optional<String> name = text(top, NAME, true);
        Optional<String> description = text(top, DESCRIPTION, false);
        OptionalInt cores = intValue(top, CORES, 1, MAX_CORES);
        Optional<CoreResources> defaults = child(top, CORE, CoreField.keys(), CoreField.keys())
                .flatMap(this::coreDefaults);
        List<CoreOverride> overrides = top.has(CORE_OVERRIDES) ? overrides(top, cores) : List.of();
        Optional<MemoryModel> memoryModel = word(top, MEMORY_MODEL, MemoryModel::fromSpelling, MemoryModel.class);
        Optional<WeightFormat> weights = child(top, WEIGHTS, WEIGHT_KEYS, WEIGHT_KEYS).flatMap(this::weights);
        Optional<NeuronFormat> neurons = child(top, NEURONS, NEURON_KEYS, without(NEURON_KEYS, MEMBRANE_FLOOR))
                .flatMap(this::neurons);
        if (weights.isPresent() && neurons.isPresent()) {
            checkWeightsFit(weights.get(), neurons.get(), top.at(NEURONS));
        }
        Optional<Features> features = child(top, FEATURES, FEATURE_KEYS, List.of(MAXPOOL_GATE, SPLIT_LAYERS))
                .flatMap(this::features);
        Optional<Routing> routing = child(top, ROUTING, ROUTING_KEYS, List.of(SELF_ROUTES)).flatMap(this::routing);
        Optional<EnergyModel> energy = child(top, ENERGY, ENERGY_KEYS, ENERGY_KEYS).flatMap(this::energy);
        if (problems.hasErrors()) {
            return Optional.empty();
        }
        // No problem means every required value was read, and an empty energy means the optional key is absent.
        int coreCount = cores.getAsInt();
        return Optional.of(new ChipSpec(name.get(), description.get(), coreCount,
                resolve(coreCount, defaults.get(), overrides), memoryModel.get(), weights.get(), neurons.get(),
                features.get(), routing.get(), energy));
    }

    // --- cores

    /** One entry of {@code core_overrides}: the cores it applies to and the fields it sets. */
    private record CoreOverride(List<Integer> cores, Map<CoreField, Long> fields) {
    }

    private Optional<CoreResources> coreDefaults(Section core) {
        long[] values = new long[CoreField.values().length];
        boolean complete = true;
        for (CoreField field : CoreField.values()) {
            OptionalLong value = longValue(core, field.key(), 1, MAX_COUNT);
            complete &= value.isPresent();
            values[field.ordinal()] = value.orElse(0);
        }
        return complete ? Optional.of(CoreField.resources(values)) : Optional.empty();
    }

    private List<CoreOverride> overrides(Section top, OptionalInt cores) {
        JsonNode list = top.get(CORE_OVERRIDES);
        Where where = top.at(CORE_OVERRIDES);
        if (!list.isArray()) {
            invalid(where, "must be an array of objects {\"cores\": [...], ...}, got " + shown(list));
            return List.of();
        }
        List<String> keys = Stream.concat(Stream.of(OVERRIDE_CORES), CoreField.keys().stream()).toList();
        // Until the core count is known to be valid, ids are checked against the largest count a spec may have.
        int lastCore = cores.orElse(MAX_CORES) - 1;
        Map<Long, SourceSpan> overridden = new HashMap<>();
        List<CoreOverride> overrides = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Optional<Section> entry = section(list.get(i), where.index(i), keys, List.of(OVERRIDE_CORES));
            if (entry.isEmpty()) {
                continue;
            }
            List<Integer> ids = entry.get().has(OVERRIDE_CORES)
                    ? coreIds(entry.get().get(OVERRIDE_CORES), entry.get().at(OVERRIDE_CORES), lastCore, overridden)
                    : List.of();
            Map<CoreField, Long> fields = new EnumMap<>(CoreField.class);
            for (CoreField field : CoreField.values()) {
                if (entry.get().has(field.key())) {
                    longValue(entry.get(), field.key(), 1, MAX_COUNT).ifPresent(value -> fields.put(field, value));
                }
            }
            if (CoreField.keys().stream().noneMatch(entry.get()::has)) {
                invalid(entry.get().where(), "sets none of " + String.join(", ", CoreField.keys())
                        + "; an override changes at least one of them");
            }
            overrides.add(new CoreOverride(ids, fields));
        }
        return overrides;
    }

    /** The valid, not yet overridden core ids of {@code ids}; {@code overridden} remembers where each was listed. */
    private List<Integer> coreIds(JsonNode ids, Where where, int lastCore, Map<Long, SourceSpan> overridden) {
        if (!ids.isArray() || ids.isEmpty()) {
            invalid(where, "must be a non-empty array of core ids in [0, " + lastCore + "], got " + shown(ids));
            return List.of();
        }
        List<Integer> valid = new ArrayList<>();
        for (int j = 0; j < ids.size(); j++) {
            Where at = where.index(j);
            OptionalLong id = integer(ids.get(j), at, 0, lastCore);
            if (id.isEmpty()) {
                continue;
            }
            SourceSpan here = json.valueAt(at.pointer());
            SourceSpan first = overridden.putIfAbsent(id.getAsLong(), here);
            if (first != null) {
                invalid(at, "repeats core " + id.getAsLong() + ", already overridden at " + first.relativeTo(here));
            } else {
                valid.add((int) id.getAsLong());
            }
        }
        return valid;
    }

    /** One {@link CoreResources} per core: the defaults, with each override's fields set on its cores. */
    private static List<CoreResources> resolve(int cores, CoreResources defaults, List<CoreOverride> overrides) {
        long[][] values = new long[cores][];
        Arrays.setAll(values, core -> CoreField.values(defaults));
        for (CoreOverride override : overrides) {
            for (int core : override.cores()) {
                override.fields().forEach((field, value) -> values[core][field.ordinal()] = value);
            }
        }
        return Arrays.stream(values).map(CoreField::resources).toList();
    }

    // --- formats

    private Optional<WeightFormat> weights(Section weights) {
        OptionalInt bits = intValue(weights, BITS, 2, MAX_BITS);
        OptionalInt exponentMin = intValue(weights, EXPONENT_MIN, 0, MAX_EXPONENT);
        OptionalInt exponentMax = intValue(weights, EXPONENT_MAX, 0, MAX_EXPONENT);
        if (exponentMin.isPresent() && exponentMax.isPresent() && exponentMin.getAsInt() > exponentMax.getAsInt()) {
            invalid(weights.at(EXPONENT_MIN), "must be at most " + EXPONENT_MAX + " (" + exponentMax.getAsInt()
                    + "), got " + exponentMin.getAsInt());
            return Optional.empty();
        }
        if (bits.isEmpty() || exponentMin.isEmpty() || exponentMax.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new WeightFormat(bits.getAsInt(), exponentMin.getAsInt(), exponentMax.getAsInt()));
    }

    private Optional<NeuronFormat> neurons(Section neurons) {
        OptionalInt thresholdBits = intValue(neurons, THRESHOLD_BITS, 1, MAX_BITS);
        OptionalInt thresholdShift = intValue(neurons, THRESHOLD_SHIFT, 0, MAX_EXPONENT);
        OptionalInt biasBits = intValue(neurons, BIAS_BITS, 2, MAX_BITS);
        OptionalInt biasExponentMax = intValue(neurons, BIAS_EXPONENT_MAX, 0, MAX_EXPONENT);
        OptionalInt accumulatorBits = intValue(neurons, ACCUMULATOR_BITS, 2, MAX_BITS);
        OptionalInt stateBits = intValue(neurons, STATE_BITS, 2, MAX_BITS);
        Optional<Overflow> overflow = word(neurons, OVERFLOW, Overflow::fromSpelling, Overflow.class);
        // Until the state width is known to be valid, the floor is checked against the widest state a spec may have.
        long lowestState = -(1L << (stateBits.orElse(MAX_BITS) - 1));
        OptionalLong membraneFloor = neurons.has(MEMBRANE_FLOOR)
                ? longValue(neurons, MEMBRANE_FLOOR, lowestState, 0)
                : OptionalLong.empty();
        Optional<FireComparison> fire = word(neurons, FIRE, FireComparison::fromSpelling, FireComparison.class);
        Optional<Set<ResetMode>> resets = neurons.has(RESETS) ? resets(neurons.get(RESETS), neurons.at(RESETS))
                : Optional.empty();
        if (stateBits.isPresent()) {
            int membraneBits = stateBits.getAsInt() - 1;
            if (thresholdBits.isPresent() && thresholdShift.isPresent()
                    && thresholdBits.getAsInt() + thresholdShift.getAsInt() > membraneBits) {
                invalid(neurons.at(THRESHOLD_BITS), "must be at most " + STATE_BITS + " − 1 − " + THRESHOLD_SHIFT
                        + " = " + (membraneBits - thresholdShift.getAsInt())
                        + " so that the largest threshold fits the membrane, got " + thresholdBits.getAsInt());
            }
            if (biasBits.isPresent() && biasExponentMax.isPresent()
                    && biasBits.getAsInt() + biasExponentMax.getAsInt() > stateBits.getAsInt()) {
                invalid(neurons.at(BIAS_BITS), "must be at most " + STATE_BITS + " − " + BIAS_EXPONENT_MAX + " = "
                        + (stateBits.getAsInt() - biasExponentMax.getAsInt())
                        + " so that the largest bias fits the membrane, got " + biasBits.getAsInt());
            }
        }
        if (Stream.of(thresholdBits, thresholdShift, biasBits, biasExponentMax, accumulatorBits, stateBits)
                .anyMatch(OptionalInt::isEmpty) || overflow.isEmpty() || fire.isEmpty() || resets.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NeuronFormat(thresholdBits.getAsInt(), thresholdShift.getAsInt(), biasBits.getAsInt(),
                biasExponentMax.getAsInt(), accumulatorBits.getAsInt(), stateBits.getAsInt(), overflow.get(),
                membraneFloor, fire.get(), resets.get()));
    }

    private Optional<Set<ResetMode>> resets(JsonNode words, Where where) {
        String choices = Spelled.choices(ResetMode.class);
        if (!words.isArray() || words.isEmpty()) {
            invalid(where, "must be a non-empty array of reset modes (" + choices + "), got " + shown(words));
            return Optional.empty();
        }
        Set<ResetMode> resets = EnumSet.noneOf(ResetMode.class);
        boolean valid = true;
        for (int i = 0; i < words.size(); i++) {
            Optional<ResetMode> reset = word(words.get(i), where.index(i), ResetMode::fromSpelling, ResetMode.class);
            if (reset.isPresent() && !resets.add(reset.get())) {
                invalid(where.index(i), "repeats '" + reset.get() + "'");
            }
            valid &= reset.isPresent();
        }
        return valid ? Optional.of(resets) : Optional.empty();
    }

    /**
     * The accumulator and the membrane must hold the largest weight, (2^(bits−1)−1)·2^exponentMax. For b-bit
     * mantissas and a-bit registers that is exactly bits + exponentMax ≤ a, which Loihi meets with no bit to spare
     * (8 + 14 = 22).
     */
    private void checkWeightsFit(WeightFormat weights, NeuronFormat neurons, Where where) {
        int needed = weights.bits() + weights.exponentMax();
        String why = " = " + needed + " so that the largest weight " + weights.maxMantissa() + "·2^"
                + weights.exponentMax() + " fits, got ";
        if (neurons.accumulatorBits() < needed) {
            invalid(where.key(ACCUMULATOR_BITS), "must be at least " + WEIGHTS + "." + BITS + " + " + WEIGHTS + "."
                    + EXPONENT_MAX + why + neurons.accumulatorBits());
        }
        if (neurons.stateBits() < needed) {
            invalid(where.key(STATE_BITS), "must be at least " + WEIGHTS + "." + BITS + " + " + WEIGHTS + "."
                    + EXPONENT_MAX + why + neurons.stateBits());
        }
    }

    // --- features, routing, energy

    private Optional<Features> features(Section features) {
        Optional<Boolean> maxPoolGate = bool(features, MAXPOOL_GATE);
        OptionalInt layersPerCore = features.has(LAYERS_PER_CORE)
                ? intValue(features, LAYERS_PER_CORE, 1, Integer.MAX_VALUE)
                : OptionalInt.empty();
        Optional<Boolean> splitLayers = bool(features, SPLIT_LAYERS);
        Optional<Boolean> earlyExit = features.has(EARLY_EXIT) ? bool(features, EARLY_EXIT) : Optional.of(false);
        Optional<ConvLimits> convLimits = child(features, CONV_LIMITS, CONV_LIMIT_KEYS, CONV_LIMIT_KEYS)
                .flatMap(this::convLimits);
        Optional<Boolean> cubaDecay = features.has(CUBA_DECAY) ? bool(features, CUBA_DECAY) : Optional.of(false);
        if (maxPoolGate.isEmpty() || splitLayers.isEmpty() || earlyExit.isEmpty() || cubaDecay.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Features(maxPoolGate.get(), layersPerCore, splitLayers.get(), earlyExit.get(),
                convLimits, cubaDecay.get()));
    }

    private Optional<ConvLimits> convLimits(Section limits) {
        OptionalInt maxKernel = intValue(limits, MAX_KERNEL, 1, Integer.MAX_VALUE);
        Optional<List<Integer>> strides = limits.has(STRIDES) ? strides(limits.get(STRIDES), limits.at(STRIDES))
                : Optional.empty();
        OptionalInt maxPadding = intValue(limits, MAX_PADDING, 0, Integer.MAX_VALUE);
        OptionalInt maxChannels = intValue(limits, MAX_CHANNELS, 1, Integer.MAX_VALUE);
        OptionalInt maxInputSize = intValue(limits, MAX_INPUT_SIZE, 1, Integer.MAX_VALUE);
        OptionalInt maxOutputSize = intValue(limits, MAX_OUTPUT_SIZE, 1, Integer.MAX_VALUE);
        if (Stream.of(maxKernel, maxPadding, maxChannels, maxInputSize, maxOutputSize).anyMatch(OptionalInt::isEmpty)
                || strides.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ConvLimits(maxKernel.getAsInt(), strides.get(), maxPadding.getAsInt(),
                maxChannels.getAsInt(), maxInputSize.getAsInt(), maxOutputSize.getAsInt()));
    }

    private Optional<List<Integer>> strides(JsonNode strides, Where where) {
        if (!strides.isArray() || strides.isEmpty()) {
            invalid(where, "must be a non-empty array of positive integers, got " + shown(strides));
            return Optional.empty();
        }
        List<Integer> valid = new ArrayList<>();
        for (int i = 0; i < strides.size(); i++) {
            OptionalLong stride = integer(strides.get(i), where.index(i), 1, Integer.MAX_VALUE);
            if (stride.isPresent() && valid.contains((int) stride.getAsLong())) {
                invalid(where.index(i), "repeats stride " + stride.getAsLong());
            } else {
                stride.ifPresent(s -> valid.add((int) s));
            }
        }
        return valid.size() == strides.size() ? Optional.of(valid) : Optional.empty();
    }

    private Optional<Routing> routing(Section routing) {
        OptionalInt maxDestinations = routing.has(MAX_DESTINATIONS)
                ? intValue(routing, MAX_DESTINATIONS, 1, Integer.MAX_VALUE)
                : OptionalInt.empty();
        OptionalInt multicast = routing.has(MULTICAST) ? intValue(routing, MULTICAST, 2, Integer.MAX_VALUE)
                : OptionalInt.empty();
        OptionalInt populationAxonSlots = routing.has(POPULATION_AXONS)
                ? intValue(routing, POPULATION_AXONS, 1, Integer.MAX_VALUE)
                : OptionalInt.empty();
        return bool(routing, SELF_ROUTES).map(selfRoutes -> new Routing(maxDestinations, selfRoutes, multicast,
                populationAxonSlots));
    }

    private Optional<EnergyModel> energy(Section energy) {
        OptionalDouble synapticOp = picojoules(energy, SYNAPTIC_OP);
        OptionalDouble neuronUpdate = picojoules(energy, NEURON_UPDATE);
        Optional<String> source = text(energy, SOURCE, true);
        if (synapticOp.isEmpty() || neuronUpdate.isEmpty() || source.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EnergyModel(synapticOp.getAsDouble(), neuronUpdate.getAsDouble(), source.get()));
    }

    // --- sections and values

    /**
     * The object under {@code key}, with its keys checked; empty, and silently so, when the key is absent (the
     * parent's check has reported it if it is required).
     */
    private Optional<Section> child(Section parent, String key, List<String> keys, List<String> required) {
        return parent.has(key) ? section(parent.get(key), parent.at(key), keys, required) : Optional.empty();
    }

    /** The object {@code node}, after reporting each key not in {@code keys} and each of {@code required} absent. */
    private Optional<Section> section(JsonNode node, Where where, List<String> keys, List<String> required) {
        if (!node.isObject()) {
            invalid(where, "must be an object {...}, got " + shown(node));
            return Optional.empty();
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!keys.contains(name)) {
                Where unknown = where.key(name);
                problems.report(DiagnosticCode.CHIP_SPEC_UNKNOWN_FIELD, json.keyAt(unknown.pointer()), unknown.path(),
                        String.join(", ", keys));
            }
        }
        for (String name : required) {
            if (!node.has(name)) {
                problems.report(DiagnosticCode.CHIP_SPEC_MISSING_FIELD, json.valueAt(where.pointer()),
                        where.key(name).path());
            }
        }
        return Optional.of(new Section(node, where));
    }

    private OptionalInt intValue(Section section, String key, int min, int max) {
        OptionalLong value = longValue(section, key, min, max);
        return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
    }

    private OptionalLong longValue(Section section, String key, long min, long max) {
        return section.has(key) ? integer(section.get(key), section.at(key), min, max) : OptionalLong.empty();
    }

    private OptionalLong integer(JsonNode node, Where where, long min, long max) {
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= min
                && node.longValue() <= max) {
            return OptionalLong.of(node.longValue());
        }
        invalid(where, "must be an integer in [" + min + ", " + max + "], got " + shown(node));
        return OptionalLong.empty();
    }

    private OptionalDouble picojoules(Section section, String key) {
        if (!section.has(key)) {
            return OptionalDouble.empty();
        }
        JsonNode node = section.get(key);
        if (node.isNumber() && Double.isFinite(node.doubleValue()) && node.doubleValue() >= 0) {
            return OptionalDouble.of(node.doubleValue());
        }
        invalid(section.at(key), "must be a finite number of picojoules ≥ 0, got " + shown(node));
        return OptionalDouble.empty();
    }

    private Optional<Boolean> bool(Section section, String key) {
        if (!section.has(key)) {
            return Optional.empty();
        }
        JsonNode node = section.get(key);
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        invalid(section.at(key), "must be true or false, got " + shown(node));
        return Optional.empty();
    }

    private Optional<String> text(Section section, String key, boolean nonBlank) {
        if (!section.has(key)) {
            return Optional.empty();
        }
        JsonNode node = section.get(key);
        if (node.isTextual() && !(nonBlank && node.textValue().isBlank())) {
            return Optional.of(node.textValue());
        }
        invalid(section.at(key), "must be a " + (nonBlank ? "non-empty " : "") + "string, got " + shown(node));
        return Optional.empty();
    }

    private <E extends Enum<E> & Spelled> Optional<E> word(Section section, String key,
            Function<String, Optional<E>> fromSpelling, Class<E> type) {
        return section.has(key) ? word(section.get(key), section.at(key), fromSpelling, type) : Optional.empty();
    }

    private <E extends Enum<E> & Spelled> Optional<E> word(JsonNode node, Where where,
            Function<String, Optional<E>> fromSpelling, Class<E> type) {
        Optional<E> value = node.isTextual() ? fromSpelling.apply(node.textValue()) : Optional.empty();
        if (value.isEmpty()) {
            invalid(where, "must be one of " + Spelled.choices(type) + ", got " + shown(node));
        }
        return value;
    }

    private void invalid(Where where, String problem) {
        problems.report(DiagnosticCode.CHIP_SPEC_INVALID_FIELD, json.valueAt(where.pointer()), where.path(), problem);
    }

    /** A value as the user wrote it, in JSON, short enough for one diagnostic line. */
    private static String shown(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return node.isEmpty() ? "[]" : "an array";
        }
        // asText for numbers, so that an overflowing 1e400 shows as Infinity rather than as the string "Infinity"
        String text = node.isNumber() ? node.asText() : node.toString();
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    private static List<String> without(List<String> keys, String... optional) {
        return keys.stream().filter(key -> !Arrays.asList(optional).contains(key)).toList();
    }
}
