package org.snnc.targets.spec;

import java.util.List;
import java.util.Optional;

/**
 * One neuromorphic chip as data: everything quantization, partitioning, mapping, emission and the emulator need to
 * know about it. It is loaded from a JSON file ({@link ChipSpecs}); {@code docs/chip-spec.md} documents each field.
 *
 * @param name        the target's name, e.g. {@code generic}
 * @param description one paragraph: what the chip models and where its figures come from
 * @param cores       the number of cores
 * @param coreResources the limits of each core, indexed by core id (size {@code cores})
 * @param memoryModel how a layer's synapses, neurons and biases are costed against a core's memories
 * @param weights     the weight mantissa format
 * @param neurons     the neuron's integer formats and dynamics
 * @param features    what the chip can do beyond integrate-and-fire over conv and dense synapses
 * @param routing     which routes between cores are allowed
 * @param energy      energy figures per operation, when known
 */
public record ChipSpec(
        String name,
        String description,
        int cores,
        List<CoreResources> coreResources,
        MemoryModel memoryModel,
        WeightFormat weights,
        NeuronFormat neurons,
        Features features,
        Routing routing,
        Optional<EnergyModel> energy) {

    public ChipSpec {
        coreResources = List.copyOf(coreResources);
        if (coreResources.size() != cores) {
            throw new IllegalArgumentException(cores + " cores but " + coreResources.size() + " core resource entries");
        }
    }

    public CoreResources core(int id) {
        return coreResources.get(id);
    }
}
