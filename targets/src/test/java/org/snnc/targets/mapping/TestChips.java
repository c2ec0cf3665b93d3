package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ConvLimits;
import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.spec.Features;
import org.snnc.targets.spec.MemoryModel;
import org.snnc.targets.spec.NeuronFormat;
import org.snnc.targets.spec.Routing;
import org.snnc.targets.spec.WeightFormat;

/** Chip specs built in code, like the JSON targets, for mapping tests. */
final class TestChips {

    static final int KI = 1024;
    static final ConvLimits SPECK_LIMITS = new ConvLimits(16, List.of(1, 2, 4, 8), 7, 1024, 128, 64);

    private static final NeuronFormat NEURONS = new NeuronFormat(16, 0, 16, 0, 24, 24, Overflow.SATURATE,
            OptionalLong.empty(), FireComparison.GE, Set.of(ResetMode.SUBTRACT, ResetMode.ZERO));
    private static final WeightFormat WEIGHTS = new WeightFormat(8, 0, 7);

    private TestChips() {
    }

    /** 128 cores × {1024 neurons, 4096 input and output axons, 65536 synapse entries, 1024 biases}. */
    static ChipSpec generic() {
        return generic(128, new CoreResources(1024, 4096, 4096, 65536, 1024));
    }

    /** A generic-like chip of {@code cores} equal cores: entries model, layers split, gates, self routes. */
    static ChipSpec generic(int cores, CoreResources core) {
        return generic(cores, core, new Routing(OptionalInt.empty(), true));
    }

    /** {@link #generic(int, CoreResources)} with {@code routing}. */
    static ChipSpec generic(int cores, CoreResources core, Routing routing) {
        return chip("generic", MemoryModel.ENTRIES, cores, core, new Features(true, OptionalInt.empty(), true,
                Optional.empty()), routing);
    }

    /** 128 Loihi cores: 1024 compartments, 4096 axons each way, 16384 × 64 bits of synapse memory. */
    static ChipSpec loihi() {
        return chip("loihi", MemoryModel.LOIHI_BLOCKS, 128, new CoreResources(1024, 4096, 4096, 1048576, 1024),
                new Features(true, OptionalInt.empty(), true, Optional.empty()),
                new Routing(OptionalInt.empty(), true));
    }

    /** Speck: 9 cores with sinabs' neuron and kernel memories, one layer per core, two destinations. */
    static ChipSpec speck() {
        int[] neurons = {64, 64, 64, 32, 32, 16, 16, 16, 16};
        int[] kernels = {16, 16, 16, 32, 32, 64, 64, 16, 16};
        List<CoreResources> cores = new ArrayList<>();
        for (int c = 0; c < 9; c++) {
            cores.add(speckCore(neurons[c] * KI, kernels[c] * KI));
        }
        return speck(cores, 2);
    }

    static ChipSpec speck(List<CoreResources> cores, int destinations) {
        return new ChipSpec("speck", "test", cores.size(), cores, MemoryModel.SPECK_PADDED, WEIGHTS, NEURONS,
                new Features(false, OptionalInt.of(1), false, Optional.of(SPECK_LIMITS)),
                new Routing(OptionalInt.of(destinations), false), Optional.empty());
    }

    static CoreResources speckCore(long neurons, long kernel) {
        return new CoreResources(neurons, 1L << 24, 1L << 24, kernel, 1024);
    }

    static ChipSpec chip(String name, MemoryModel model, int cores, CoreResources core, Features features,
            Routing routing) {
        return new ChipSpec(name, "test", cores, Collections.nCopies(cores, core), model, WEIGHTS, NEURONS, features,
                routing, Optional.empty());
    }

    /**
     * A random chip: a generic-like or Loihi-like one of 1 to 48 small cores (random limits per chip, each core up to
     * a quarter above them; random layers per core, destinations and self routes), or a Speck-like one of 4 to 12
     * cores with random memories.
     */
    static ChipSpec random(Random random) {
        int kind = random.nextInt(3);
        if (kind == 2) {
            int cores = 4 + random.nextInt(9);
            List<CoreResources> resources = new ArrayList<>();
            for (int c = 0; c < cores; c++) {
                resources.add(speckCore(KI << random.nextInt(5), KI << random.nextInt(7)));
            }
            return speck(resources, 2 + random.nextInt(2));
        }
        MemoryModel model = kind == 0 ? MemoryModel.ENTRIES : MemoryModel.LOIHI_BLOCKS;
        int cores = 1 + random.nextInt(48);
        List<CoreResources> resources = new ArrayList<>();
        long synapseScale = model == MemoryModel.ENTRIES ? 1 : 64;
        int neurons = 8 + random.nextInt(random.nextBoolean() ? 64 : 512);
        int inputAxons = 100 + random.nextInt(1500);
        int outputAxons = 50 + random.nextInt(2000);
        int synapses = 200 + random.nextInt(random.nextBoolean() ? 2000 : 20000);
        for (int c = 0; c < cores; c++) {
            long coreNeurons = neurons + random.nextInt(neurons / 4 + 1);
            resources.add(new CoreResources(coreNeurons, inputAxons + random.nextInt(inputAxons / 4 + 1),
                    outputAxons + random.nextInt(outputAxons / 4 + 1),
                    synapseScale * (synapses + random.nextInt(synapses / 4 + 1)), coreNeurons));
        }
        OptionalInt layersPerCore = random.nextInt(3) == 0 ? OptionalInt.of(1 + random.nextInt(3))
                : OptionalInt.empty();
        OptionalInt destinations = random.nextInt(3) == 0 ? OptionalInt.of(2 + random.nextInt(6))
                : OptionalInt.empty();
        Features features = new Features(true, layersPerCore, true, Optional.empty());
        return new ChipSpec(model.spelling(), "random", cores, resources, model, WEIGHTS, NEURONS, features,
                new Routing(destinations, random.nextBoolean(), OptionalInt.empty(),
                        random.nextBoolean() ? OptionalInt.of(1 + random.nextInt(2)) : OptionalInt.empty()),
                Optional.empty());
    }
}
