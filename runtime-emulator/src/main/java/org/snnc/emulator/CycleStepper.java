package org.snnc.emulator;

import java.util.Arrays;
import java.util.Optional;
import org.snnc.emulator.config.Configuration.EarlyExit;
import org.snnc.emulator.config.Configuration.ReadoutMode;

/**
 * The chip's step written plainly: one step at a time, every stage of docs/configuration.md over every core before
 * the next stage, one register per neuron, one add per synapse, every register checked. It shares the
 * {@link Chip}'s tables with the {@link Emulator} and none of its fast paths (chunks, spike words, packed pending
 * words, the {@link RangeProof}, closed-form sinking), so the two can be held equal; it is far slower.
 *
 * <p>Step t: (1) q holds the events of step t−1, and a sequence input's frame t−1 (from 0) sends its events, which
 * land in the frame input e of their targets; per neuron, in core order and local order, (2) a = fit(q + c + e, A)
 * with c the analog current, q ← 0, e ← 0; (3, 4) v ← v + a + b, or for a decaying (CUBA) neuron
 * u ← fit(decayed(u, δu) + a, S) and v ← decayed(v, δv) + u + b; (5) v ← fit(max(v, floor), S); (6) s = [v ≥ f];
 * (7) v ← v − θ or 0 where s, n ← n + s; then (8) each gate output spikes when its window's first input with the highest n spiked; and (9) every spike adds
 * its synapses' weights into their targets' q, one synaptic operation each (none into a replica). Strict mode stops
 * at the first register that does not fit, in that order. With an early exit, the image stops after the step at which
 * its readout settles ({@link #exited()}).
 */
public final class CycleStepper {
    private final Chip chip;
    private final boolean strict;
    private final int accumulatorBits;
    private final int stateBits;
    private final boolean saturate;
    private final long floor;
    private final long[][] membrane;
    /** Per neuron: the synaptic current u of a CUBA compartment (0 for integrate-and-fire). */
    private final long[][] synapticCurrent;
    private final long[][] pending;
    private final long[][] analogInput;
    /** Per neuron: what this step's frame of a sequence input delivers. */
    private final long[][] frameInput;
    /** The image's frames one after another, for a sequence input. */
    private int[] frames = new int[0];
    private final int[][] spikeCount;
    /** Per emitting slot (neurons, then gate outputs): whether it spiked in the last step. */
    private final boolean[][] spiked;
    private int step;
    private long synapticOps;
    private int prediction;
    private long margin;
    private final ExitStreak exitStreak;
    private final ScoreHistory scoreHistory;
    private boolean exited;
    /** In strict mode, the step's first overflow so far and its message, or null. */
    private Chip.OverflowRank firstRank;
    private String firstOverflow;

    /** A stepper with the configuration's own early exit, if it asks for one. */
    public CycleStepper(Chip chip, boolean strict) {
        this(chip, strict, chip.configuration.readout().earlyExit());
    }

    /** A stepper stopping the image by {@code earlyExit} (none: it steps as long as it is asked to). */
    public CycleStepper(Chip chip, boolean strict, Optional<EarlyExit> earlyExit) {
        this.chip = chip;
        if (earlyExit.isPresent() && chip.configuration.readout().mode() != ReadoutMode.MEMBRANE) {
            throw new IllegalArgumentException("an early exit reads the membrane readout's margin; this readout is "
                    + chip.configuration.readout().mode());
        }
        this.exitStreak = new ExitStreak(earlyExit);
        this.scoreHistory = new ScoreHistory(chip.configuration.readout().window(), chip.classes());
        this.strict = strict;
        var neurons = chip.configuration.neurons();
        this.accumulatorBits = neurons.accumulatorBits();
        this.stateBits = neurons.stateBits();
        this.saturate = neurons.saturate();
        this.floor = neurons.hasMembraneFloor() ? neurons.membraneFloor() : Long.MIN_VALUE;
        int cores = chip.cores.length;
        membrane = new long[cores][];
        synapticCurrent = new long[cores][];
        pending = new long[cores][];
        analogInput = new long[cores][];
        frameInput = new long[cores][];
        spikeCount = new int[cores][];
        spiked = new boolean[cores][];
        for (int c = 0; c < cores; c++) {
            int n = chip.cores[c].neurons;
            membrane[c] = new long[n];
            synapticCurrent[c] = new long[n];
            pending[c] = new long[n];
            analogInput[c] = new long[n];
            frameInput[c] = new long[n];
            spikeCount[c] = new int[n];
            spiked[c] = new boolean[n + chip.cores[c].gateOutputs];
        }
    }

    /**
     * Starts an image: clears every register, the membranes to their v0, and for an analog input sums the current
     * Σ w·x of every neuron, one operation per synapse. A sequence input's image is its frames one after another.
     */
    public void load(int[] input) {
        boolean whole = chip.sequence ? input.length % chip.inputSize == 0 : input.length == chip.inputSize;
        if (!whole) {
            throw new IllegalArgumentException(input.length + " input values for " + chip.inputSize
                    + (chip.sequence ? " a frame" : ""));
        }
        frames = chip.sequence ? input.clone() : new int[0];
        step = 0;
        exited = false;
        exitStreak.reset();
        synapticOps = 0;
        firstRank = null;
        firstOverflow = null;
        for (int c = 0; c < chip.cores.length; c++) {
            CoreTables core = chip.cores[c];
            System.arraycopy(core.initialMembrane, 0, membrane[c], 0, core.neurons);
            Arrays.fill(synapticCurrent[c], 0);
            Arrays.fill(pending[c], 0);
            Arrays.fill(analogInput[c], 0);
            Arrays.fill(frameInput[c], 0);
            Arrays.fill(spikeCount[c], 0);
            Arrays.fill(spiked[c], false);
            if (!chip.sequence) {
                addInput(c, input, 0, analogInput[c], true);
            }
        }
        scoreHistory.start(scores());
    }

    /**
     * Adds w·x for every synapse of core c's input axons into {@code into}, x the element its axon carries of the
     * frame at {@code values[first ..]}, counting per synapse onto an owned neuron one operation ({@code analog}: the
     * multiply) or x (one per event).
     */
    private void addInput(int c, int[] values, int first, long[] into, boolean analog) {
        CoreTables core = chip.cores[c];
        for (int k = 0; k < core.inputAxons.length; k++) {
            int axon = core.inputAxons[k];
            long x = values[first + core.inputElements[k]];
            for (int s = core.axonSegment[axon]; s < core.axonSegment[axon + 1]; s++) {
                for (int t = 0; t < core.segmentCount[s]; t++) {
                    into[core.segmentNeuron[s] + t] += core.weight(s, t) * x;
                    synapticOps += core.replica[core.segmentNeuron[s] + t] ? 0 : analog ? 1 : x;
                }
            }
        }
    }

    /** Runs one step on every core, stage by stage. */
    public void step() {
        if (exited) {
            throw new IllegalStateException("the image stopped early at step " + step);
        }
        step++;
        if (step * (long) chip.inputSize <= frames.length) {
            for (int c = 0; c < chip.cores.length; c++) {
                addInput(c, frames, (step - 1) * chip.inputSize, frameInput[c], false);
            }
        }
        for (int c = 0; c < chip.cores.length; c++) {
            updateNeurons(c);
        }
        if (firstOverflow != null) {
            throw new EmulatorException(firstOverflow);
        }
        for (int c = 0; c < chip.cores.length; c++) {
            updateGates(c);
        }
        for (int c = 0; c < chip.cores.length; c++) {
            emit(c);
        }
        readout();
        exited = exitStreak.settles(margin);
    }

    /** Stages 2–7 for every neuron of core c, in local order. */
    private void updateNeurons(int c) {
        CoreTables core = chip.cores[c];
        boolean fireAtThreshold = chip.configuration.neurons().fireAtThreshold();
        for (int local = 0; local < core.neurons; local++) {
            int i = core.internalOf[local];
            long accumulated = fit(pending[c][i] + analogInput[c][i] + frameInput[c][i], accumulatorBits, c, local,
                    "accumulator");
            pending[c][i] = 0;
            frameInput[c][i] = 0;
            long value;
            if (core.decays(i)) {
                long u = fit(Emulator.decayed(synapticCurrent[c][i], core.decayU[i]) + accumulated, stateBits, c,
                        local, "synaptic current");
                synapticCurrent[c][i] = u;
                value = Emulator.decayed(membrane[c][i], core.decayV[i]) + u + core.bias[i];
            } else {
                value = membrane[c][i] + accumulated + core.bias[i];
            }
            value = fit(Math.max(value, floor), stateBits, c, local, "membrane");
            boolean fires = fireAtThreshold ? value >= core.threshold[i] : value > core.threshold[i];
            if (fires) {
                value = core.resetToZero[i] ? 0 : value - core.threshold[i];
                spikeCount[c][i]++;
            }
            membrane[c][i] = value;
            spiked[c][i] = fires;
        }
    }

    /** Stage 8 for every gate output of core c: the first of its window's inputs with the highest n passes. */
    private void updateGates(int c) {
        CoreTables core = chip.cores[c];
        for (int g = 0; g < core.gateOutputs; g++) {
            int winner = -1;
            for (int w = core.gateStart[g]; w < core.gateStart[g + 1]; w++) {
                int input = core.gateInputs[w];
                if (winner < 0 || spikeCount[c][input] > spikeCount[c][winner]) {
                    winner = input;
                }
            }
            spiked[c][core.neurons + g] = winner >= 0 && spiked[c][winner];
        }
    }

    /** Stage 9 for every spike of core c: each synapse of each axon its routes reach adds its weight to a q. */
    private void emit(int c) {
        CoreTables core = chip.cores[c];
        for (int slot = 0; slot < spiked[c].length; slot++) {
            if (!spiked[c][slot]) {
                continue;
            }
            for (int r = core.routeStart[slot]; r < core.routeStart[slot + 1]; r++) {
                int d = core.routeCore[r];
                CoreTables destination = chip.cores[d];
                int axon = core.routeAxon[r];
                for (int s = destination.axonSegment[axon]; s < destination.axonSegment[axon + 1]; s++) {
                    for (int t = 0; t < destination.segmentCount[s]; t++) {
                        pending[d][destination.segmentNeuron[s] + t] += destination.weight(s, t);
                        synapticOps += destination.replica[destination.segmentNeuron[s] + t] ? 0 : 1;
                    }
                }
            }
        }
    }

    /**
     * The chip's overflow rule on a {@code bits}-bit signed register; strict mode keeps the step's first overflow
     * ({@link Chip#overflowRank}), to stop once every neuron has updated.
     */
    private long fit(long value, int bits, int c, int local, String register) {
        long max = (1L << (bits - 1)) - 1;
        if (value <= max && value >= ~max) {
            return value;
        }
        if (strict) {
            Chip.OverflowRank rank = chip.overflowRank(c, local, !register.equals("membrane"));
            if (firstOverflow == null || rank.compareTo(firstRank) < 0) {
                firstRank = rank;
                firstOverflow = chip.overflowMessage(c, local, step, register, value, bits);
            }
        }
        if (saturate) {
            return value > max ? max : ~max;
        }
        int unused = Long.SIZE - bits;
        return (value << unused) >> unused;
    }

    /**
     * The prediction, the argmax over the readout population of its scores over the window ({@link ScoreHistory}),
     * ties to the lowest; and the margin, the top score minus the second highest (the largest long for one class).
     */
    private void readout() {
        long[] scores = scores();
        scoreHistory.read(scores);
        int best = 0;
        for (int cls = 1; cls < scores.length; cls++) {
            best = scores[cls] > scores[best] ? cls : best;
        }
        long second = Long.MIN_VALUE;
        for (int cls = 0; cls < scores.length; cls++) {
            second = cls != best ? Math.max(second, scores[cls]) : second;
        }
        prediction = best;
        margin = second == Long.MIN_VALUE ? Long.MAX_VALUE : scores[best] - second;
    }

    /** S now: θ·n + v + q (membrane) or n (spike count) of each class. */
    private long[] scores() {
        boolean membraneReadout = chip.configuration.readout().mode() == ReadoutMode.MEMBRANE;
        long[] scores = new long[chip.classes()];
        for (int cls = 0; cls < chip.classes(); cls++) {
            int c = chip.readoutCore[cls];
            int i = chip.readoutNeuron[cls];
            long score = spikeCount[c][i];
            if (membraneReadout) {
                score = chip.cores[c].threshold[i] * spikeCount[c][i] + membrane[c][i] + pending[c][i];
            }
            scores[cls] = score;
        }
        return scores;
    }

    /** The readout's margin after the last step: the top score minus the second highest. */
    public long margin() {
        return margin;
    }

    /** Whether the image has settled: its early exit stopped it after the last step. */
    public boolean exited() {
        return exited;
    }

    /** The class read off after the last step. */
    public int prediction() {
        return prediction;
    }

    /** Synaptic operations since {@link #load}. */
    public long synapticOps() {
        return synapticOps;
    }

    /** The membrane v of local neuron {@code neuron} of the core at {@code coreIndex}. */
    public long membrane(int coreIndex, int neuron) {
        return membrane[coreIndex][chip.cores[coreIndex].internalOf[neuron]];
    }

    /** The synaptic current u of local neuron {@code neuron} of the core at {@code coreIndex} (0 unless it decays). */
    public long synapticCurrent(int coreIndex, int neuron) {
        return synapticCurrent[coreIndex][chip.cores[coreIndex].internalOf[neuron]];
    }

    /** The pending input q of local neuron {@code neuron} of the core at {@code coreIndex}. */
    public long pending(int coreIndex, int neuron) {
        return pending[coreIndex][chip.cores[coreIndex].internalOf[neuron]];
    }

    /** The running spike count n of local neuron {@code neuron} of the core at {@code coreIndex}. */
    public int spikeCount(int coreIndex, int neuron) {
        return spikeCount[coreIndex][chip.cores[coreIndex].internalOf[neuron]];
    }

    /** Whether local neuron {@code neuron} of the core at {@code coreIndex} spiked in the last step. */
    public boolean spiked(int coreIndex, int neuron) {
        return spiked[coreIndex][chip.cores[coreIndex].internalOf[neuron]];
    }

    /** Whether gate output {@code gateOutput} of the core at {@code coreIndex} spiked in the last step. */
    public boolean gateSpiked(int coreIndex, int gateOutput) {
        return spiked[coreIndex][chip.cores[coreIndex].neurons + gateOutput];
    }
}
