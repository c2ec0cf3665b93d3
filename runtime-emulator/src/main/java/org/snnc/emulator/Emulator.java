package org.snnc.emulator;

import java.util.Arrays;
import java.util.Optional;
import org.snnc.emulator.config.Configuration;
import org.snnc.emulator.config.Configuration.EarlyExit;
import org.snnc.emulator.config.Configuration.ReadoutMode;

/**
 * One image's run on a {@link Chip}: the per-image state of every core (membranes v, a CUBA neuron's synaptic
 * current u, pending input q, the analog input current or a sequence input's frames, running spike counts n) and the
 * steps that advance it. A neuron that decays is checked in every step: {@link RangeProof} is a proof for
 * integrate-and-fire. Not
 * thread-safe; a runner gives each thread its own emulator and reuses it for image after image.
 *
 * <p>{@link #advance} runs up to {@link #chunk()} steps population by population in the {@link Schedule}'s order.
 * Each neuron keeps one pending-input register (a lane of a {@link PendingWords} word) per step of the chunk, plus one
 * for the step after it, so an event sent in step t lands in the register of step t+1 whichever population is
 * advanced first; each neuron or gate output keeps its spikes of the chunk as bits of one word. Every step still
 * follows the chip's cycle order; only the order in which independent work is done differs.
 *
 * <p>A sequence input's frame of step k of the chunk is summed, Σ w·x over the input axons, into that step's frame
 * input before any population advances: the host's events of a step reach the first synapses in that same step, like
 * the analog current, and never sit in q, so the membrane readout after a step does not yet see the next frame.
 *
 * <p>With an early exit, the image stops at the step its readout settles (docs/configuration.md, "Early exit"). That
 * step is known only once the chunk holding it has run, so the chunk is then cut there: the steps after it in the
 * chunk leave no trace in the results, neither their spikes and operations nor an overflow of theirs.
 */
public final class Emulator {
    private static final String ACCUMULATOR = "accumulator";
    private static final String MEMBRANE = "membrane";
    private static final String SYNAPTIC_CURRENT = "synaptic current";
    private static final int DECAY_BITS = 12;

    private final Chip chip;
    private final boolean strict;
    private final int chunk;
    private final int accumulatorBits;
    private final int stateBits;
    private final long accumulatorMax;
    private final long stateMax;
    private final boolean saturate;
    /** The membrane floor, or {@link Long#MIN_VALUE} when the chip has none. */
    private final long floor;
    private final boolean membraneReadout;
    private final RangeProof proof;

    private final long[][] membrane;
    /** Per core, for a core whose neurons decay: each neuron's synaptic current u (0 for integrate-and-fire). */
    private final long[][] synapticCurrent;
    /**
     * Neuron i's input for step k of the chunk is in word [k·row + wordOf(i)] of its core ({@link PendingWords}): a
     * run of consecutive neurons takes an event's weights in one contiguous sweep. Row [length] is carried over to
     * the next chunk.
     */
    private final long[][] pending;
    private final long[][] analogInput;
    /**
     * Per core fed by a sequence input: neuron i's input from the frame of step k of the chunk at [k·neurons + i];
     * empty for the other cores and for an analog input.
     */
    private final long[][] frameInput;
    /** The image's frames one after another (a sequence input), as {@link #load} was given them. */
    private int[] frames = new int[0];
    /**
     * Per neuron, for this image: the most its membrane can rise in one step, or {@link RangeProof#UNBOUNDED} when its
     * accumulator might overflow or nothing bounds its membrane from below ({@link #maxRise}). From it and the
     * membrane, {@link RangeProof#uncheckedSteps} proves how many steps need no range checks.
     */
    private final long[][] rise;
    private final int[][] spikeCount;
    /** Per emitting slot (neurons, then gate outputs): bit k is set when it spiked in step k of the last chunk. */
    private final long[][] spikeBits;
    private final long[] spikesPerCore;
    /** Synaptic operations of step k of the last chunk, then made cumulative from the image's start. */
    private final long[] opsThrough;
    /** Per readout class and step k of the chunk: v after the step plus the part of q already final. */
    private final long[] readoutTrace;
    /** Scratch for the readout's scores of one step, and the image's scores before, for the readout's window. */
    private final long[] classScores;
    private final ScoreHistory scoreHistory;
    private final int[] predictions;
    /** Per step k of the chunk: the readout's top score minus the runner-up's (membrane LSBs or spikes). */
    private final long[] margins;
    private final ExitStreak exitStreak;
    private boolean exited;
    private int step;
    private int advanced;
    private long synapticOps;
    private Overflow firstOverflow;
    /**
     * Whether the last {@link #advance} finished, leaving only the first row of pending registers (the input carried
     * over) non-zero; {@link #load} then clears just that row.
     */
    private boolean settled = true;

    /** The first register to overflow: by step, then by {@link Chip#overflowRank} within the step. */
    private record Overflow(int step, Chip.OverflowRank rank, String message) {
        boolean before(Overflow other) {
            return step != other.step ? step < other.step : rank.compareTo(other.rank) < 0;
        }
    }

    /** An emulator with the configuration's own early exit, if it asks for one. */
    public Emulator(Chip chip, boolean strict) {
        this(chip, strict, chip.configuration.readout().earlyExit());
    }

    /** An emulator stopping images by {@code earlyExit} (none: every image runs every step it is advanced). */
    public Emulator(Chip chip, boolean strict, Optional<EarlyExit> earlyExit) {
        this.chip = chip;
        this.strict = strict;
        this.chunk = chip.chunk;
        var neurons = chip.configuration.neurons();
        this.accumulatorBits = neurons.accumulatorBits();
        this.stateBits = neurons.stateBits();
        this.accumulatorMax = (1L << (accumulatorBits - 1)) - 1;
        this.stateMax = (1L << (stateBits - 1)) - 1;
        this.saturate = neurons.saturate();
        this.floor = neurons.hasMembraneFloor() ? neurons.membraneFloor() : Long.MIN_VALUE;
        this.membraneReadout = chip.configuration.readout().mode() == ReadoutMode.MEMBRANE;
        if (earlyExit.isPresent() && !membraneReadout) {
            throw new IllegalArgumentException("an early exit reads the membrane readout's margin; this readout is "
                    + chip.configuration.readout().mode());
        }
        this.proof = new RangeProof(accumulatorBits, stateBits, floor);
        int cores = chip.cores.length;
        membrane = new long[cores][];
        synapticCurrent = new long[cores][];
        pending = new long[cores][];
        analogInput = new long[cores][];
        frameInput = new long[cores][];
        rise = new long[cores][];
        spikeCount = new int[cores][];
        spikeBits = new long[cores][];
        spikesPerCore = new long[cores];
        for (int c = 0; c < cores; c++) {
            int n = chip.cores[c].neurons;
            membrane[c] = new long[n];
            synapticCurrent[c] = new long[chip.cores[c].decayU != null ? n : 0];
            pending[c] = new long[chip.pendingWords[c].row * (chunk + 1)];
            analogInput[c] = new long[n];
            frameInput[c] = new long[chip.sequence && chip.cores[c].inputAxons.length > 0 ? chunk * n : 0];
            rise[c] = new long[n];
            spikeCount[c] = new int[n];
            spikeBits[c] = new long[n + chip.cores[c].gateOutputs];
        }
        opsThrough = new long[chunk];
        readoutTrace = new long[chip.classes() * chunk];
        classScores = new long[chip.classes()];
        scoreHistory = new ScoreHistory(chip.configuration.readout().window(), chip.classes());
        predictions = new int[chunk];
        margins = new long[chunk];
        exitStreak = new ExitStreak(earlyExit);
    }

    /**
     * The most steps one {@link #advance} runs: {@value Schedule#CHUNK}, or 1 when the routes form a cycle, or fewer
     * when a very large configuration's state must fit the heap.
     */
    public int chunk() {
        return chunk;
    }

    /**
     * Starts an image: clears every register, the membranes to their v0. An analog input's image is {@link
     * Chip#inputSize()} raw integer values, whose current Σ w·x into each neuron fed by the input axons is computed
     * here and added in every step; its multiply-accumulates count as synaptic operations once. A sequence input's
     * image is its frames one after another, each of {@link Chip#inputSize()} event counts, which {@link #advance}
     * delivers step by step; it is not copied, so it must not change while the image runs.
     */
    public void load(int[] input) {
        if (chip.sequence) {
            checkFrames(input);
            frames = input;
        } else if (input.length != chip.inputSize) {
            throw new EmulatorException("the input has " + input.length + " values; the configuration's input '"
                    + chip.configuration.input().name() + "' has " + chip.inputSize);
        }
        step = 0;
        advanced = 0;
        exited = false;
        exitStreak.reset();
        synapticOps = 0;
        firstOverflow = null;
        Arrays.fill(spikesPerCore, 0);
        for (int c = 0; c < chip.cores.length; c++) {
            CoreTables core = chip.cores[c];
            System.arraycopy(core.initialMembrane, 0, membrane[c], 0, core.neurons);
            Arrays.fill(synapticCurrent[c], 0);
            Arrays.fill(pending[c], 0, settled ? chip.pendingWords[c].row : pending[c].length, 0);
            Arrays.fill(analogInput[c], 0);
            Arrays.fill(spikeCount[c], 0);
            Arrays.fill(spikeBits[c], 0);
            if (!chip.sequence) {
                for (int axon : core.inputAxons) {
                    synapticOps += core.operations(axon); // counted, as the chip multiplies x = 0 too
                }
                addInput(c, input, 0, analogInput[c], 0);
            }
            for (int i = 0; i < core.neurons; i++) {
                rise[c][i] = maxRise(c, i);
            }
        }
        for (int cls = 0; cls < classScores.length; cls++) {
            classScores[cls] = membraneReadout ? membrane[chip.readoutCore[cls]][chip.readoutNeuron[cls]] : 0;
        }
        scoreHistory.start(classScores);
    }

    /** Refuses a sequence image that is not whole frames of counts in [0, input.max_events]. */
    private void checkFrames(int[] input) {
        int size = chip.inputSize;
        if (input.length % size != 0) {
            throw new EmulatorException("the input has " + input.length + " values, not whole frames of the "
                    + size + " values of the configuration's input '" + chip.configuration.input().name() + "'");
        }
        int most = chip.configuration.input().maxEvents();
        for (int k = 0; k < input.length; k++) {
            if (input[k] < 0 || input[k] > most) {
                throw new EmulatorException("value " + input[k] + " of frame " + k / size + " at element " + k % size
                        + " is not an event count in [0, " + most + "], the events per step of the configuration's"
                        + " input (input.max_events)");
            }
        }
    }

    /**
     * Adds Σ w·x over core c's input axons into {@code into} from index {@code at}, x the element each axon carries
     * of the frame at {@code values[first ..]}; returns Σ x·(the axon's synapses onto owned neurons), the operations
     * of x events on each axon.
     */
    private long addInput(int c, int[] values, int first, long[] into, int at) {
        CoreTables core = chip.cores[c];
        long events = 0;
        for (int k = 0; k < core.inputAxons.length; k++) {
            int axon = core.inputAxons[k];
            long x = values[first + core.inputElements[k]];
            if (x == 0) {
                continue;
            }
            events += x * core.operations(axon);
            for (int s = core.axonSegment[axon]; s < core.axonSegment[axon + 1]; s++) {
                long[] weights = core.weights[core.segmentSource[s]];
                int offset = core.segmentOffset[s] - core.segmentNeuron[s];
                for (int t = core.segmentNeuron[s]; t < core.segmentNeuron[s] + core.segmentCount[s]; t++) {
                    into[at + t] += weights[offset + t] * x;
                }
            }
        }
        return events;
    }

    /**
     * Sums the frames of the chunk's {@code length} steps into {@link #frameInput}, counting their events'
     * operations in their steps; a step after the last frame gets none.
     */
    private void deliverFrames(int length) {
        int frameCount = frames.length / chip.inputSize;
        for (int c = 0; c < chip.cores.length; c++) {
            long[] into = frameInput[c];
            if (into.length == 0) {
                continue;
            }
            int n = chip.cores[c].neurons;
            Arrays.fill(into, 0, length * n, 0);
            for (int k = 0; k < length && step + k < frameCount; k++) {
                opsThrough[k] += addInput(c, frames, (step + k) * chip.inputSize, into, k * n);
            }
        }
    }

    /** The {@link RangeProof}'s u⁺ of neuron i of core c for this image's analog current. */
    private long maxRise(int c, int i) {
        if (chip.cores[c].decays(i)) {
            return RangeProof.UNBOUNDED; // the proof is for integrate-and-fire; a decaying neuron is checked each step
        }
        return proof.maxRise(analogInput[c][i], chip.mostDelivered[c][i], chip.leastDelivered[c][i],
                chip.cores[c].bias[i], chip.firesFrom[c][i]);
    }

    /** Runs one step on every core: accumulate, bias, integrate, floor and overflow, compare, reset, gates, emit. */
    public void step() {
        advance(1);
    }

    /**
     * Runs {@code length} (1 to {@link #chunk()}) steps, or fewer when the image settles within them
     * ({@link #advanced()}, {@link #exited()}); afterwards {@link #prediction(int)}, {@link #margin(int)} and
     * {@link #synapticOps(int)} give each step run.
     */
    public void advance(int length) {
        if (length < 1 || length > chunk) {
            throw new IllegalArgumentException("advance by 1 to " + chunk + " steps, not " + length);
        }
        if (exited) {
            throw new IllegalStateException("the image stopped early at step " + step);
        }
        Arrays.fill(opsThrough, 0);
        settled = false;
        if (chip.sequence) {
            deliverFrames(length);
        }
        for (Schedule.Stage stage : chip.schedule.stages) {
            for (Schedule.Segment segment : stage.segments()) {
                if (stage.gate()) {
                    updateGates(segment, length);
                } else {
                    updateNeurons(segment, length);
                }
            }
            for (Schedule.Segment segment : stage.segments()) {
                emit(segment, length);
            }
        }
        int run = length;
        for (int k = 0; k < run; k++) {
            readout(k, length);
            synapticOps += opsThrough[k];
            opsThrough[k] = synapticOps;
            if (exitStreak.settles(margins[k])) {
                exited = true;
                run = k + 1;
            }
        }
        if (firstOverflow != null && firstOverflow.step() <= step + run) {
            throw new EmulatorException(firstOverflow.message());
        }
        if (run < length) {
            discountSpikesAfter(run);
        }
        carryOver(length);
        settled = true;
        step += run;
        advanced = run;
    }

    /** Takes the spikes of the chunk's steps from {@code run} on, which a settled image never fires, off the counts. */
    private void discountSpikesAfter(int run) {
        for (Schedule.Stage stage : chip.schedule.stages) {
            for (Schedule.Segment segment : stage.segments()) {
                long[] bits = spikeBits[segment.core()];
                for (int slot = segment.first(); slot < segment.first() + segment.count(); slot++) {
                    spikesPerCore[segment.core()] -= Long.bitCount(bits[slot] >>> run);
                }
            }
        }
    }

    /** Steps 2–7 for a run of one core's neurons through the chunk: the events delivered into q are consumed here. */
    private void updateNeurons(Schedule.Segment segment, int length) {
        int c = segment.core();
        CoreTables core = chip.cores[c];
        long[] v = membrane[c];
        long[] currents = synapticCurrent[c];
        int[] decayU = core.decayU;
        int[] decayV = core.decayV;
        long[] q = pending[c];
        long[] analog = analogInput[c];
        long[] frame = frameInput[c];
        boolean framed = frame.length > 0;
        int neurons = core.neurons;
        long[] bits = spikeBits[c];
        int[] n = spikeCount[c];
        PendingWords packing = chip.pendingWords[c];
        int row = packing.row;
        boolean[] clears = chip.clearsPending[c];
        int[] readoutClass = chip.readoutClass[c];
        long[] rises = rise[c];
        for (int i = segment.first(); i < segment.first() + segment.count(); i++) {
            boolean events = chip.receivesEvents(c, i);
            long rising = rises[i];
            long threshold = core.threshold[i];
            long firesFrom = chip.firesFrom[c][i];
            long keep = chip.resetKeep[c][i];
            long bias = core.bias[i];
            long input = analog[i];
            int traced = readoutClass[i] * chunk;
            long value = v[i];
            boolean decays = core.decays(i);
            long current = decays ? currents[i] : 0;
            if (!events && traced < 0 && input + bias <= 0 && value < firesFrom
                    && proof.uncheckedSteps(value, rising, threshold, firesFrom, length) == length) {
                v[i] = sinking(value, input + bias, length);
                bits[i] = 0;
                continue;
            }
            long fired = 0;
            boolean clear = clears[i];
            int at = packing.wordOf[i];
            long offset = packing.offset[i];
            int up = packing.up[i];
            int down = packing.down;
            int k = 0;
            while (k < length) {
                // Checks only where uncheckedSteps cannot rule an overflow out; it is asked again after each run.
                int unchecked = proof.uncheckedSteps(value, rising, threshold, firesFrom, length - k);
                boolean check = unchecked == 0;
                int end = !check ? k + unchecked : rising == RangeProof.UNBOUNDED ? length : k + 1;
                for (; k < end; k++, at += row) {
                    long accumulated = framed ? input + frame[k * neurons + i] : input;
                    if (events) {
                        // PendingWords.received, with this neuron's shifts held in locals
                        accumulated += ((q[at] + offset) << up) >> down;
                        if (clear) {
                            q[at] = 0;
                        }
                    }
                    if (check && (accumulated > accumulatorMax || accumulated < ~accumulatorMax)) {
                        accumulated = overflow(accumulated, accumulatorBits, c, i, k, ACCUMULATOR);
                    }
                    if (decays) {
                        current = decayed(current, decayU[i]) + accumulated;
                        if (current > stateMax || current < ~stateMax) {
                            current = overflow(current, stateBits, c, i, k, SYNAPTIC_CURRENT);
                        }
                        value = decayed(value, decayV[i]) + current + bias;
                    } else {
                        value += accumulated + bias;
                    }
                    if (value < floor) {
                        value = floor;
                    }
                    if (check && (value > stateMax || value < ~stateMax)) {
                        value = overflow(value, stateBits, c, i, k, MEMBRANE);
                    }
                    if (value >= firesFrom) {
                        value = (value - threshold) & keep;
                        fired |= 1L << k;
                    }
                    if (traced >= 0) {
                        readoutTrace[traced + k] = value + (k + 1 < length ? packing.received(q[at + row], i) : 0);
                    }
                }
            }
            v[i] = value;
            if (decays) {
                currents[i] = current;
            }
            bits[i] = fired;
            n[i] += Long.bitCount(fired);
        }
    }

    /**
     * The membrane after {@code length} steps of a neuron below its firing value whose only input is a constant
     * {@code drive} ≤ 0 and whose registers cannot overflow: it never fires, and as it only sinks, holding it at the
     * floor in every step is holding it there at the end. A neuron that can sink has a floor: without one, its
     * registers count as unbounded.
     */
    private long sinking(long value, long drive, int length) {
        if (drive == 0) {
            return value;
        }
        if (drive < (floor - value) / length) {
            return floor;
        }
        return Math.max(floor, value + length * drive);
    }

    /**
     * Step 8 through the chunk: a gate output spikes when its window's most active input (first on ties), counting
     * this step, spiked this step. Only steps in which some input spiked can pass a spike.
     */
    private void updateGates(Schedule.Segment segment, int length) {
        int c = segment.core();
        CoreTables core = chip.cores[c];
        long[] bits = spikeBits[c];
        int[] n = spikeCount[c];
        for (int slot = segment.first(); slot < segment.first() + segment.count(); slot++) {
            int g = slot - core.neurons;
            int from = core.gateStart[g];
            int to = core.gateStart[g + 1];
            long any = 0;
            for (int k = from; k < to; k++) {
                any |= bits[core.gateInputs[k]];
            }
            long passed = 0;
            for (long steps = any; steps != 0; steps &= steps - 1) {
                int k = Long.numberOfTrailingZeros(steps);
                int winner = -1;
                int most = -1;
                for (int w = from; w < to; w++) {
                    int input = core.gateInputs[w];
                    int countThroughK = n[input] - Long.bitCount(bits[input] >>> k >>> 1);
                    if (countThroughK > most) {
                        most = countThroughK;
                        winner = input;
                    }
                }
                passed |= bits[winner] & (1L << k);
            }
            bits[slot] = passed;
        }
    }

    /** Step 9 through the chunk: every spike travels its routes; each event adds its synapse's weight to a q. */
    private void emit(Schedule.Segment segment, int length) {
        int c = segment.core();
        CoreTables core = chip.cores[c];
        long[] bits = spikeBits[c];
        long spikes = 0;
        for (int slot = segment.first(); slot < segment.first() + segment.count(); slot++) {
            long fired = bits[slot];
            if (fired == 0) {
                continue;
            }
            spikes += Long.bitCount(fired);
            for (int r = core.routeStart[slot]; r < core.routeStart[slot + 1]; r++) {
                deliver(c, r, fired);
            }
        }
        spikesPerCore[c] += spikes;
    }

    /**
     * The events of route {@code r} of the core at index {@code c}, one for each step whose bit is set in
     * {@code fired}, each added segment by segment into the next step's pending words ({@link DeliveryPlan}). The
     * route's first segment also counts the operations of every spike, sparing a pass over the bits; a route to a
     * single word is one add per spike.
     */
    private void deliver(int c, int r, long fired) {
        int d = chip.cores[c].routeCore[r];
        long[] q = pending[d];
        int row = chip.pendingWords[d].row;
        long synapses = chip.routeSynapses[c][r];
        int single = chip.routeWord[c][r];
        if (single >= 0) {
            long word = chip.routeValue[c][r];
            for (long steps = fired; steps != 0; steps &= steps - 1) {
                int k = Long.numberOfTrailingZeros(steps);
                opsThrough[k] += synapses;
                q[single + (k + 1) * row] += word;
            }
            return;
        }
        CoreTables destination = chip.cores[d];
        DeliveryPlan plan = chip.plans[d];
        int axon = chip.cores[c].routeAxon[r];
        int first = destination.axonSegment[axon];
        int end = destination.axonSegment[axon + 1];
        int[] source = destination.segmentSource;
        for (int s = first; s < end; s++) {
            long counted = s == first ? synapses : 0;
            long[] words = plan.packed[source[s]];
            long head = plan.head[s];
            long tail = plan.tail[s];
            int from = plan.packedFrom[s];
            int count = plan.packedCount[s];
            int headAt = row + plan.word[s];
            int shift = headAt + 1 - from;
            for (long steps = fired; steps != 0; steps &= steps - 1) {
                int k = Long.numberOfTrailingZeros(steps);
                opsThrough[k] += counted;
                int stepShift = shift + k * row;
                q[headAt + k * row] += head;
                for (int w = from; w < from + count; w++) {
                    q[stepShift + w] += words[w];
                }
                q[stepShift + from + count] += tail; // 0 when the segment has no tail: cheaper than a branch
            }
        }
    }

    /** Moves the input for the step after the chunk into the chunk's first row, which its neurons have cleared. */
    private void carryOver(int length) {
        for (int c = 0; c < pending.length; c++) {
            int row = chip.pendingWords[c].row;
            System.arraycopy(pending[c], length * row, pending[c], 0, row);
            Arrays.fill(pending[c], length * row, (length + 1) * row, 0);
        }
    }

    /**
     * sign(x)·(|x|·(4096 − δ) &gt;&gt; 12): a CUBA register x after its decay δ, truncated toward zero
     * (docs/configuration.md, step 4); as q·k + (r·k &gt;&gt; 12) with |x| = 4096·q + r and k = 4096 − δ, so no
     * product overflows.
     */
    static long decayed(long x, int decay) {
        long magnitude = Math.abs(x);
        int kept = Configuration.DECAY_ONE - decay;
        long result = (magnitude >> DECAY_BITS) * kept + (((magnitude & (Configuration.DECAY_ONE - 1)) * kept)
                >> DECAY_BITS);
        return x < 0 ? -result : result;
    }

    /**
     * The chip's overflow rule on a {@code bits}-bit signed register; in strict mode the first overflow
     * (docs/configuration.md) is kept, to be reported when the chunk ends.
     */
    private long overflow(long value, int bits, int core, int neuron, int k, String register) {
        if (strict) {
            int local = chip.cores[core].localOf[neuron];
            Overflow candidate = new Overflow(step + k + 1, chip.overflowRank(core, local,
                    !register.equals(MEMBRANE)), chip.overflowMessage(core, local, step + k + 1, register, value,
                    bits));
            if (firstOverflow == null || candidate.before(firstOverflow)) {
                firstOverflow = candidate;
            }
        }
        long max = (1L << (bits - 1)) - 1;
        if (saturate) {
            return value > max ? max : ~max;
        }
        int unused = Long.SIZE - bits;
        return (value << unused) >> unused;
    }

    /**
     * Reads off step k of the chunk into {@link #predictions} and {@link #margins}: the argmax over the readout
     * population of θ·n + v + q ({@code membrane}) or of n ({@code spikecount}) over the window
     * ({@link ScoreHistory}), ties going to the lowest class, and its score's lead over the runner-up's
     * ({@link Long#MAX_VALUE} for a single class).
     */
    private void readout(int k, int length) {
        for (int cls = 0; cls < chip.readoutCore.length; cls++) {
            int c = chip.readoutCore[cls];
            int i = chip.readoutNeuron[cls];
            long spikes = spikeCount[c][i] - Long.bitCount(spikeBits[c][i] >>> k >>> 1);
            long score = spikes;
            if (membraneReadout) {
                PendingWords packing = chip.pendingWords[c];
                long delivered = k + 1 == length
                        ? packing.received(pending[c][length * packing.row + packing.wordOf[i]], i) : 0;
                score = chip.cores[c].threshold[i] * spikes + readoutTrace[cls * chunk + k] + delivered;
            }
            classScores[cls] = score;
        }
        scoreHistory.read(classScores);
        int best = 0;
        long bestScore = Long.MIN_VALUE;
        long runnerUp = Long.MIN_VALUE;
        for (int cls = 0; cls < classScores.length; cls++) {
            long score = classScores[cls];
            if (score > bestScore) {
                runnerUp = bestScore;
                bestScore = score;
                best = cls;
            } else if (score > runnerUp) {
                runnerUp = score;
            }
        }
        predictions[k] = best;
        margins[k] = runnerUp == Long.MIN_VALUE ? Long.MAX_VALUE : bestScore - runnerUp;
    }

    /** The class read off after the last step. */
    public int prediction() {
        return predictions[advanced - 1];
    }

    /** The class read off after step k (from 0) of the last {@link #advance}. */
    public int prediction(int k) {
        return predictions[k];
    }

    /** The readout's margin after step k (from 0) of the last {@link #advance}: top score minus the runner-up's. */
    public long margin(int k) {
        return margins[k];
    }

    /** The steps the last {@link #advance} ran: those asked for, or fewer when the image settled within them. */
    public int advanced() {
        return advanced;
    }

    /** Whether the image has settled: its early exit stopped it, and it takes no more steps. */
    public boolean exited() {
        return exited;
    }

    /** The steps run since {@link #load}. */
    public int steps() {
        return step;
    }

    /**
     * Synaptic operations since {@link #load}: the analog input's once, then one per event (a population's spike or
     * one of a sequence input's events) reaching a target.
     */
    public long synapticOps() {
        return synapticOps;
    }

    /** Synaptic operations from {@link #load} through step k (from 0) of the last {@link #advance}. */
    public long synapticOps(int k) {
        return opsThrough[k];
    }

    /** Spikes (neurons and gate outputs) per core, in {@link Chip#coreIds()} order, since {@link #load}. */
    public long[] spikesPerCore() {
        return spikesPerCore.clone();
    }

    /** The synaptic current u of local neuron {@code neuron} of the core at {@code coreIndex} (0 unless it decays). */
    public long synapticCurrent(int coreIndex, int neuron) {
        long[] currents = synapticCurrent[coreIndex];
        return currents.length == 0 ? 0 : currents[chip.cores[coreIndex].internalOf[neuron]];
    }

    /** The membrane v of local neuron {@code neuron} of the core at {@code coreIndex}, for probes. */
    public long membrane(int coreIndex, int neuron) {
        return membrane[coreIndex][chip.cores[coreIndex].internalOf[neuron]];
    }

    /** Whether local neuron {@code neuron} of the core at {@code coreIndex} spiked in the last step, for probes. */
    public boolean spiked(int coreIndex, int neuron) {
        return advanced > 0 && spiked(coreIndex, neuron, advanced - 1);
    }

    /** Whether local neuron {@code neuron} of the core at {@code coreIndex} spiked in step k of the last advance. */
    public boolean spiked(int coreIndex, int neuron, int k) {
        return spikedAt(coreIndex, chip.cores[coreIndex].internalOf[neuron], k);
    }

    /**
     * Whether gate output {@code gateOutput} (numbered on its core after the neurons, in the order of the core's
     * {@code gates} blocks, from 0) of the core at {@code coreIndex} spiked in the last step, for probes.
     */
    public boolean gateSpiked(int coreIndex, int gateOutput) {
        return advanced > 0 && gateSpiked(coreIndex, gateOutput, advanced - 1);
    }

    /** Whether gate output {@code gateOutput} of the core at {@code coreIndex} spiked in step k of the last advance. */
    public boolean gateSpiked(int coreIndex, int gateOutput, int k) {
        return spikedAt(coreIndex, chip.cores[coreIndex].neurons + gateOutput, k);
    }

    private boolean spikedAt(int coreIndex, int slot, int k) {
        if (k < 0 || k >= advanced) {
            throw new IllegalArgumentException("step " + k + " of an advance of " + advanced);
        }
        return (spikeBits[coreIndex][slot] >>> k & 1) != 0;
    }

    /** The pending input q (delivered for the next step) of a local neuron, for probes and readouts. */
    public long pending(int coreIndex, int neuron) {
        int stored = chip.cores[coreIndex].internalOf[neuron];
        PendingWords packing = chip.pendingWords[coreIndex];
        return packing.received(pending[coreIndex][packing.wordOf[stored]], stored);
    }

    /** The running spike count n of a local neuron. */
    public int spikeCount(int coreIndex, int neuron) {
        return spikeCount[coreIndex][chip.cores[coreIndex].internalOf[neuron]];
    }
}
