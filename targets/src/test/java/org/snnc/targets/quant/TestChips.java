package org.snnc.targets.quant;

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
import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.spec.Features;
import org.snnc.targets.spec.MemoryModel;
import org.snnc.targets.spec.NeuronFormat;
import org.snnc.targets.spec.Routing;
import org.snnc.targets.spec.WeightFormat;

/**
 * Chip specs for the quantization tests, built as records (the built-in JSON specs are loaded elsewhere). Only the
 * weight and neuron formats and the gate feature matter to quantization; the rest is one roomy core.
 */
final class TestChips {

    private TestChips() {
    }

    /** 8-bit weights with e ∈ [0, 7], 23-bit thresholds, 24-bit state, saturating, floor −2^23, both resets. */
    static ChipSpec generic() {
        return chip("generic", new WeightFormat(8, 0, 7),
                new NeuronFormat(23, 0, 24, 0, 24, 24, Overflow.SATURATE, OptionalLong.of(-(1L << 23)),
                        FireComparison.GE, Set.of(ResetMode.SUBTRACT, ResetMode.ZERO)),
                true);
    }

    /**
     * Loihi 1 as nengo-loihi models it: 8-bit weights with e ∈ [0, 14], 17-bit thresholds shifted by 6, 13-bit
     * biases with k ≤ 7, a 22-bit accumulator and 24-bit state that wrap, floor −2^23+1, gt, reset to zero only.
     */
    static ChipSpec loihi() {
        return chip("loihi", new WeightFormat(8, 0, 14),
                new NeuronFormat(17, 6, 13, 7, 22, 24, Overflow.WRAP, OptionalLong.of(-(1L << 23) + 1),
                        FireComparison.GT, Set.of(ResetMode.ZERO)),
                false);
    }

    /** DYNAP-CNN/Speck: 8-bit weights at e = 0, 15-bit thresholds, 16-bit bias, accumulator and state, no gate. */
    static ChipSpec speck() {
        return chip("speck", new WeightFormat(8, 0, 0),
                new NeuronFormat(15, 0, 16, 0, 16, 16, Overflow.SATURATE, OptionalLong.of(-32768),
                        FireComparison.GE, Set.of(ResetMode.SUBTRACT, ResetMode.ZERO)),
                false);
    }

    /**
     * A random chip: weights of 2 to 10 bits with a random exponent range, thresholds of 4 to 24 bits shifted by up
     * to 6, biases of 2 to 24 bits, accumulator and state of 8 to 32 bits. Small networks fit most of them.
     */
    static ChipSpec random(Random random) {
        int exponentMin = random.nextInt(3);
        int state = 8 + random.nextInt(25);
        return chip("random", new WeightFormat(2 + random.nextInt(9), exponentMin, exponentMin + random.nextInt(9)),
                new NeuronFormat(4 + random.nextInt(21), random.nextInt(7), 2 + random.nextInt(23), random.nextInt(9),
                        8 + random.nextInt(25), state, random.nextBoolean() ? Overflow.SATURATE : Overflow.WRAP,
                        random.nextBoolean() ? OptionalLong.of(-(1L << (state - 1)) + random.nextInt(2))
                                : OptionalLong.empty(),
                        random.nextBoolean() ? FireComparison.GE : FireComparison.GT,
                        Set.of(ResetMode.SUBTRACT, ResetMode.ZERO)),
                true);
    }

    private static ChipSpec chip(String name, WeightFormat weights, NeuronFormat neurons, boolean maxPoolGate) {
        return new ChipSpec(name, name + "-like test chip", 1,
                List.of(new CoreResources(1 << 20, 1 << 20, 1 << 20, 1L << 30, 1 << 20)), MemoryModel.ENTRIES,
                weights, neurons, new Features(maxPoolGate, OptionalInt.empty(), true, Optional.empty()),
                new Routing(OptionalInt.empty(), true), Optional.empty());
    }
}
