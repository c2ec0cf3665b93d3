package org.snnc.targets.quant;

import java.util.List;

/**
 * What the quantize pass chose for one population, and how well the integers hold the float network. Thresholds,
 * currents and weights are in membrane LSBs; input bounds and z_low are in thresholds (multiples of θ). The record
 * components are camelCase so that reports write them as snake_case keys.
 *
 * @param population       the population's name
 * @param threshold        θ, an integer multiple of 2^threshold_shift: the scale of the weights and the current (a chip
 *                         that fires on v &gt; θ′ stores θ′ = θ − 2^threshold_shift, as the notes say)
 * @param weightExponent   e: every weight into the population is m·2^e
 * @param weightBits       the bits the largest mantissa uses, sign included: ⌈log2(max|m| + 1)⌉ + 1
 * @param biasExponent     k: every current value is a bias mantissa times 2^k (0 without a current)
 * @param biasBits         the bits the largest bias mantissa uses, sign included (0 without a current)
 * @param weightError      ‖w − ŵ‖₂ / ‖w‖₂ over the population's synapses, ŵ the quantized weights (0 if w = 0)
 * @param biasError        the same for the current (0 without a current)
 * @param clipped          whether any weight or current was clipped to its mantissa's range
 * @param maxStepInput     U⁺: the most one step's synaptic input and current can add to a membrane, in θ
 * @param maxSynapticInput A: the largest magnitude one step's synaptic input can reach, in θ
 * @param zLow             the 0.1th percentile of the population's input per step on the calibration images, in θ;
 *                         null without calibration data
 * @param floorSteps       |floor| / (θ·|z_low|): how many steps of input z_low take the membrane from 0 to the
 *                         chip's floor; null when z_low is unknown or not negative, or the chip has no floor
 * @param thresholdCap     the largest θ the chip allows this population; θ is below it when the weights reach the
 *                         full mantissa at a smaller threshold
 * @param limitedBy        what set the cap: {@code threshold_bits}, {@code state_bits}, {@code accumulator_bits},
 *                         {@code current} (the current must fit the state), {@code floor}, or {@code pinned} when
 *                         the options pin the scale ({@link QuantizeOptions#pinnedScale()})
 * @param notes            remarks on how θ was chosen
 * @param warnings         the W0909 diagnostics of clipped values, formatted
 */
public record LayerQuantization(
        String population,
        long threshold,
        int weightExponent,
        int weightBits,
        int biasExponent,
        int biasBits,
        double weightError,
        double biasError,
        boolean clipped,
        double maxStepInput,
        double maxSynapticInput,
        Double zLow,
        Double floorSteps,
        long thresholdCap,
        String limitedBy,
        List<String> notes,
        List<String> warnings) {

    public LayerQuantization {
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }
}
