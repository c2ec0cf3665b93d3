package org.snnc.emulator.config;

import java.util.List;
import java.util.Optional;

/**
 * A validated chip configuration (`snnc-config` version 2, its boxes expanded into runs), as the emulator reads it: only what the step needs. Every
 * record of this package is built by {@link ConfigurationLoader} after the whole file passed its checks; the arrays
 * they hold are never modified.
 */
public record Configuration(
        String network,
        int chipCores,
        WeightFormat weights,
        NeuronFormat neurons,
        InputSpec input,
        List<Layer> layers,
        List<Kernel> kernels,
        List<GateUnit> gates,
        List<Core> cores,
        List<Route> inputRoutes,
        Readout readout) {

    /** The chip's weight format: signed mantissas of {@code bits} bits, exponents in [min, max]. */
    public record WeightFormat(int bits, int exponentMin, int exponentMax) {}

    /**
     * The chip's neuron registers and dynamics (chip-spec.md, "Neurons"); {@code cubaDecay} is the chip's
     * {@code features.cuba_decay}, which neuron blocks with decays need.
     */
    public record NeuronFormat(
            int thresholdBits,
            int thresholdShift,
            int biasBits,
            int biasExponentMax,
            int accumulatorBits,
            int stateBits,
            boolean saturate,
            boolean hasMembraneFloor,
            long membraneFloor,
            boolean fireAtThreshold,
            boolean subtractResetAllowed,
            boolean zeroResetAllowed,
            boolean cubaDecay) {}

    /**
     * The encoder: its source name (what routes and axons call it), shape and element type, and how its values enter
     * the chip. With {@link InputEncoding#SEQUENCE}, every element delivers at most {@code maxEvents} events a step
     * (0 for the analog input, which has no such bound).
     */
    public record InputSpec(String name, int[] shape, String dtype, InputEncoding encoding, int maxEvents) {}

    /** How the input enters the chip (docs/configuration.md, "Units and arithmetic: the step"). */
    public enum InputEncoding {
        /** One image of raw values, multiplied into the first synapses as a constant current every step. */
        ANALOG,
        /**
         * Frames x[0 … T_x − 1] of event counts: at step t (from 1) element k sends x[t−1][k] events through the
         * first synapses, which reach their neurons in that same step; after the last frame the input is silent.
         */
        SEQUENCE
    }

    /** A population: neurons numbered in flat C order over {@code shape}, held by {@code cores}. */
    public record Layer(String name, int[] shape, int[] cores) {}

    /** A shared convolution kernel plus its geometry; mantissas in [F, C/groups, kh, kw] order. */
    public record Kernel(
            String name,
            String source,
            String target,
            int[] inputShape,
            int[] outputShape,
            int[] kernel,
            int[] stride,
            int[] padding,
            int groups,
            int exponent,
            long[] mantissas) {}

    /** A max-pool gate unit: windows over {@code population}, one output per element of {@code shape}. */
    public record GateUnit(String name, String population, int[] shape, int[] kernel, int[] stride, int[] padding) {}

    /** One core: its neuron blocks, gate outputs, input axons, synapses and routes. */
    public record Core(
            int id,
            List<NeuronBlock> neurons,
            List<GateBlock> gates,
            List<AxonBlock> axons,
            List<Synapse> synapses,
            List<Route> routes) {}

    /**
     * Neurons [first, first+count) of {@code layer}, with their threshold, initial membrane, reset and bias; a
     * {@code replica} block
     * copies neurons another core owns, for this core's gates to read, and is never routed. {@code decayU} and
     * {@code decayV} are the 12-bit decays δu, δv of a CUBA compartment (docs/configuration.md, "The step").
     */
    public record NeuronBlock(
            String layer,
            int first,
            int count,
            long threshold,
            long initialMembrane,
            boolean resetToZero,
            int weightExponent,
            boolean biasPerChannel,
            int biasExponent,
            long[] biasMantissas,
            boolean replica,
            int decayU,
            int decayV) {

        /**
         * Whether the neurons are CUBA compartments rather than integrate-and-fire: δu = 4096, δv = 0 (what a block
         * without {@code decay_u}, {@code decay_v} has) is integrate-and-fire exactly.
         */
        public boolean decays() {
            return decayU != DECAY_ONE || decayV != 0;
        }
    }

    /** A decay of 1 in the 12-bit decays {@code decay_u}, {@code decay_v}: 2^12. */
    public static final int DECAY_ONE = 1 << 12;

    /** Gate outputs [first, first+count) of gate unit {@code unit}. */
    public record GateBlock(String unit, int first, int count) {}

    /** Input axons [axonFirst, axonFirst+count) carry elements [sourceFirst, sourceFirst+count) of {@code source}. */
    public record AxonBlock(String source, int sourceFirst, int count, int axonFirst) {}

    /**
     * A projection into the core's neurons: a convolution naming its {@code kernel}, or the dense rows
     * [rowsFirst, rowsFirst+rows) of a matrix with {@code inputs} mantissas each.
     */
    public record Synapse(
            boolean dense,
            String name,
            String source,
            String target,
            String kernel,
            int rowsFirst,
            int rows,
            int inputs,
            int exponent,
            long[] mantissas) {}

    /** Elements [sourceFirst, sourceFirst+count) of {@code source} go to axons [axonFirst, …) of {@code core}. */
    public record Route(String source, int sourceFirst, int count, int core, int axonFirst) {}

    /** How a class is read off the output population. */
    public enum ReadoutMode { MEMBRANE, SPIKECOUNT }

    /**
     * The steps the readout's scores integrate: with S(t) the score after step t and S(0) before the first, the class
     * at step t is the argmax of S(t) − S(s), s = 0 ({@code ALL}) or ⌊t/2⌋ ({@code HALF}).
     */
    public enum ReadoutWindow {
        ALL, HALF;

        /** s for step t. */
        public int start(int t) {
            return this == HALF ? t / 2 : 0;
        }
    }

    /**
     * The readout: the population whose neurons are the classes, the mode, the window its scores integrate, and the
     * host's early exit when the configuration asks for one.
     */
    public record Readout(String name, String population, ReadoutMode mode, ReadoutWindow window,
            Optional<EarlyExit> earlyExit) {}

    /**
     * The host's early exit (docs/configuration.md, "Early exit"): an image stops after the first step t at which the
     * membrane readout's margin, the top score minus the runner-up's, has been at least {@code margin} membrane LSBs
     * in each of the {@code steps} steps t − steps + 1 … t. Its class is then the one read off at t, and nothing of
     * later steps is counted.
     */
    public record EarlyExit(long margin, int steps) {
        public EarlyExit {
            if (margin < 0 || steps < 1) {
                throw new IllegalArgumentException("an early exit needs a margin ≥ 0 and steps ≥ 1, got " + margin
                        + " and " + steps);
            }
        }
    }
}
