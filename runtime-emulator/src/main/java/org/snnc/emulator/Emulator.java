package org.snnc.emulator;

import org.snnc.emulator.config.Configuration.ReadoutMode;

/**
 * One image's run on a {@link Chip}: the per-image state of every core (membranes v, pending input q, the analog
 * input current, running spike counts n) and the step that advances it. Not thread-safe; a runner gives each thread
 * its own emulator and reuses it for image after image.
 */
public final class Emulator {
    private final Chip chip;
    private final boolean strict;
    private final int accumulatorBits;
    private final int stateBits;
    private final boolean saturate;
    private final boolean hasFloor;
    private final long floor;
    private final boolean fireAtThreshold;

    private final long[][] membrane;
    private final long[][] pending;
    private final long[][] analogInput;
    private final int[][] spikeCount;
    /** The step in which each neuron last spiked, so the gates can ask "did it spike this step". */
    private final int[][] lastSpikeStep;
    /** The step in which each gate output last spiked, for probes. */
    private final int[][] lastGateStep;
    /** The emitting slots (neurons, then gate outputs) that spiked this step, per core; reused every step. */
    private final int[][] spikes;
    private final int[] spikesThisStep;
    private final long[] spikesPerCore;
    private int step;
    private long synapticOps;

    public Emulator(Chip chip, boolean strict) {
        this.chip = chip;
        this.strict = strict;
        var neurons = chip.configuration.neurons();
        this.accumulatorBits = neurons.accumulatorBits();
        this.stateBits = neurons.stateBits();
        this.saturate = neurons.saturate();
        this.hasFloor = neurons.hasMembraneFloor();
        this.floor = neurons.membraneFloor();
        this.fireAtThreshold = neurons.fireAtThreshold();
        int cores = chip.cores.length;
        membrane = new long[cores][];
        pending = new long[cores][];
        analogInput = new long[cores][];
        spikeCount = new int[cores][];
        lastSpikeStep = new int[cores][];
        lastGateStep = new int[cores][];
        spikes = new int[cores][];
        spikesThisStep = new int[cores];
        spikesPerCore = new long[cores];
        for (int c = 0; c < cores; c++) {
            int n = chip.cores[c].neurons;
            membrane[c] = new long[n];
            pending[c] = new long[n];
            analogInput[c] = new long[n];
            spikeCount[c] = new int[n];
            lastSpikeStep[c] = new int[n];
            lastGateStep[c] = new int[chip.cores[c].gateOutputs];
            spikes[c] = new int[n + chip.cores[c].gateOutputs];
        }
    }

    /**
     * Starts an image: clears every register and computes the analog input current Σ w·x of each neuron fed by the
     * input axons, from the raw integer input values; it is added in every step. Its multiply-accumulates count as
     * synaptic operations once.
     */
    public void load(int[] input) {
        if (input.length != chip.inputSize) {
            throw new EmulatorException("the input has " + input.length + " values; the configuration's input '"
                    + chip.configuration.input().name() + "' has " + chip.inputSize);
        }
        step = 0;
        synapticOps = 0;
        java.util.Arrays.fill(spikesPerCore, 0);
        for (int c = 0; c < chip.cores.length; c++) {
            Chip.CoreTables core = chip.cores[c];
            java.util.Arrays.fill(membrane[c], 0);
            java.util.Arrays.fill(pending[c], 0);
            java.util.Arrays.fill(analogInput[c], 0);
            java.util.Arrays.fill(spikeCount[c], 0);
            java.util.Arrays.fill(lastSpikeStep[c], 0);
            java.util.Arrays.fill(lastGateStep[c], 0);
            long[] current = analogInput[c];
            for (int k = 0; k < core.inputAxons.length; k++) {
                int axon = core.inputAxons[k];
                long x = input[core.inputElements[k]];
                for (int s = core.axonStart[axon]; s < core.axonStart[axon + 1]; s++) {
                    current[core.synapseTarget[s]] += core.synapseWeight[s] * x;
                }
                synapticOps += core.axonStart[axon + 1] - core.axonStart[axon];
            }
        }
    }

    /** Runs one step on every core: accumulate, bias, integrate, floor and overflow, compare, reset, gates, emit. */
    public void step() {
        step++;
        for (int c = 0; c < chip.cores.length; c++) {
            updateNeurons(c);
            updateGates(c);
        }
        for (int c = 0; c < chip.cores.length; c++) {
            emit(c);
        }
    }

    /** Steps 2–7 for one core's neurons: the events delivered into q last step are consumed here. */
    private void updateNeurons(int c) {
        Chip.CoreTables core = chip.cores[c];
        long[] v = membrane[c];
        long[] q = pending[c];
        long[] current = analogInput[c];
        int[] n = spikeCount[c];
        int[] spiked = spikes[c];
        int count = 0;
        for (int i = 0; i < core.neurons; i++) {
            long accumulated = fit(q[i] + current[i], accumulatorBits, c, i, "accumulator");
            q[i] = 0;
            long value = v[i] + accumulated + core.bias[i];
            if (hasFloor && value < floor) {
                value = floor;
            }
            value = fit(value, stateBits, c, i, "membrane");
            long threshold = core.threshold[i];
            if (fireAtThreshold ? value >= threshold : value > threshold) {
                value = core.resetToZero[i] ? 0 : value - threshold;
                n[i]++;
                lastSpikeStep[c][i] = step;
                spiked[count++] = i;
            }
            v[i] = value;
        }
        spikesThisStep[c] = count;
    }

    /** Step 8: a gate output spikes when its window's most active input (first on ties) spiked this step. */
    private void updateGates(int c) {
        Chip.CoreTables core = chip.cores[c];
        int[] n = spikeCount[c];
        int[] last = lastSpikeStep[c];
        int count = spikesThisStep[c];
        for (int g = 0; g < core.gateOutputs; g++) {
            int winner = -1;
            int most = -1;
            for (int k = core.gateStart[g]; k < core.gateStart[g + 1]; k++) {
                int input = core.gateInputs[k];
                if (n[input] > most) {
                    most = n[input];
                    winner = input;
                }
            }
            if (winner >= 0 && last[winner] == step) {
                spikes[c][count++] = core.neurons + g;
                lastGateStep[c][g] = step;
            }
        }
        spikesThisStep[c] = count;
        spikesPerCore[c] += count;
    }

    /** Step 9: every spike travels its routes; each event adds its synapses' weights into the targets' q. */
    private void emit(int c) {
        Chip.CoreTables core = chip.cores[c];
        int[] spiked = spikes[c];
        long ops = 0;
        for (int k = 0; k < spikesThisStep[c]; k++) {
            int slot = spiked[k];
            for (int r = core.routeStart[slot]; r < core.routeStart[slot + 1]; r++) {
                Chip.CoreTables destination = chip.cores[core.routeCore[r]];
                long[] q = pending[core.routeCore[r]];
                int axon = core.routeAxon[r];
                int end = destination.axonStart[axon + 1];
                int[] target = destination.synapseTarget;
                long[] weight = destination.synapseWeight;
                for (int s = destination.axonStart[axon]; s < end; s++) {
                    q[target[s]] += weight[s];
                }
                ops += end - destination.axonStart[axon];
            }
        }
        synapticOps += ops;
    }

    /** The chip's overflow rule on a {@code bits}-bit signed register; in strict mode any change is an error. */
    private long fit(long value, int bits, int core, int neuron, String register) {
        long max = (1L << (bits - 1)) - 1;
        long min = -max - 1;
        if (value >= min && value <= max) {
            return value;
        }
        if (strict) {
            throw new EmulatorException("strict mode: core " + chip.cores[core].id + ", neuron "
                    + chip.cores[core].neuronName(neuron) + ", step " + step + ": the " + register + " value "
                    + value + " does not fit in " + bits + " signed bits");
        }
        if (saturate) {
            return value > max ? max : min;
        }
        int unused = Long.SIZE - bits;
        return (value << unused) >> unused;
    }

    /**
     * The class read off after this step: the argmax over the readout population of θ·n + v + q ({@code membrane})
     * or of n ({@code spikecount}); ties go to the lowest class.
     */
    public int prediction() {
        boolean membraneMode = chip.configuration.readout().mode() == ReadoutMode.MEMBRANE;
        int best = 0;
        long bestScore = Long.MIN_VALUE;
        for (int k = 0; k < chip.readoutCore.length; k++) {
            int c = chip.readoutCore[k];
            int i = chip.readoutNeuron[k];
            long score = membraneMode
                    ? chip.cores[c].threshold[i] * spikeCount[c][i] + membrane[c][i] + pending[c][i]
                    : spikeCount[c][i];
            if (score > bestScore) {
                bestScore = score;
                best = k;
            }
        }
        return best;
    }

    /** The steps run since {@link #load}. */
    public int steps() {
        return step;
    }

    /** Synaptic operations since {@link #load}: the analog input's once, then one per event reaching a target. */
    public long synapticOps() {
        return synapticOps;
    }

    /** Spikes (neurons and gate outputs) per core, in {@link Chip#coreIds()} order, since {@link #load}. */
    public long[] spikesPerCore() {
        return spikesPerCore.clone();
    }

    /** The membrane v of local neuron {@code neuron} of the core at {@code coreIndex}, for probes. */
    public long membrane(int coreIndex, int neuron) {
        return membrane[coreIndex][neuron];
    }

    /** Whether local neuron {@code neuron} of the core at {@code coreIndex} spiked in the last step, for probes. */
    public boolean spiked(int coreIndex, int neuron) {
        return step > 0 && lastSpikeStep[coreIndex][neuron] == step;
    }

    /**
     * Whether gate output {@code gateOutput} (numbered on its core after the neurons, in the order of the core's
     * {@code gates} blocks, from 0) of the core at {@code coreIndex} spiked in the last step, for probes.
     */
    public boolean gateSpiked(int coreIndex, int gateOutput) {
        return step > 0 && lastGateStep[coreIndex][gateOutput] == step;
    }

    /** The pending input q (delivered for the next step) of a local neuron, for probes and readouts. */
    public long pending(int coreIndex, int neuron) {
        return pending[coreIndex][neuron];
    }

    /** The running spike count n of a local neuron. */
    public int spikeCount(int coreIndex, int neuron) {
        return spikeCount[coreIndex][neuron];
    }
}
