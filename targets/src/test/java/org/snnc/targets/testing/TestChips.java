package org.snnc.targets.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
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
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.targets.spec.ConvLimits;
import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.spec.Features;
import org.snnc.targets.spec.MemoryModel;
import org.snnc.targets.spec.NeuronFormat;
import org.snnc.targets.spec.Routing;
import org.snnc.targets.spec.WeightFormat;

/**
 * The chip specs every module's tests build in code. {@link #generic()}, {@link #loihi()} and {@link #speck()} have
 * the built-in targets' cores and number formats; the variants change the cores. Three random chips serve three
 * kinds of property: {@link #randomFormats} varies only the number formats, on one roomy core (quantization);
 * {@link #randomCores} varies only the cores, with generic's formats (mapping); {@link #random} varies both within what
 * a quantized network can meet (whole compilations).
 */
public final class TestChips {

    public static final int KI = 1024;
    public static final ConvLimits SPECK_LIMITS = new ConvLimits(16, List.of(1, 2, 4, 8), 7, 1024, 128, 64);

    /** 8-bit weights with e ∈ [0, 7]. */
    private static final WeightFormat GENERIC_WEIGHTS = new WeightFormat(8, 0, 7);
    /** 23-bit thresholds, 24-bit biases and state, saturating, floor −2^23, fires at θ, both resets. */
    private static final NeuronFormat GENERIC_NEURONS = new NeuronFormat(23, 0, 24, 0, 24, 24, Overflow.SATURATE,
            OptionalLong.of(-(1L << 23)), FireComparison.GE, Set.of(ResetMode.SUBTRACT, ResetMode.ZERO));
    /**
     * Loihi 1 as nengo-loihi models it: 8-bit weights with e ∈ [0, 14], 17-bit thresholds shifted by 6, 13-bit
     * biases with k ≤ 7, a 22-bit accumulator and 24-bit state that wrap, floor −2^23+1, gt, reset to zero only.
     */
    private static final WeightFormat LOIHI_WEIGHTS = new WeightFormat(8, 0, 14);
    private static final NeuronFormat LOIHI_NEURONS = new NeuronFormat(17, 6, 13, 7, 22, 24, Overflow.WRAP,
            OptionalLong.of(-(1L << 23) + 1), FireComparison.GT, Set.of(ResetMode.ZERO));
    /** DYNAP-CNN/Speck: 8-bit weights at e = 0, 15-bit thresholds, 16-bit bias, accumulator and state. */
    private static final WeightFormat SPECK_WEIGHTS = new WeightFormat(8, 0, 0);
    private static final NeuronFormat SPECK_NEURONS = new NeuronFormat(15, 0, 16, 0, 16, 16, Overflow.SATURATE,
            OptionalLong.of(-32768), FireComparison.GE, Set.of(ResetMode.SUBTRACT, ResetMode.ZERO));

    private TestChips() {
    }

    /** 128 cores × {1024 neurons, 4096 input and output axons, 65536 synapse entries, 1024 biases}. */
    public static ChipSpec generic() {
        return generic(128, new CoreResources(1024, 4096, 4096, 65536, 1024));
    }

    /** A generic chip of {@code cores} equal cores: entries model, layers split, gates, self routes. */
    public static ChipSpec generic(int cores, CoreResources core) {
        return generic(cores, core, new Routing(OptionalInt.empty(), true));
    }

    /** {@link #generic(int, CoreResources)} with {@code routing}. */
    public static ChipSpec generic(int cores, CoreResources core, Routing routing) {
        return chip("generic", MemoryModel.ENTRIES, cores, core, new Features(true, OptionalInt.empty(), true,
                Optional.empty()), routing);
    }

    /**
     * 128 Loihi cores (1024 compartments, 4096 axons each way, 16384 × 64 bits of synapse memory) with Loihi's number
     * formats, and a gate, so that the mapping tests put gated networks on Loihi's memory model.
     */
    public static ChipSpec loihi() {
        return new ChipSpec("loihi", "test", 128, Collections.nCopies(128,
                new CoreResources(1024, 4096, 4096, 1048576, 1024)), MemoryModel.LOIHI_BLOCKS, LOIHI_WEIGHTS,
                LOIHI_NEURONS, new Features(true, OptionalInt.empty(), true, Optional.empty()),
                new Routing(OptionalInt.empty(), true), Optional.empty());
    }

    /** Speck: 9 cores with sinabs' neuron and kernel memories, one layer per core, two destinations, no gate. */
    public static ChipSpec speck() {
        int[] neurons = {64, 64, 64, 32, 32, 16, 16, 16, 16};
        int[] kernels = {16, 16, 16, 32, 32, 64, 64, 16, 16};
        List<CoreResources> cores = new ArrayList<>();
        for (int c = 0; c < 9; c++) {
            cores.add(speckCore(neurons[c] * KI, kernels[c] * KI));
        }
        return speck(cores, 2);
    }

    /** A Speck-like chip of {@code cores}, each sending to at most {@code destinations} cores. */
    public static ChipSpec speck(List<CoreResources> cores, int destinations) {
        return new ChipSpec("speck", "test", cores.size(), cores, MemoryModel.SPECK_PADDED, SPECK_WEIGHTS,
                SPECK_NEURONS, new Features(false, OptionalInt.of(1), false, Optional.of(SPECK_LIMITS)),
                new Routing(OptionalInt.of(destinations), false), Optional.empty());
    }

    /** A Speck core of {@code neurons} neurons and {@code kernel} kernel entries. */
    public static CoreResources speckCore(long neurons, long kernel) {
        return new CoreResources(neurons, 1L << 24, 1L << 24, kernel, 1024);
    }

    /** A chip of {@code cores} equal cores with generic's number formats. */
    public static ChipSpec chip(String name, MemoryModel model, int cores, CoreResources core, Features features,
            Routing routing) {
        return new ChipSpec(name, "test", cores, Collections.nCopies(cores, core), model, GENERIC_WEIGHTS,
                GENERIC_NEURONS, features, routing, Optional.empty());
    }

    /**
     * A random chip of generic's number formats: an entries or Loihi-memory one of 1 to 48 small cores (random limits per chip, each core up to
     * a quarter above them; random layers per core, destinations and self routes), or a Speck-like one of 4 to 12
     * cores with random memories.
     */
    public static ChipSpec randomCores(Random random) {
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
        return new ChipSpec(model.spelling(), "random", cores, resources, model, GENERIC_WEIGHTS, GENERIC_NEURONS,
                features,
                new Routing(destinations, random.nextBoolean(), OptionalInt.empty(),
                        random.nextBoolean() ? OptionalInt.of(1 + random.nextInt(2)) : OptionalInt.empty()),
                Optional.empty());
    }

    /**
     * A random chip: weights of 2 to 10 bits with a random exponent range, thresholds of 4 to 24 bits shifted by up
     * to 6, biases of 2 to 24 bits, accumulator and state of 8 to 32 bits. Small networks fit most of them.
     */
    public static ChipSpec randomFormats(Random random) {
        int exponentMin = random.nextInt(3);
        int state = 8 + random.nextInt(25);
        return roomy(new WeightFormat(2 + random.nextInt(9), exponentMin, exponentMin + random.nextInt(9)),
                new NeuronFormat(4 + random.nextInt(21), random.nextInt(7), 2 + random.nextInt(23), random.nextInt(9),
                        8 + random.nextInt(25), state, random.nextBoolean() ? Overflow.SATURATE : Overflow.WRAP,
                        random.nextBoolean() ? OptionalLong.of(-(1L << (state - 1)) + random.nextInt(2))
                                : OptionalLong.empty(),
                        random.nextBoolean() ? FireComparison.GE : FireComparison.GT,
                        Set.of(ResetMode.SUBTRACT, ResetMode.ZERO)));
    }

    /** One roomy core with these formats and a gate: a chip that any small network fits, for quantization. */
    private static ChipSpec roomy(WeightFormat weights, NeuronFormat neurons) {
        return new ChipSpec("random", "random formats on one roomy core", 1,
                List.of(new CoreResources(1 << 20, 1 << 20, 1 << 20, 1L << 30, 1 << 20)), MemoryModel.ENTRIES,
                weights, neurons, new Features(true, OptionalInt.empty(), true, Optional.empty()),
                new Routing(OptionalInt.empty(), true), Optional.empty());
    }


    /**
     * A random chip for whole compilations: random number formats that a quantized network can meet (weights of 4 to
     * 8 bits, registers wide enough for them, 1 to 3 resets), and random cores of the entries, Loihi or Speck memory
     * model, a third of them small enough that layers are split. It survives the chip spec's own writer and reader.
     */
    public static ChipSpec random(Random random) {
        int kind = random.nextInt(3);
        MemoryModel model = kind == 0 ? MemoryModel.ENTRIES : kind == 1 ? MemoryModel.LOIHI_BLOCKS
                : MemoryModel.SPECK_PADDED;
        WeightFormat weights = new WeightFormat(4 + random.nextInt(5), 0, 0);
        int exponentMin = random.nextInt(4) == 0 ? random.nextInt(3) : 0;
        int exponentMax = model == MemoryModel.SPECK_PADDED && random.nextBoolean() ? exponentMin
                : exponentMin + random.nextInt(12);
        weights = new WeightFormat(weights.bits(), exponentMin, exponentMax);
        int needed = weights.bits() + exponentMax;
        int stateBits = Math.max(needed, 14) + random.nextInt(14);
        int accumulatorBits = needed + random.nextInt(stateBits - needed + 1);
        int thresholdShift = random.nextInt(4) == 0 ? random.nextInt(7) : 0;
        int thresholdBits = 8 + random.nextInt(Math.max(1, stateBits - 1 - thresholdShift - 8 + 1));
        thresholdBits = Math.min(thresholdBits, stateBits - 1 - thresholdShift);
        int biasExponentMax = random.nextInt(3) == 0 ? random.nextInt(8) : 0;
        int biasBits = Math.max(4, stateBits - biasExponentMax - random.nextInt(8));
        biasBits = Math.min(biasBits, stateBits - biasExponentMax);
        OptionalLong floor = random.nextBoolean() ? OptionalLong.empty()
                : OptionalLong.of(-(1L << (stateBits - 1)) + random.nextInt(2));
        Set<ResetMode> resets = switch (random.nextInt(3)) {
            case 0 -> EnumSet.of(ResetMode.SUBTRACT);
            case 1 -> EnumSet.of(ResetMode.ZERO);
            default -> EnumSet.allOf(ResetMode.class);
        };
        NeuronFormat neurons = new NeuronFormat(thresholdBits, thresholdShift, biasBits, biasExponentMax,
                accumulatorBits, stateBits, random.nextBoolean() ? Overflow.SATURATE : Overflow.WRAP, floor,
                random.nextBoolean() ? FireComparison.GE : FireComparison.GT, resets);
        ChipSpec spec = model == MemoryModel.SPECK_PADDED ? speckLike(random, weights, neurons)
                : coreChip(random, model, weights, neurons);
        ChipSpec parsed = ChipSpecs.parse(ChipSpecs.toJson(spec), "random.json");
        assertEquals(spec, parsed, "the random chip spec must survive its own writer and reader");
        return parsed;
    }

    private static ChipSpec coreChip(Random random, MemoryModel model, WeightFormat weights,
            NeuronFormat neurons) {
        int cores = 2 + random.nextInt(63);
        // a third of the chips have small cores, over which layers are split
        int neuronsPerCore = random.nextInt(3) == 0 ? 16 + random.nextInt(64)
                : 48 + random.nextInt(random.nextBoolean() ? 160 : 700);
        int inputAxons = 256 + random.nextInt(4000);
        int outputAxons = 256 + random.nextInt(4000);
        long synapseScale = model == MemoryModel.ENTRIES ? 1 : 64;
        int synapses = 2000 + random.nextInt(random.nextBoolean() ? 8000 : 70000);
        List<CoreResources> resources = new ArrayList<>();
        for (int c = 0; c < cores; c++) {
            long coreNeurons = neuronsPerCore + (random.nextInt(3) == 0 ? random.nextInt(neuronsPerCore / 4) : 0);
            resources.add(new CoreResources(coreNeurons, inputAxons + random.nextInt(inputAxons / 4 + 1),
                    outputAxons + random.nextInt(outputAxons / 4 + 1),
                    synapseScale * (synapses + random.nextInt(synapses / 4 + 1)),
                    coreNeurons - (random.nextInt(4) == 0 ? random.nextInt((int) coreNeurons / 2) : 0)));
        }
        OptionalInt layersPerCore = random.nextInt(3) == 0 ? OptionalInt.of(1 + random.nextInt(3))
                : OptionalInt.empty();
        OptionalInt destinations = random.nextInt(3) == 0 ? OptionalInt.of(2 + random.nextInt(6))
                : OptionalInt.empty();
        Features features = new Features(random.nextInt(3) > 0, layersPerCore, random.nextInt(6) > 0,
                Optional.empty());
        return new ChipSpec("random-" + model.spelling(), "a random test chip", cores, resources, model,
                weights, neurons, features, new Routing(destinations, random.nextBoolean(),
                        random.nextInt(3) == 0 ? OptionalInt.of(2 + random.nextInt(3)) : OptionalInt.empty(),
                        random.nextBoolean() ? OptionalInt.of(1 + random.nextInt(2)) : OptionalInt.empty()),
                Optional.empty());
    }

    private static ChipSpec speckLike(Random random, WeightFormat weights, NeuronFormat neurons) {
        int cores = 4 + random.nextInt(9);
        List<CoreResources> resources = new ArrayList<>();
        for (int c = 0; c < cores; c++) {
            resources.add(new CoreResources((long) KI << random.nextInt(6), 1L << 20, 1L << 20,
                    (long) KI << random.nextInt(7), 256 + random.nextInt(1024)));
        }
        ConvLimits limits = random.nextBoolean() ? new ConvLimits(16, List.of(1, 2, 4, 8), 7, 1024, 128, 64)
                : new ConvLimits(3 + random.nextInt(3), List.of(1, 2), 1 + random.nextInt(2), 64, 32, 32);
        Features features = new Features(false, OptionalInt.of(1), false, Optional.of(limits));
        return new ChipSpec("random-speck", "a random speck-like test chip", cores, resources,
                MemoryModel.SPECK_PADDED, weights, neurons, features,
                new Routing(OptionalInt.of(2 + random.nextInt(3)), false), Optional.empty());
    }
}
