package org.snnc.targets.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.FixedPoint.IntegerDecay;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.NeuronFormat;
import org.snnc.targets.spec.WeightFormat;

/**
 * Chooses the integers of one population: its threshold θ, its weight exponent e, the weight mantissas, the
 * current and the decays, by the rules {@link Quantize} states. All rounding is round-half-even ({@link Math#rint}).
 */
final class PopulationQuantizer {

    /** The steps of strongly negative input a membrane should take before it reaches the chip's floor. */
    private static final int HORIZON = 256;

    /**
     * One population of the prepared float graph.
     *
     * @param neurons        the population
     * @param thresholdFloat θ_float, its float threshold (1, or R when it resets to zero)
     * @param weights        the float weights of its synapses, by synapse name, in stored units of their sources
     * @param current        its float current, one value per neuron; all zero when it has none
     * @param zLow           the 0.1th percentile of its input per step in θ, when calibration data is given
     * @param extremes       the most and least synaptic input per neuron and step, for given synapse weights
     */
    record Population(IfNeurons neurons, double thresholdFloat, Map<String, double[]> weights, double[] current,
            OptionalDouble zLow, Function<Map<String, double[]>, double[][]> extremes) {
    }

    /**
     * The integers of a population.
     *
     * @param weights the stored weights m·2^e, by synapse name
     * @param current the stored current, or empty when the population has none or it rounds to zero everywhere
     */
    record Result(long threshold, FixedPoint arithmetic, Map<String, double[]> weights, Optional<double[]> current,
            LayerQuantization layer) {
    }

    /** An upper bound on θ from one resource, with the reason as a clause. */
    private record Cap(String resource, double value, String why) {
    }

    /** θ and e as chosen. */
    private record Choice(long threshold, int exponent) {
    }

    /** The values at one choice: stored weights and current, with what rounding did to them. */
    private record Values(Map<String, double[]> weights, double[] current, long maxMantissa, int clippedWeights,
            int biasExponent, long maxBiasMantissa, int clippedCurrents, double weightError, double biasError) {
    }

    private final ChipSpec chip;
    private final WeightFormat weightFormat;
    private final NeuronFormat neuronFormat;
    private final long step;
    private final long stateMax;
    private final long accumulatorMax;
    /** Membrane LSBs per float unit, when the options pin it ({@link QuantizeOptions#pinnedScale()}). */
    private final OptionalDouble pinnedScale;

    PopulationQuantizer(ChipSpec chip, OptionalDouble pinnedScale) {
        this.pinnedScale = pinnedScale;
        this.chip = chip;
        this.weightFormat = chip.weights();
        this.neuronFormat = chip.neurons();
        this.step = 1L << neuronFormat.thresholdShift();
        this.stateMax = FixedPoint.maxSigned(neuronFormat.stateBits());
        this.accumulatorMax = FixedPoint.maxSigned(neuronFormat.accumulatorBits());
    }

    Result quantize(Population population) {
        double thetaFloat = population.thresholdFloat();
        double maxAbsWeight = population.weights().values().stream().flatMapToDouble(Arrays::stream)
                .map(Math::abs).max().orElse(0);
        double[] b = population.current();
        double[][] extremes = population.extremes().apply(population.weights());
        double gain = currentGain(population.neurons());
        double peak = 0;
        double swing = 0;
        double sink = 0;
        for (int i = 0; i < b.length; i++) {
            double most = decaying(population.neurons())
                    ? currentBound(gain, Math.max(extremes[0][i], -extremes[1][i])) : extremes[0][i];
            peak = Math.max(peak, (most + Math.max(b[i], 0)) / thetaFloat);
            swing = Math.max(swing, Math.max(extremes[0][i], -extremes[1][i]) / thetaFloat);
            sink = Math.max(sink, -b[i] / thetaFloat);
        }
        List<String> notes = new ArrayList<>();
        if (pinnedScale.isPresent()) {
            return pinned(population, pinnedScale.getAsDouble(), maxAbsWeight, peak, swing, notes);
        }
        List<Cap> caps = caps(population, maxAbsWeight, peak, swing, sink, notes);
        Cap binding = caps.stream().min(Comparator.comparingDouble(Cap::value)).orElseThrow();
        long cap = roundDown(binding.value());
        if (cap < step) {
            throw tooSmall(population, binding);
        }
        Choice choice = choose(cap, thetaFloat, maxAbsWeight);
        Values values = valuesAt(choice, population);
        for (Optional<Cap> overflow = overflow(choice, values, population); overflow.isPresent();
                overflow = overflow(choice, values, population)) {
            // Rounding moved the integer sums past a register's range: lower θ in proportion and choose again.
            binding = overflow.get();
            cap = Math.min(choice.threshold() - step, roundDown(binding.value()));
            if (cap < step) {
                throw tooSmall(population, binding);
            }
            choice = choose(cap, thetaFloat, maxAbsWeight);
            values = valuesAt(choice, population);
        }
        return result(population, choice, values, cap, binding.resource(), peak, swing, notes);
    }

    /**
     * The upper bounds on θ: the threshold register, the membrane, the accumulator, the current, and with
     * calibration data the membrane floor, which yields to the full mantissa at the smallest exponent.
     *
     * @param peak  U⁺ in θ
     * @param swing A in θ
     * @param sink  max_i(−b_i) in θ
     */
    private List<Cap> caps(Population population, double maxAbsWeight, double peak, double swing, double sink,
            List<String> notes) {
        double thetaFloat = population.thresholdFloat();
        List<Cap> caps = new ArrayList<>();
        caps.add(new Cap("threshold_bits", neuronFormat.maxThreshold(), "the chip's threshold has "
                + neuronFormat.thresholdBits() + " bits shifted by " + neuronFormat.thresholdShift()));
        caps.add(new Cap("state_bits", stateMax / (1 + peak), format(decaying(population.neurons())
                ? "a membrane below θ plus a synaptic current and a current of up to %.4g θ must fit the %d-bit state"
                : "a membrane below θ plus one step's input of up to %.4g θ must fit the %d-bit state", peak,
                neuronFormat.stateBits())));
        if (swing > 0) {
            caps.add(new Cap("accumulator_bits", accumulatorMax / swing, format("one step's synaptic input of up to "
                    + "%.4g θ must fit the %d-bit accumulator", swing, neuronFormat.accumulatorBits())));
        }
        if (sink > 0) {
            caps.add(new Cap("current", stateMax / sink, format("a current of down to −%.4g θ must fit the %d-bit "
                    + "state", sink, neuronFormat.stateBits())));
        }
        OptionalDouble zLow = population.zLow();
        if (zLow.isEmpty()) {
            notes.add("no calibration data: θ is not capped for the membrane floor");
        } else if (zLow.getAsDouble() < 0 && neuronFormat.membraneFloor().isPresent()) {
            long floor = Math.abs(neuronFormat.membraneFloor().getAsLong());
            double floorCap = floor / (HORIZON * -zLow.getAsDouble());
            long fullAtMinimum = fullMantissaThreshold(weightFormat.exponentMin(), thetaFloat, maxAbsWeight);
            if (floorCap < fullAtMinimum && maxAbsWeight > 0) {
                notes.add(format("the floor would cap θ at %.0f, below %d, where the weights use the full mantissa "
                        + "at the smallest exponent; precision wins, as the floor is the chip's own dynamics",
                        floorCap, fullAtMinimum));
            }
            caps.add(new Cap("floor", Math.max(floorCap, fullAtMinimum), format("input of z_low = %.4g θ per step "
                    + "must take %d steps to reach the membrane floor −%d", zLow.getAsDouble(), HORIZON, floor)));
        }
        return caps;
    }

    /**
     * The largest e whose full-mantissa threshold θ_e lies in [2^shift, cap]; else, when θ_e exceeds the cap, the
     * smallest such e with θ = cap (the mantissas then use fewer bits); else, when even e = exponent_max cannot
     * hold the weights at the smallest threshold, e = exponent_max and θ = 2^shift, and the weights clip.
     */
    private Choice choose(long cap, double thetaFloat, double maxAbsWeight) {
        for (int e = weightFormat.exponentMax(); e >= weightFormat.exponentMin(); e--) {
            long threshold = fullMantissaThreshold(e, thetaFloat, maxAbsWeight);
            if (threshold >= step && threshold <= cap) {
                return new Choice(threshold, e);
            }
        }
        for (int e = weightFormat.exponentMin(); e <= weightFormat.exponentMax(); e++) {
            if (fullMantissaThreshold(e, thetaFloat, maxAbsWeight) > cap) {
                return new Choice(cap, e);
            }
        }
        return new Choice(step, weightFormat.exponentMax());
    }

    /**
     * θ_e = ⌊M·2^e·θ_float / max|w|⌋ rounded down to a multiple of 2^shift: the threshold at which the largest
     * weight's mantissa is M. Unbounded ({@link Long#MAX_VALUE}) when every weight is zero.
     */
    private long fullMantissaThreshold(int exponent, double thetaFloat, double maxAbsWeight) {
        return maxAbsWeight == 0 ? Long.MAX_VALUE
                : roundDown(weightFormat.maxMantissa() * Math.scalb(1.0, exponent) * thetaFloat / maxAbsWeight);
    }

    /** The largest multiple of 2^shift not above {@code value}, saturating far below {@link Long#MAX_VALUE}. */
    private long roundDown(double value) {
        double steps = Math.floor(Math.min(value, 0x1p61) / step);
        return (long) steps * step;
    }

    /**
     * m = clip(rint(w·θ/θ_float / 2^e), ±M), stored as m·2^e; the current c = b·θ/θ_float takes the smallest k in
     * [0, bias_exponent_max] with max|c|/2^k ≤ the largest bias mantissa and is stored as clip(rint(c/2^k))·2^k.
     */
    private Values valuesAt(Choice choice, Population population) {
        double scale = choice.threshold() / population.thresholdFloat();
        double lsb = Math.scalb(1.0, choice.exponent());
        long maxMantissa = weightFormat.maxMantissa();
        Map<String, double[]> weights = new LinkedHashMap<>();
        long largest = 0;
        int clipped = 0;
        double error = 0;
        double norm = 0;
        for (Map.Entry<String, double[]> synapse : population.weights().entrySet()) {
            double[] w = synapse.getValue();
            double[] stored = new double[w.length];
            for (int k = 0; k < w.length; k++) {
                double target = w[k] * scale;
                double m = Math.rint(target / lsb);
                if (Math.abs(m) > maxMantissa) {
                    m = Math.signum(m) * maxMantissa;
                    clipped++;
                }
                largest = Math.max(largest, (long) Math.abs(m));
                stored[k] = m * lsb;
                error += (target - stored[k]) * (target - stored[k]);
                norm += target * target;
            }
            weights.put(synapse.getKey(), stored);
        }
        double[] c = population.current().clone();
        Arrays.setAll(c, i -> c[i] * scale);
        double maxAbsCurrent = Arrays.stream(c).map(Math::abs).max().orElse(0);
        long maxBias = neuronFormat.maxBiasMantissa();
        int k = 0;
        while (k < neuronFormat.biasExponentMax() && maxAbsCurrent / Math.scalb(1.0, k) > maxBias) {
            k++;
        }
        double biasLsb = Math.scalb(1.0, k);
        double[] current = new double[c.length];
        long largestBias = 0;
        int clippedCurrents = 0;
        double biasError = 0;
        double biasNorm = 0;
        for (int i = 0; i < c.length; i++) {
            double m = Math.rint(c[i] / biasLsb);
            if (Math.abs(m) > maxBias) {
                m = Math.signum(m) * maxBias;
                clippedCurrents++;
            }
            largestBias = Math.max(largestBias, (long) Math.abs(m));
            current[i] = m * biasLsb;
            biasError += (c[i] - current[i]) * (c[i] - current[i]);
            biasNorm += c[i] * c[i];
        }
        return new Values(weights, current, largest, clipped, k, largestBias, clippedCurrents,
                norm == 0 ? 0 : Math.sqrt(error / norm), biasNorm == 0 ? 0 : Math.sqrt(biasError / biasNorm));
    }

    /**
     * The first register that the stored integers can overflow, as a cap that would fit it: the membrane
     * θ + max_i(most_i + max(c_i, 0)) ≤ 2^(state−1)−1, the accumulator max_i max(most_i, −least_i) ≤
     * 2^(acc−1)−1 and the current |c_i| ≤ 2^(state−1)−1, each with the integer weights. The caps chosen from the
     * float weights keep these unless rounding adds a few LSBs.
     */
    private Optional<Cap> overflow(Choice choice, Values values, Population population) {
        double[][] extremes = population.extremes().apply(values.weights());
        boolean decaying = decaying(population.neurons());
        double gain = currentGain(population.neurons());
        double membrane = 0;
        double accumulator = 0;
        double current = 0;
        for (int i = 0; i < values.current().length; i++) {
            double most = decaying ? Math.ceil(currentBound(gain, Math.max(extremes[0][i], -extremes[1][i])))
                    : extremes[0][i];
            membrane = Math.max(membrane, most + Math.max(values.current()[i], 0));
            accumulator = Math.max(accumulator, Math.max(extremes[0][i], -extremes[1][i]));
            current = Math.max(current, Math.abs(values.current()[i]));
        }
        long theta = choice.threshold();
        List<Cap> overflows = new ArrayList<>();
        if (theta + membrane > stateMax) {
            overflows.add(new Cap("state_bits", theta * (stateMax / (theta + membrane)), format("θ plus %s %.0f must "
                    + "fit the %d-bit state", decaying ? "the synaptic current's bound and the current"
                    : "one step's rounded input", membrane, neuronFormat.stateBits())));
        }
        if (accumulator > accumulatorMax) {
            overflows.add(new Cap("accumulator_bits", theta * (accumulatorMax / accumulator), format("one step's "
                    + "rounded synaptic input %.0f must fit the %d-bit accumulator", accumulator,
                    neuronFormat.accumulatorBits())));
        }
        if (current > stateMax) {
            overflows.add(new Cap("current", theta * (stateMax / current), format("the rounded current %.0f must "
                    + "fit the %d-bit state", current, neuronFormat.stateBits())));
        }
        return overflows.stream().min(Comparator.comparingDouble(Cap::value));
    }

    private Result result(Population population, Choice choice, Values values, long cap, String capResource,
            double peak, double swing, List<String> notes) {
        IfNeurons neurons = population.neurons();
        List<String> warnings = new ArrayList<>();
        if (values.clippedWeights() > 0) {
            warnings.add(clipped(neurons, format("%d weights exceed the %d-bit mantissa at the largest exponent %d "
                    + "and were clipped to ±%d", values.clippedWeights(), weightFormat.bits(), choice.exponent(),
                    weightFormat.maxMantissa())));
        }
        if (values.clippedCurrents() > 0) {
            warnings.add(clipped(neurons, format("%d current values exceed the %d-bit bias mantissa at the largest "
                    + "exponent %d and were clipped to ±%d·2^%d", values.clippedCurrents(), neuronFormat.biasBits(),
                    values.biasExponent(), neuronFormat.maxBiasMantissa(), values.biasExponent())));
        }
        boolean hasCurrent = Arrays.stream(population.current()).anyMatch(c -> c != 0);
        boolean storedCurrent = Arrays.stream(values.current()).anyMatch(c -> c != 0);
        Double zLow = population.zLow().isPresent() ? population.zLow().getAsDouble() : null;
        Double floorSteps = zLow != null && zLow < 0 && neuronFormat.membraneFloor().isPresent()
                ? Math.abs(neuronFormat.membraneFloor().getAsLong()) / (choice.threshold() * -zLow) : null;
        long threshold = pinnedScale.isPresent() ? choice.threshold() : storedThreshold(choice.threshold(), notes);
        LayerQuantization layer = new LayerQuantization(neurons.name(), choice.threshold(), choice.exponent(),
                bitsUsed(values.maxMantissa()), hasCurrent ? values.biasExponent() : 0,
                hasCurrent ? bitsUsed(values.maxBiasMantissa()) : 0, values.weightError(), values.biasError(),
                values.clippedWeights() + values.clippedCurrents() > 0, peak, swing, zLow, floorSteps, cap,
                capResource, notes, warnings);
        FixedPoint arithmetic = new FixedPoint(weightFormat.bits(), choice.exponent(),
                neuronFormat.accumulatorBits(), neuronFormat.stateBits(), neuronFormat.overflow(),
                neuronFormat.membraneFloor(), neuronFormat.fire(), neurons.decay().map(IntegerDecay::of));
        return new Result(threshold, arithmetic, values.weights(),
                storedCurrent ? Optional.of(values.current()) : Optional.empty(), layer);
    }

    /**
     * The threshold register's value for the chosen θ. A chip that fires on v &gt; θ′ fires at v ≥ θ′ + 1, so it
     * stores θ′ = θ − 2^shift: exact when the shift is 0, one register step early otherwise, instead of one whole
     * extra input too late (an average pool of four inputs whose weights are θ/4 would need a fifth).
     */
    private long storedThreshold(long theta, List<String> notes) {
        if (neuronFormat.fire() != FireComparison.GT || theta < 2 * step) {
            return theta;
        }
        notes.add(format("the chip fires on v > θ: θ %d is stored as %d", theta, theta - step));
        return theta - step;
    }

    /**
     * The numbers at a pinned scale s: θ = rint(θ_float·s / 2^shift)·2^shift, stored as it is whatever the chip's
     * comparison (the source fires as the chip does), and e the smallest exponent at which max|w·s|/2^e fits the
     * mantissa (the largest when none does, and the weights clip): weights on the grid s·2^e·ℤ are then exact. No
     * register bound lowers θ: a pinned population that can overflow is refused (E0908).
     */
    private Result pinned(Population population, double scale, double maxAbsWeight, double peak, double swing,
            List<String> notes) {
        double thetaFloat = population.thresholdFloat();
        long theta = Math.max(step, (long) Math.rint(thetaFloat * scale / step) * step);
        if (theta != thetaFloat * scale) {
            notes.add(format("the pinned scale %.6g makes θ %.6g, stored as %d", scale, thetaFloat * scale, theta));
        }
        int exponent = weightFormat.exponentMin();
        while (exponent < weightFormat.exponentMax()
                && maxAbsWeight * scale / Math.scalb(1.0, exponent) > weightFormat.maxMantissa()) {
            exponent++;
        }
        notes.add(format("the scale is pinned at %.6g membrane LSBs per unit", scale));
        Choice choice = new Choice(theta, exponent);
        Values values = valuesAt(choice, population);
        Optional<Cap> overflow = overflow(choice, values, population);
        if (overflow.isPresent()) {
            throw Synapses.notQuantizable(population.neurons(), chip.name(), format("at the pinned scale %.6g, %s "
                    + "(%s)", scale, overflow.get().why(), overflow.get().resource()));
        }
        if (theta > neuronFormat.maxThreshold()) {
            throw Synapses.notQuantizable(population.neurons(), chip.name(), format("at the pinned scale %.6g, θ = %d "
                    + "exceeds the chip's largest threshold %d", scale, theta, neuronFormat.maxThreshold()));
        }
        return result(population, choice, values, theta, "pinned", peak, swing, notes);
    }

    private static boolean decaying(IfNeurons neurons) {
        return neurons.decay().isPresent();
    }

    /**
     * How many steps' synaptic input a CUBA population's current u can hold: |u| ≤ A·4096/δu, as the truncated decay
     * keeps at most (4096 − δu)/4096 of |u| each step; unbounded when δu rounds to 0. 1 without a decay (u = a).
     */
    private static double currentGain(IfNeurons neurons) {
        if (neurons.decay().isEmpty()) {
            return 1;
        }
        int delta = IntegerDecay.of(neurons.decay().get()).current();
        return delta == 0 ? Double.POSITIVE_INFINITY : (double) IntegerDecay.ONE / delta;
    }

    /** The bound on |u| for inputs of magnitude up to {@code largest}: gain·largest, and 0 without input. */
    private static double currentBound(double gain, double largest) {
        return largest == 0 ? 0 : gain * largest;
    }

    /** ⌈log2(max|m| + 1)⌉ + 1: the magnitude's bits and a sign bit. */
    private static int bitsUsed(long maxMagnitude) {
        return 64 - Long.numberOfLeadingZeros(maxMagnitude) + 1;
    }

    private String clipped(IfNeurons neurons, String what) {
        return DiagnosticCode.QUANTIZATION_CLIPPED.at(neurons.span(), neurons.name(), what).format();
    }

    private RuntimeException tooSmall(Population population, Cap binding) {
        return Synapses.notQuantizable(population.neurons(), chip.name(), format("θ must be at most %.4g because %s "
                + "(%s), but the smallest threshold is %d", binding.value(), binding.why(), binding.resource(), step));
    }

    private static String format(String template, Object... args) {
        return String.format(Locale.ROOT, template, args);
    }
}
