package org.snnc.targets.spec;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The key names of the chip spec JSON format, {@value #FORMAT}, in canonical order. The reader checks keys against
 * these lists and names them in its errors; the writer emits keys in this order, so the two cannot drift apart.
 */
final class ChipSpecSchema {

    /** The value of {@code "format"} this version of snnc reads and writes. */
    static final String FORMAT = "snnc-chip/1";

    static final String FORMAT_KEY = "format";
    static final String NAME = "name";
    static final String DESCRIPTION = "description";
    static final String CORES = "cores";
    static final String CORE = "core";
    static final String CORE_OVERRIDES = "core_overrides";
    static final String MEMORY_MODEL = "memory_model";
    static final String WEIGHTS = "weights";
    static final String NEURONS = "neurons";
    static final String FEATURES = "features";
    static final String ROUTING = "routing";
    static final String ENERGY = "energy_pj";
    static final List<String> TOP_KEYS = List.of(FORMAT_KEY, NAME, DESCRIPTION, CORES, CORE, CORE_OVERRIDES,
            MEMORY_MODEL, WEIGHTS, NEURONS, FEATURES, ROUTING, ENERGY);

    /** In an override, the list of core ids it applies to; the other keys are {@link CoreField}s. */
    static final String OVERRIDE_CORES = "cores";

    static final String BITS = "bits";
    static final String EXPONENT_MIN = "exponent_min";
    static final String EXPONENT_MAX = "exponent_max";
    static final List<String> WEIGHT_KEYS = List.of(BITS, EXPONENT_MIN, EXPONENT_MAX);

    static final String THRESHOLD_BITS = "threshold_bits";
    static final String THRESHOLD_SHIFT = "threshold_shift";
    static final String BIAS_BITS = "bias_bits";
    static final String BIAS_EXPONENT_MAX = "bias_exponent_max";
    static final String ACCUMULATOR_BITS = "accumulator_bits";
    static final String STATE_BITS = "state_bits";
    static final String OVERFLOW = "overflow";
    static final String MEMBRANE_FLOOR = "membrane_floor";
    static final String FIRE = "fire";
    static final String RESETS = "resets";
    static final List<String> NEURON_KEYS = List.of(THRESHOLD_BITS, THRESHOLD_SHIFT, BIAS_BITS, BIAS_EXPONENT_MAX,
            ACCUMULATOR_BITS, STATE_BITS, OVERFLOW, MEMBRANE_FLOOR, FIRE, RESETS);

    static final String MAXPOOL_GATE = "maxpool_gate";
    static final String LAYERS_PER_CORE = "layers_per_core";
    static final String SPLIT_LAYERS = "split_layers";
    static final String EARLY_EXIT = "early_exit";
    static final String CONV_LIMITS = "conv_limits";
    static final String CUBA_DECAY = "cuba_decay";
    static final List<String> FEATURE_KEYS = List.of(MAXPOOL_GATE, LAYERS_PER_CORE, SPLIT_LAYERS, EARLY_EXIT,
            CONV_LIMITS, CUBA_DECAY);

    static final String MAX_KERNEL = "max_kernel";
    static final String STRIDES = "strides";
    static final String MAX_PADDING = "max_padding";
    static final String MAX_CHANNELS = "max_channels";
    static final String MAX_INPUT_SIZE = "max_input_size";
    static final String MAX_OUTPUT_SIZE = "max_output_size";
    static final List<String> CONV_LIMIT_KEYS = List.of(MAX_KERNEL, STRIDES, MAX_PADDING, MAX_CHANNELS,
            MAX_INPUT_SIZE, MAX_OUTPUT_SIZE);

    static final String MAX_DESTINATIONS = "max_destinations_per_core";
    static final String SELF_ROUTES = "self_routes";
    static final String MULTICAST = "multicast";
    static final String POPULATION_AXONS = "population_axons";
    static final List<String> ROUTING_KEYS = List.of(MAX_DESTINATIONS, SELF_ROUTES, MULTICAST, POPULATION_AXONS);

    static final String SYNAPTIC_OP = "synaptic_op";
    static final String NEURON_UPDATE = "neuron_update";
    static final String SOURCE = "source";
    static final List<String> ENERGY_KEYS = List.of(SYNAPTIC_OP, NEURON_UPDATE, SOURCE);

    private ChipSpecSchema() {
    }

    /**
     * One per-core limit: a key of {@code "core"} and of each {@code "core_overrides"} entry, and the
     * {@link CoreResources} component it sets. Overrides set any subset of them, so they are handled field by field.
     */
    enum CoreField {
        NEURONS("neurons", CoreResources::neurons),
        INPUT_AXONS("input_axons", CoreResources::inputAxons),
        OUTPUT_AXONS("output_axons", CoreResources::outputAxons),
        SYNAPSE_MEMORY("synapse_memory", CoreResources::synapseMemory),
        BIAS_MEMORY("bias_memory", CoreResources::biasMemory);

        private final String key;
        private final ToLongFunction<CoreResources> getter;

        CoreField(String key, ToLongFunction<CoreResources> getter) {
            this.key = key;
            this.getter = getter;
        }

        String key() {
            return key;
        }

        long of(CoreResources core) {
            return getter.applyAsLong(core);
        }

        static List<String> keys() {
            return Arrays.stream(values()).map(CoreField::key).toList();
        }

        /** The resources whose value of each field is {@code values[field.ordinal()]}. */
        static CoreResources resources(long[] values) {
            return new CoreResources(values[NEURONS.ordinal()], values[INPUT_AXONS.ordinal()],
                    values[OUTPUT_AXONS.ordinal()], values[SYNAPSE_MEMORY.ordinal()], values[BIAS_MEMORY.ordinal()]);
        }

        /** The values of {@code core}, indexed by field ordinal; the inverse of {@link #resources}. */
        static long[] values(CoreResources core) {
            return Arrays.stream(values()).mapToLong(field -> field.of(core)).toArray();
        }
    }
}
