package org.snnc.targets.mapping;

import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.spec.MemoryModel;
import org.snnc.targets.spec.Routing;

/**
 * The limited resources of one core, as {@link CoreUsage} counts them and {@link CoreResources} and {@link Routing}
 * bound them. Neurons, synapse memory and bias memory add up over the pieces of a core; input axons, output axons and
 * destinations do not (pieces share axons, and what a core sends depends on where its consumers are).
 */
public enum Resource {
    NEURONS,
    SYNAPSE_MEMORY,
    BIAS_MEMORY,
    INPUT_AXONS,
    OUTPUT_AXONS,
    DESTINATIONS;

    /** What {@code usage} uses of this resource. */
    public long of(CoreUsage usage) {
        return switch (this) {
            case NEURONS -> usage.neurons();
            case SYNAPSE_MEMORY -> usage.synapseMemory();
            case BIAS_MEMORY -> usage.biasMemory();
            case INPUT_AXONS -> usage.inputAxons();
            case OUTPUT_AXONS -> usage.outputAxons();
            case DESTINATIONS -> usage.destinations();
        };
    }

    /** The limit of a core with {@code resources} on a chip with {@code routing}; unlimited is Long.MAX_VALUE. */
    public long limit(CoreResources resources, Routing routing) {
        return switch (this) {
            case NEURONS -> resources.neurons();
            case SYNAPSE_MEMORY -> resources.synapseMemory();
            case BIAS_MEMORY -> resources.biasMemory();
            case INPUT_AXONS -> resources.inputAxons();
            case OUTPUT_AXONS -> resources.outputAxons();
            case DESTINATIONS -> routing.maxDestinationsPerCore().isPresent()
                    ? routing.maxDestinationsPerCore().getAsInt() : Long.MAX_VALUE;
        };
    }

    /** Whether the resource adds up over the pieces of a core. */
    public boolean additive() {
        return this == NEURONS || this == SYNAPSE_MEMORY || this == BIAS_MEMORY;
    }

    /** The resource as messages name it under {@code model}: Speck's memories are neuron and kernel memory. */
    public String label(MemoryModel model) {
        boolean speck = model == MemoryModel.SPECK_PADDED;
        return switch (this) {
            case NEURONS -> speck ? "neuron memory" : "neurons";
            case SYNAPSE_MEMORY -> speck ? "kernel memory" : "synapse memory";
            case BIAS_MEMORY -> "bias memory";
            case INPUT_AXONS -> "input axons";
            case OUTPUT_AXONS -> "output axons";
            case DESTINATIONS -> "destinations";
        };
    }
}
