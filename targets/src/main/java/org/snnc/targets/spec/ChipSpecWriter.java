package org.snnc.targets.spec;

import static org.snnc.targets.spec.ChipSpecSchema.ACCUMULATOR_BITS;
import static org.snnc.targets.spec.ChipSpecSchema.BIAS_BITS;
import static org.snnc.targets.spec.ChipSpecSchema.BIAS_EXPONENT_MAX;
import static org.snnc.targets.spec.ChipSpecSchema.BITS;
import static org.snnc.targets.spec.ChipSpecSchema.CONV_LIMITS;
import static org.snnc.targets.spec.ChipSpecSchema.CUBA_DECAY;
import static org.snnc.targets.spec.ChipSpecSchema.CORE;
import static org.snnc.targets.spec.ChipSpecSchema.CORES;
import static org.snnc.targets.spec.ChipSpecSchema.CORE_OVERRIDES;
import static org.snnc.targets.spec.ChipSpecSchema.DESCRIPTION;
import static org.snnc.targets.spec.ChipSpecSchema.ENERGY;
import static org.snnc.targets.spec.ChipSpecSchema.EXPONENT_MAX;
import static org.snnc.targets.spec.ChipSpecSchema.EXPONENT_MIN;
import static org.snnc.targets.spec.ChipSpecSchema.FEATURES;
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
import static org.snnc.targets.spec.ChipSpecSchema.NEURON_UPDATE;
import static org.snnc.targets.spec.ChipSpecSchema.OVERFLOW;
import static org.snnc.targets.spec.ChipSpecSchema.OVERRIDE_CORES;
import static org.snnc.targets.spec.ChipSpecSchema.RESETS;
import static org.snnc.targets.spec.ChipSpecSchema.ROUTING;
import static org.snnc.targets.spec.ChipSpecSchema.SELF_ROUTES;
import static org.snnc.targets.spec.ChipSpecSchema.SOURCE;
import static org.snnc.targets.spec.ChipSpecSchema.SPLIT_LAYERS;
import static org.snnc.targets.spec.ChipSpecSchema.STATE_BITS;
import static org.snnc.targets.spec.ChipSpecSchema.STRIDES;
import static org.snnc.targets.spec.ChipSpecSchema.SYNAPTIC_OP;
import static org.snnc.targets.spec.ChipSpecSchema.THRESHOLD_BITS;
import static org.snnc.targets.spec.ChipSpecSchema.THRESHOLD_SHIFT;
import static org.snnc.targets.spec.ChipSpecSchema.WEIGHTS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.targets.spec.ChipSpecSchema.CoreField;

/**
 * Writes a {@link ChipSpec} in the canonical form of the {@value ChipSpecSchema#FORMAT} format: keys in
 * {@link ChipSpecSchema} order, optional keys only when set, resets in {@link ResetMode} order, two-space indent,
 * arrays of numbers or words on one line. The per-core list is folded back into {@code core} (the resources most
 * cores have; on a tie, those of the lowest core id) and one override per other distinct resources, in core order,
 * setting only the fields that differ. Reading the text back gives an equal spec.
 */
final class ChipSpecWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChipSpecWriter() {
    }

    static String write(ChipSpec spec) {
        ObjectNode root = NODES.objectNode();
        root.put(FORMAT_KEY, FORMAT);
        root.put(NAME, spec.name());
        root.put(DESCRIPTION, spec.description());
        root.put(CORES, spec.cores());
        CoreResources defaults = mostCommon(spec.coreResources());
        root.set(CORE, coreFields(defaults, null));
        ArrayNode overrides = overrides(spec.coreResources(), defaults);
        if (!overrides.isEmpty()) {
            root.set(CORE_OVERRIDES, overrides);
        }
        root.put(MEMORY_MODEL, spec.memoryModel().spelling());
        root.set(WEIGHTS, NODES.objectNode().put(BITS, spec.weights().bits())
                .put(EXPONENT_MIN, spec.weights().exponentMin()).put(EXPONENT_MAX, spec.weights().exponentMax()));
        root.set(NEURONS, neurons(spec.neurons()));
        root.set(FEATURES, features(spec.features()));
        ObjectNode routing = root.putObject(ROUTING);
        spec.routing().maxDestinationsPerCore().ifPresent(most -> routing.put(MAX_DESTINATIONS, most));
        routing.put(SELF_ROUTES, spec.routing().selfRoutes());
        spec.routing().multicast().ifPresent(width -> routing.put(MULTICAST, width));
        spec.routing().populationAxonSlots().ifPresent(slots -> routing.put(POPULATION_AXONS, slots));
        spec.energy().ifPresent(energy -> root.putObject(ENERGY).put(SYNAPTIC_OP, energy.synapticOpPj())
                .put(NEURON_UPDATE, energy.neuronUpdatePj()).put(SOURCE, energy.source()));
        StringBuilder text = new StringBuilder();
        print(root, "", text);
        return text.append('\n').toString();
    }

    /** The resources most cores have; on a tie, those of the lowest core id among the tied. */
    private static CoreResources mostCommon(List<CoreResources> cores) {
        Map<CoreResources, Integer> counts = new LinkedHashMap<>();
        cores.forEach(core -> counts.merge(core, 1, Integer::sum));
        CoreResources best = cores.get(0);
        for (Map.Entry<CoreResources, Integer> entry : counts.entrySet()) {
            if (entry.getValue() > counts.get(best)) {
                best = entry.getKey();
            }
        }
        return best;
    }

    private static ArrayNode overrides(List<CoreResources> cores, CoreResources defaults) {
        Map<CoreResources, List<Integer>> idsByResources = new LinkedHashMap<>();
        for (int id = 0; id < cores.size(); id++) {
            if (!cores.get(id).equals(defaults)) {
                idsByResources.computeIfAbsent(cores.get(id), resources -> new ArrayList<>()).add(id);
            }
        }
        ArrayNode overrides = NODES.arrayNode();
        idsByResources.forEach((resources, ids) -> {
            ObjectNode override = overrides.addObject();
            ids.forEach(override.putArray(OVERRIDE_CORES)::add);
            override.setAll(coreFields(resources, defaults));
        });
        return overrides;
    }

    /** The fields of {@code core}; only those that differ from {@code base} when there is one. */
    private static ObjectNode coreFields(CoreResources core, CoreResources base) {
        ObjectNode fields = NODES.objectNode();
        for (CoreField field : CoreField.values()) {
            if (base == null || field.of(core) != field.of(base)) {
                fields.put(field.key(), field.of(core));
            }
        }
        return fields;
    }

    private static ObjectNode neurons(NeuronFormat neurons) {
        ObjectNode node = NODES.objectNode().put(THRESHOLD_BITS, neurons.thresholdBits())
                .put(THRESHOLD_SHIFT, neurons.thresholdShift()).put(BIAS_BITS, neurons.biasBits())
                .put(BIAS_EXPONENT_MAX, neurons.biasExponentMax()).put(ACCUMULATOR_BITS, neurons.accumulatorBits())
                .put(STATE_BITS, neurons.stateBits()).put(OVERFLOW, neurons.overflow().spelling());
        neurons.membraneFloor().ifPresent(floor -> node.put(MEMBRANE_FLOOR, floor));
        node.put(FIRE, neurons.fire().spelling());
        ArrayNode resets = node.putArray(RESETS);
        for (ResetMode reset : ResetMode.values()) {
            if (neurons.resets().contains(reset)) {
                resets.add(reset.spelling());
            }
        }
        return node;
    }

    private static ObjectNode features(Features features) {
        ObjectNode node = NODES.objectNode().put(MAXPOOL_GATE, features.maxPoolGate());
        features.layersPerCore().ifPresent(layers -> node.put(LAYERS_PER_CORE, layers));
        node.put(SPLIT_LAYERS, features.splitLayers());
        if (features.earlyExit()) {
            node.put(EARLY_EXIT, true);
        }
        features.convLimits().ifPresent(limits -> {
            ObjectNode conv = node.putObject(CONV_LIMITS).put(MAX_KERNEL, limits.maxKernel());
            limits.strides().forEach(conv.putArray(STRIDES)::add);
            conv.put(MAX_PADDING, limits.maxPadding()).put(MAX_CHANNELS, limits.maxChannels())
                    .put(MAX_INPUT_SIZE, limits.maxInputSize()).put(MAX_OUTPUT_SIZE, limits.maxOutputSize());
        });
        if (features.cubaDecay()) {
            node.put(CUBA_DECAY, true);
        }
        return node;
    }

    /** Objects one key a line; arrays on one line when they hold scalars, as all but {@code core_overrides} do. */
    private static void print(JsonNode node, String indent, StringBuilder out) {
        String inner = indent + "  ";
        if (node.isObject() && !node.isEmpty()) {
            String separator = "{\n";
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                out.append(separator).append(inner).append(TextNode.valueOf(member.getKey())).append(": ");
                print(member.getValue(), inner, out);
                separator = ",\n";
            }
            out.append('\n').append(indent).append('}');
        } else if (node.isArray() && !node.isEmpty() && node.get(0).isContainerNode()) {
            String separator = "[\n";
            for (JsonNode element : node) {
                out.append(separator).append(inner);
                print(element, inner, out);
                separator = ",\n";
            }
            out.append('\n').append(indent).append(']');
        } else if (node.isArray()) {
            String separator = "[";
            for (JsonNode element : node) {
                out.append(separator).append(element);
                separator = ", ";
            }
            out.append(node.isEmpty() ? "[]" : "]");
        } else {
            out.append(node);
        }
    }
}
