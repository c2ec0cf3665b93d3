package org.snnc.compiler.intsim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snnc.compiler.concurrent.PerImageWorkers;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.FixedPoint.IntegerDecay;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.sim.AnnMacs;
import org.snnc.compiler.sim.EarlyExit;

/**
 * The integer reference: a deliberately plain, exact simulation of a quantized spiking graph, written from the
 * semantics of the quantized IR ({@link FixedPoint}; docs/configuration.md, "Units and arithmetic: the step") and
 * from nothing else, so that an emulator of the emitted configuration can be checked against it spike for spike.
 *
 * <p>Per image, every population neuron has a membrane v, a pending synaptic input q (both start at 0) and a spike
 * count n. The input is one image of raw stored values x ({@link InputEncoding#ANALOG}), or a sequence of frames
 * x[0 … T_x − 1] of event counts ({@link InputEncoding#SEQUENCE}). Step t = 1, 2, … does, in order:
 * <ol>
 *   <li>for every population, every neuron: a = fit(q + input, accumulator_bits), q ← 0, where input is the value
 *       of the population's synapse expression on the input alone (spike sources read as 0): on x, the same every
 *       step, or on frame x[t − 1], each count a number of events, and 0 once t &gt; T_x, so that the frame of step
 *       t reaches the populations reading the input in step t (and never sits in q);
 *       v ← v + a + current, or for a population with {@link FixedPoint.IntegerDecay} (δu, δv)
 *       u ← fit(rshift0(u·(4096 − δu)) + a, state_bits) and v ← rshift0(v·(4096 − δv)) + u + current, rshift0
 *       dividing by 4096 toward zero (u starts at 0 and no spike resets it);
 *       v ← max(v, floor) when the population declares one; v ← fit(v, state_bits);
 *       s = [v ≥ θ] ({@code ge}) or [v &gt; θ] ({@code gt}); v ← v − θ·s ({@code subtract}) or v·(1 − s)
 *       ({@code zero}); n ← n + s;</li>
 *   <li>for every max-pool gate, every output: it spikes when the input of its window with the highest n (this
 *       step included) spiked this step; ties go to the first input in row-major window order and padding never
 *       wins;</li>
 *   <li>emit: for every population, q ← its synapse expression (conv2d / dense, with flatten / add / concat between)
 *       evaluated on this step's spike vectors of the populations and gates it reads, so that a spike of step t
 *       reaches the next population in step t + 1 (a recurrent edge, {@code previous}, reads its source's spike vector,
 *       so it too delivers step t's spikes in step t + 1);</li>
 *   <li>readout: with S(t) = θ·n + v + q ({@code membrane}) or n ({@code spikecount}) of the output population
 *       after step t, and S(0) before the first, the argmax of S(t) − S(s), s the window's start (0, or ⌊t/2⌋ for
 *       the later half), ties to the lowest class; with an {@link EarlyExit} (margin in LSBs), the image stops after the step that
 *       completes its streak of margins (top score minus runner-up) ≥ the bound, and its later steps repeat that
 *       step's class, operations and margin (docs/configuration.md, "Early exit").</li>
 * </ol>
 * {@code fit(x, b)} saturates to [−2^(b−1), 2^(b−1)−1] or wraps to the low b bits, as the population's overflow
 * says; in a strict run any fit that changes a value throws {@link FixedPointOverflowException}.
 *
 * <p>The synapse expressions are evaluated by direct loops over Conv2d's and Dense's definitions, in exact long
 * arithmetic. A synaptic operation is one event (a spike, or one of a frame's counted events) reaching one target
 * neuron through a non-padding tap (zero weights included); the analog input costs its synapses' ANN MACs
 * ({@link AnnMacs}, padding products included) once per image. A neuron update is one population neuron in one step.
 *
 * <p>Images run on {@link PerImageWorkers}; each image's arithmetic is fixed, so results do not depend on threads.
 * An instance is immutable and may be shared between threads.
 */
public final class IntegerReference {

    /**
     * How to run.
     *
     * @param steps           the number of steps T, at least 1
     * @param strict          throw {@link FixedPointOverflowException} when a fit changes a value, instead of
     *                        applying the overflow rule
     * @param threads         worker threads over images, at least 1
     * @param tracedImages    the images whose every spike vector is recorded ({@link IntegerResult#trace(int)})
     * @param traceMembranes  also record every population's membranes after each step, for the traced images
     * @param earlyExit       stop each image when its readout settles, the margin in membrane LSBs
     */
    public record RunOptions(int steps, boolean strict, int threads, Set<Integer> tracedImages,
            boolean traceMembranes, Optional<EarlyExit> earlyExit) {

        public RunOptions {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            tracedImages = Set.copyOf(tracedImages);
        }

        /** T steps, not strict, one thread, no trace, no early exit. */
        public static RunOptions of(int steps) {
            return new RunOptions(steps, false, 1, Set.of(), false, Optional.empty());
        }

        public RunOptions withStrict(boolean value) {
            return new RunOptions(steps, value, threads, tracedImages, traceMembranes, earlyExit);
        }

        public RunOptions withThreads(int value) {
            return new RunOptions(steps, strict, value, tracedImages, traceMembranes, earlyExit);
        }

        public RunOptions withTrace(Set<Integer> images, boolean membranes) {
            return new RunOptions(steps, strict, threads, images, membranes, earlyExit);
        }

        public RunOptions withEarlyExit(Optional<EarlyExit> value) {
            return new RunOptions(steps, strict, threads, tracedImages, traceMembranes, value);
        }
    }

    /** A dataset's images as the raw stored integers (u8 pixels as 0 … 255), with their labels. */
    public record RawDataset(long[][] inputs, int[] labels) {
    }

    /** One population, with its integer parameters. */
    private record Population(String name, String input, int size, long threshold, long initialMembrane,
            boolean resetToZero, long[] current, FixedPoint fixed) {
    }

    /** One max-pool gate over population {@code population} ([C,H,W]), with output shape [C,Ho,Wo]. */
    private record GateUnit(String name, int population, int channels, int height, int width, int outHeight,
            int outWidth, Window2d window) {
    }

    private final Graph graph;
    private final Map<String, Shape> shapes;
    private final List<Population> populations = new ArrayList<>();
    private final List<GateUnit> gates = new ArrayList<>();
    private final Map<String, Integer> populationIndex = new HashMap<>();
    private final Map<String, Integer> gateIndex = new HashMap<>();
    private final Map<String, long[]> synapseWeights = new HashMap<>();
    private final List<String> tracedNodes = new ArrayList<>();
    private final int output;
    private final ReadoutMode mode;
    private final ReadoutWindow window;
    private final long analogMacs;
    private final long neurons;
    private final int inputSize;
    /** Whether the input is a sequence of frames of events rather than one analog image. */
    private final boolean sequence;
    /** Per population: whether its synapse expression reads the input. */
    private final boolean[] readsInput;

    /**
     * Checks that {@code graph} is a verified, quantized spiking graph this reference can run.
     *
     * @throws CompilationException if the graph does not verify, or {@link DiagnosticCode#NOT_SIMULATABLE} when it
     *         is not quantized or holds something outside the quantized IR (a Poisson encoder, an EMA gate, a
     *         softmax readout, a node other than the quantized IR's)
     */
    public IntegerReference(Graph graph) {
        this.graph = graph;
        this.shapes = Verifier.verify(graph).shapes();
        this.inputSize = graph.input().shape().size();
        this.sequence = graph.nodes().values().stream()
                .anyMatch(node -> node instanceof SpikeEncoder e && e.encoding() == InputEncoding.SEQUENCE);
        Readout readout = null;
        for (Node node : graph.nodes().values()) {
            if (node instanceof Input) {
                continue;
            } else if (node instanceof SpikeEncoder encoder) {
                if (encoder.encoding() == InputEncoding.POISSON) {
                    throw refuse(node, "the integer reference runs analog and sequence encoders, not poisson '"
                            + node.name() + "'");
                }
                if (!(graph.node(encoder.input()) instanceof Input)) {
                    throw refuse(node, "encoder '" + node.name() + "' does not read the input");
                }
            } else if (node instanceof IfNeurons neurons) {
                addPopulation(neurons);
            } else if (node instanceof MaxPoolGate gate) {
                addGate(gate);
            } else if (node instanceof Conv2d conv) {
                if (conv.bias().isPresent()) {
                    throw refuse(node, "conv2d '" + node.name() + "' still has a bias");
                }
                synapseWeights.put(node.name(), integers(conv.weight(), node));
            } else if (node instanceof Dense dense) {
                if (dense.bias().isPresent()) {
                    throw refuse(node, "dense '" + node.name() + "' still has a bias");
                }
                synapseWeights.put(node.name(), integers(dense.weight(), node));
            } else if (node instanceof Flatten || node instanceof Add || node instanceof Concat
                    || node instanceof PreviousStep) {
                continue;
            } else if (node instanceof Readout r) {
                readout = r;
            } else {
                throw refuse(node, node.operator() + " '" + node.name() + "' is not part of the quantized IR");
            }
        }
        if (populations.isEmpty()) {
            throw refuse(graph.node(graph.output()), "run quantize first: the graph has no populations");
        }
        if (readout == null || !readout.name().equals(graph.output())) {
            throw refuse(graph.node(graph.output()), "the output '" + graph.output() + "' is not a readout");
        }
        if (readout.mode() == ReadoutMode.POISSON_SOFTMAX) {
            throw refuse(readout, "the integer reference reads membrane or spikecount, not softmax");
        }
        Integer out = populationIndex.get(readout.input());
        if (out == null) {
            throw refuse(readout, "readout '" + readout.name() + "' does not read a population");
        }
        this.output = out;
        this.mode = readout.mode();
        this.window = readout.window();
        this.readsInput = new boolean[populations.size()];
        for (int p = 0; p < populations.size(); p++) {
            checkSynapses(populations.get(p), populations.get(p).input(), false);
            readsInput[p] = readsEncoder(populations.get(p).input());
        }
        Map<String, Long> macs = AnnMacs.perLayer(graph);
        long analog = 0;
        for (String synapse : synapseWeights.keySet()) {
            if (!sequence && readsEncoder(graph.node(synapse).inputs().get(0))) {
                analog += macs.getOrDefault(synapse, 0L);
            }
        }
        this.analogMacs = analog;
        this.neurons = populations.stream().mapToLong(Population::size).sum();
    }

    private void addPopulation(IfNeurons neurons) {
        if (neurons.fixed().isEmpty()) {
            throw refuse(neurons, "run quantize first: population '" + neurons.name()
                    + "' has no fixed-point arithmetic");
        }
        int size = shapes.get(neurons.name()).size();
        double theta = neurons.threshold();
        if (theta != Math.rint(theta) || theta < 1) {
            throw refuse(neurons, "population '" + neurons.name() + "' has a non-integer threshold " + theta);
        }
        double initialMembrane = neurons.initialMembrane();
        if (initialMembrane != Math.rint(initialMembrane)) {
            throw refuse(neurons, "population '" + neurons.name() + "' has a non-integer initial membrane "
                    + initialMembrane);
        }
        long[] current = neurons.current().map(c -> integers(c, neurons)).orElse(new long[size]);
        populationIndex.put(neurons.name(), populations.size());
        populations.add(new Population(neurons.name(), neurons.input(), size, (long) theta,
                (long) initialMembrane, neurons.reset() == ResetMode.ZERO, current, neurons.fixed().get()));
        tracedNodes.add(neurons.name());
    }

    private void addGate(MaxPoolGate gate) {
        if (gate.emaDecay().isPresent()) {
            throw refuse(gate, "the integer reference runs running-count gates only; '" + gate.name()
                    + "' is an exponential moving average");
        }
        Integer population = populationIndex.get(gate.input());
        if (population == null) {
            throw refuse(gate, "maxpool_gate '" + gate.name() + "' must read a population");
        }
        int[] in = shapes.get(gate.input()).toArray();
        int[] out = shapes.get(gate.name()).toArray();
        gateIndex.put(gate.name(), gates.size());
        gates.add(new GateUnit(gate.name(), population, in[0], in[1], in[2], out[1], out[2], gate.window()));
        tracedNodes.add(gate.name());
    }

    /** A population reads spike sources (or the encoder) only through conv2d / dense, with joins between. */
    private void checkSynapses(Population population, String value, boolean weighted) {
        Node node = graph.node(value);
        if (node instanceof Conv2d || node instanceof Dense) {
            if (weighted) {
                throw refuse(node, "'" + node.name() + "' is a synapse reading a synapse; population '"
                        + population.name() + "' must read spikes through one weighted layer");
            }
            checkSynapses(population, node.inputs().get(0), true);
        } else if (node instanceof Flatten || node instanceof Add || node instanceof Concat) {
            node.inputs().forEach(operand -> checkSynapses(population, operand, weighted));
        } else if (node instanceof IfNeurons || node instanceof MaxPoolGate || node instanceof SpikeEncoder
                || node instanceof PreviousStep) {
            if (!weighted) {
                throw refuse(node, "population '" + population.name() + "' reads '" + node.name()
                        + "' without a conv2d or dense synapse");
            }
        } else {
            throw refuse(node, "population '" + population.name() + "' reads " + node.operator() + " '"
                    + node.name() + "'");
        }
    }

    /** Whether the synapse expression {@code value} reads the encoder, through synapses, joins or flattens. */
    private boolean readsEncoder(String value) {
        Node node = graph.node(value);
        if (node instanceof SpikeEncoder) {
            return true;
        }
        if (node instanceof Flatten || node instanceof Add || node instanceof Concat || node instanceof Conv2d
                || node instanceof Dense) {
            return node.inputs().stream().anyMatch(this::readsEncoder);
        }
        return false;
    }

    private long[] integers(ParamRef ref, Node node) {
        Tensor tensor = graph.weights().get(ref.key()).orElseThrow(
                () -> refuse(node, "'" + ref.key() + "' has no values"));
        long[] values = new long[tensor.size()];
        for (int i = 0; i < values.length; i++) {
            double x = tensor.get(i);
            if (x != Math.rint(x) || Math.abs(x) > 0x1p62) {
                throw refuse(node, "'" + ref.key() + "' holds " + x + " at flat index " + i
                        + ", which is not an integer: run quantize first");
            }
            values[i] = (long) x;
        }
        return values;
    }

    private static CompilationException refuse(Node node, String why) {
        return CompilationException.of(DiagnosticCode.NOT_SIMULATABLE, node.span(), why);
    }

    /** The number of raw values one image, or one frame of a sequence input, holds. */
    public int inputSize() {
        return inputSize;
    }

    /** Whether the input is a sequence of frames of events ({@link InputEncoding#SEQUENCE}). */
    public boolean sequenceInput() {
        return sequence;
    }

    /** The populations, in definition order. */
    public List<String> populationNames() {
        return populations.stream().map(Population::name).toList();
    }

    /** The populations and gates whose spikes a trace records, in definition order. */
    public List<String> tracedNodes() {
        return List.copyOf(tracedNodes);
    }

    /** {@link #run(long[][], RunOptions)} of int images. */
    public IntegerResult run(int[][] rawInputs, RunOptions options) {
        long[][] wide = new long[rawInputs.length][];
        for (int image = 0; image < wide.length; image++) {
            wide[image] = new long[rawInputs[image].length];
            for (int i = 0; i < wide[image].length; i++) {
                wide[image][i] = rawInputs[image][i];
            }
        }
        return run(wide, options);
    }

    /** T steps, not strict, one thread, no trace. */
    public IntegerResult run(long[][] rawInputs, int steps) {
        return run(rawInputs, RunOptions.of(steps));
    }

    /**
     * Runs every image of {@code rawInputs}, the raw stored input values (u8 pixels as 0 … 255, not scaled), each
     * flat in C order; for a sequence input, each image is its frames one after another, T_x·{@link #inputSize()}
     * event counts (T_x ≥ 0, and may differ between images).
     *
     * @throws IllegalArgumentException if an image does not hold {@link #inputSize()} values, or for a sequence
     *         input, whole frames of counts ≥ 0
     * @throws FixedPointOverflowException in a strict run, at the first fit that changes a value
     */
    public IntegerResult run(long[][] rawInputs, RunOptions options) {
        if (options.earlyExit().isPresent() && mode != ReadoutMode.MEMBRANE) {
            throw new IllegalArgumentException("an early exit reads the membrane readout's margin; this readout is "
                    + mode);
        }
        for (int image = 0; image < rawInputs.length; image++) {
            checkImage(rawInputs[image], image);
        }
        long start = System.nanoTime();
        int images = rawInputs.length;
        int steps = options.steps();
        int[][] predictions = new int[steps][images];
        int[][] byCount = new int[steps][images];
        long[][] eventOps = new long[images][];
        long[][] margins = new long[images][];
        int[] stepsRun = new int[images];
        long[][] spikeTotals = new long[populations.size()][images];
        SpikeTrace[] traces = new SpikeTrace[images];
        PerImageWorkers.run(images, options.threads(), "snnc-intref", () -> null, (unused, image) -> {
            SpikeTrace trace = options.tracedImages().contains(image)
                    ? new SpikeTrace(steps, tracedNodes, populationNames(), options.traceMembranes()) : null;
            ImageRun run = new ImageRun(rawInputs[image], image, options.strict(), trace);
            int[] predicted = new int[steps];
            int[] counted = new int[steps];
            margins[image] = new long[steps];
            eventOps[image] = run.simulate(steps, predicted, counted, margins[image],
                    options.earlyExit().map(EarlyExit::streak));
            stepsRun[image] = run.stepsRun;
            for (int t = 0; t < steps; t++) {
                predictions[t][image] = predicted[t];
                byCount[t][image] = counted[t];
            }
            for (int p = 0; p < populations.size(); p++) {
                spikeTotals[p][image] = run.spikeTotal(p);
            }
            traces[image] = trace;
        });
        Map<String, long[]> spikes = new LinkedHashMap<>();
        for (int p = 0; p < populations.size(); p++) {
            spikes.put(populations.get(p).name(), spikeTotals[p]);
        }
        Map<Integer, SpikeTrace> traced = new LinkedHashMap<>();
        for (int image = 0; image < images; image++) {
            if (traces[image] != null) {
                traced.put(image, traces[image]);
            }
        }
        return new IntegerResult(images, steps, predictions, byCount, eventOps, margins, stepsRun, analogMacs,
                neurons * steps, spikes, traced, System.nanoTime() - start);
    }

    private void checkImage(long[] raw, int image) {
        if (!sequence && raw.length != inputSize) {
            throw new IllegalArgumentException("image " + image + " holds " + raw.length
                    + " values, but the network's input needs " + inputSize);
        }
        if (sequence && raw.length % inputSize != 0) {
            throw new IllegalArgumentException("image " + image + " holds " + raw.length
                    + " values, not whole frames of the " + inputSize + " values of the network's input");
        }
        for (int k = 0; sequence && k < raw.length; k++) {
            if (raw[k] < 0) {
                throw new IllegalArgumentException("value " + raw[k] + " of frame " + k / inputSize + " of image "
                        + image + " is not a count of events");
            }
        }
    }

    /** The state of one image. */
    private final class ImageRun {
        private final long[] x;
        private final int image;
        private final boolean strict;
        private final SpikeTrace trace;
        private final long[][] v;
        /** Per population: the synaptic current u of a CUBA population, starting at 0 (unused without a decay). */
        private final long[][] u;
        private final long[][] q;
        private final long[][] n;
        /** Per population: the input's part of this step's a (the analog current, or this step's frame). */
        private final long[][] input;
        private final long[][] spikes;
        private final long[][] gated;
        /** The steps run: T, or the step at which the early exit stopped the image. */
        private int stepsRun;

        ImageRun(long[] x, int image, boolean strict, SpikeTrace trace) {
            this.x = x;
            this.image = image;
            this.strict = strict;
            this.trace = trace;
            int count = populations.size();
            v = new long[count][];
            u = new long[count][];
            q = new long[count][];
            n = new long[count][];
            input = new long[count][];
            spikes = new long[count][];
            gated = new long[gates.size()][];
            for (int g = 0; g < gates.size(); g++) {
                GateUnit gate = gates.get(g);
                gated[g] = new long[gate.channels() * gate.outHeight() * gate.outWidth()];
            }
            for (int p = 0; p < count; p++) {
                int size = populations.get(p).size();
                v[p] = new long[size];
                Arrays.fill(v[p], populations.get(p).initialMembrane());
                u[p] = new long[size];
                q[p] = new long[size];
                n[p] = new long[size];
                spikes[p] = new long[size];
                input[p] = sequence ? new long[size] : evaluate(populations.get(p).input(), x, false, new long[1]);
            }
        }

        long spikeTotal(int p) {
            long total = 0;
            for (long count : n[p]) {
                total += count;
            }
            return total;
        }

        /**
         * Runs T steps, or until {@code exit} settles; returns the cumulative spike-driven synaptic operations after
         * each step. The classes, margins and operations of the steps after an exit stay those of the exit step.
         */
        long[] simulate(int steps, int[] predicted, int[] counted, long[] margins, Optional<EarlyExit.Streak> exit) {
            long[] ops = new long[steps];
            long cumulative = 0;
            stepsRun = 0;
            boolean settled = false;
            long[][] history = new long[steps + 1][];
            history[0] = readoutScores();
            while (stepsRun < steps && !settled) {
                int t = ++stepsRun;
                long[] stepOps = new long[1];
                if (sequence) {
                    deliverFrame(t, stepOps);
                }
                for (int p = 0; p < populations.size(); p++) {
                    update(p, t);
                }
                for (int g = 0; g < gates.size(); g++) {
                    gate(g);
                }
                for (int p = 0; p < populations.size(); p++) {
                    q[p] = evaluate(populations.get(p).input(), null, true, stepOps);
                }
                cumulative += stepOps[0];
                ops[t - 1] = cumulative;
                if (trace != null) {
                    for (int p = 0; p < populations.size(); p++) {
                        trace.recordSpikes(populations.get(p).name(), t, spikes[p]);
                        trace.recordMembrane(populations.get(p).name(), t, v[p]);
                    }
                    for (int g = 0; g < gates.size(); g++) {
                        trace.recordSpikes(gates.get(g).name(), t, gated[g]);
                    }
                }
                counted[t - 1] = argmax(n[output]);
                history[t] = readoutScores();
                long[] scores = history[t].clone();
                if (window == ReadoutWindow.HALF) {
                    long[] start = history[window.start(t)];
                    Arrays.setAll(scores, k -> scores[k] - start[k]);
                }
                predicted[t - 1] = argmax(scores);
                margins[t - 1] = margin(scores, predicted[t - 1]);
                settled = exit.isPresent() && exit.get().settles(margins[t - 1]);
            }
            for (int t = stepsRun; t < steps; t++) {
                ops[t] = ops[t - 1];
                predicted[t] = predicted[t - 1];
                counted[t] = counted[t - 1];
                margins[t] = margins[t - 1];
            }
            return ops;
        }

        /**
         * The input of step t of the populations that read it: their synapse expressions on frame t − 1, or on
         * nothing after the last frame; its events count into {@code ops}.
         */
        private void deliverFrame(int t, long[] ops) {
            long[] frame = t * (long) inputSize <= x.length
                    ? Arrays.copyOfRange(x, (t - 1) * inputSize, t * inputSize) : null;
            for (int p = 0; p < populations.size(); p++) {
                if (readsInput[p]) {
                    input[p] = frame == null ? new long[populations.get(p).size()]
                            : evaluate(populations.get(p).input(), frame, false, ops);
                }
            }
        }

        /** The top score minus the highest other one; the largest long when there is no other class. */
        private static long margin(long[] scores, int top) {
            long second = Long.MIN_VALUE;
            for (int k = 0; k < scores.length; k++) {
                if (k != top) {
                    second = Math.max(second, scores[k]);
                }
            }
            return second == Long.MIN_VALUE ? Long.MAX_VALUE : scores[top] - second;
        }

        /** S now: θ·n + v + q of the output population, or n for the spike-count readout. */
        private long[] readoutScores() {
            if (mode == ReadoutMode.SPIKE_COUNT) {
                return n[output].clone();
            }
            Population out = populations.get(output);
            long[] score = new long[out.size()];
            for (int k = 0; k < score.length; k++) {
                score[k] = out.threshold() * n[output][k] + v[output][k] + q[output][k];
            }
            return score;
        }

        /** Steps 2–7 of the step for population p. */
        private void update(int p, int t) {
            Population pop = populations.get(p);
            FixedPoint fp = pop.fixed();
            long[] vp = v[p];
            long[] qp = q[p];
            long[] ap = input[p];
            for (int i = 0; i < pop.size(); i++) {
                long exact = qp[i] + ap[i];
                long a = fit(exact, fp.accumulatorBits(), fp.overflow());
                if (strict && a != exact) {
                    throw new FixedPointOverflowException(pop.name(), i, t, image, "accumulator", exact,
                            fp.accumulatorBits());
                }
                qp[i] = 0;
                long state;
                if (fp.decay().isPresent()) {
                    IntegerDecay decay = fp.decay().get();
                    long exactCurrent = IntegerDecay.decayed(u[p][i], decay.current()) + a;
                    u[p][i] = fit(exactCurrent, fp.stateBits(), fp.overflow());
                    if (strict && u[p][i] != exactCurrent) {
                        throw new FixedPointOverflowException(pop.name(), i, t, image, "synaptic current",
                                exactCurrent, fp.stateBits());
                    }
                    state = IntegerDecay.decayed(vp[i], decay.voltage()) + u[p][i] + pop.current()[i];
                } else {
                    state = vp[i] + a + pop.current()[i];
                }
                if (fp.membraneFloor().isPresent()) {
                    state = Math.max(state, fp.membraneFloor().getAsLong());
                }
                long fitted = fit(state, fp.stateBits(), fp.overflow());
                if (strict && fitted != state) {
                    throw new FixedPointOverflowException(pop.name(), i, t, image, "state", state, fp.stateBits());
                }
                boolean spike = fp.fire() == FireComparison.GE ? fitted >= pop.threshold() : fitted > pop.threshold();
                if (spike) {
                    fitted = pop.resetToZero() ? 0 : fitted - pop.threshold();
                }
                vp[i] = fitted;
                spikes[p][i] = spike ? 1 : 0;
                n[p][i] += spike ? 1 : 0;
            }
        }

        /** Step 8 for gate g: every output passes this step's spike of its window's highest running count. */
        private void gate(int g) {
            GateUnit gate = gates.get(g);
            Window2d w = gate.window();
            long[] counts = n[gate.population()];
            long[] s = spikes[gate.population()];
            long[] out = gated[g];
            int plane = gate.height() * gate.width();
            for (int c = 0; c < gate.channels(); c++) {
                for (int i = 0; i < gate.outHeight(); i++) {
                    for (int j = 0; j < gate.outWidth(); j++) {
                        int best = -1;
                        for (int du = 0; du < w.kernelH(); du++) {
                            for (int dv = 0; dv < w.kernelW(); dv++) {
                                int row = i * w.strideH() + du - w.padding().top();
                                int col = j * w.strideW() + dv - w.padding().left();
                                if (row < 0 || row >= gate.height() || col < 0 || col >= gate.width()) {
                                    continue;
                                }
                                int k = c * plane + row * gate.width() + col;
                                if (best < 0 || counts[k] > counts[best]) {
                                    best = k;
                                }
                            }
                        }
                        out[(c * gate.outHeight() + i) * gate.outWidth() + j] = best >= 0 ? s[best] : 0;
                    }
                }
            }
        }

        /**
         * The value of synapse expression {@code value} with the encoder read as {@code encoded} (0 when null) and
         * the populations and gates as this step's spikes when {@code spikes} (else 0), counting into {@code ops}
         * one operation per event per target reached through a non-padding tap.
         */
        private long[] evaluate(String value, long[] encoded, boolean spikes, long[] ops) {
            Node node = graph.node(value);
            if (node instanceof SpikeEncoder) {
                return encoded != null ? encoded.clone() : new long[inputSize];
            } else if (node instanceof IfNeurons || node instanceof PreviousStep) {
                // Synaptic input is evaluated after every population has fired, for the next step: so a recurrent
                // edge, like any route, carries this step's spikes into the next.
                int p = populationIndex.get(node instanceof PreviousStep edge ? edge.source() : value);
                return spikes ? this.spikes[p].clone() : new long[populations.get(p).size()];
            } else if (node instanceof MaxPoolGate) {
                int g = gateIndex.get(value);
                return spikes ? gated[g].clone() : new long[gated[g].length];
            } else if (node instanceof Flatten flatten) {
                return evaluate(flatten.input(), encoded, spikes, ops);
            } else if (node instanceof Add) {
                long[] sum = new long[shapes.get(value).size()];
                for (String operand : node.inputs()) {
                    long[] term = evaluate(operand, encoded, spikes, ops);
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += term[i];
                    }
                }
                return sum;
            } else if (node instanceof Concat) {
                long[] joined = new long[shapes.get(value).size()];
                int offset = 0;
                for (String operand : node.inputs()) {
                    long[] part = evaluate(operand, encoded, spikes, ops);
                    System.arraycopy(part, 0, joined, offset, part.length);
                    offset += part.length;
                }
                return joined;
            } else if (node instanceof Conv2d conv) {
                return conv2d(conv, evaluate(conv.input(), encoded, spikes, ops), ops);
            } else if (node instanceof Dense dense) {
                return dense(dense, evaluate(dense.input(), encoded, spikes, ops), ops);
            }
            throw new IllegalStateException("no synapse value for " + node.operator() + " '" + value + "'");
        }

        /** Conv2d's Javadoc, without bias: y[f,i,j] = Σ_c Σ_u Σ_v W[f,c,u,v]·xpad[g·C/G + c, i·sH + u, j·sW + v]. */
        private long[] conv2d(Conv2d conv, long[] in, long[] ops) {
            int[] inShape = shapes.get(conv.input()).toArray();
            int[] outShape = shapes.get(conv.name()).toArray();
            long[] weight = synapseWeights.get(conv.name());
            int channels = inShape[0];
            int height = inShape[1];
            int width = inShape[2];
            int filters = outShape[0];
            int outHeight = outShape[1];
            int outWidth = outShape[2];
            int groups = conv.groups();
            int perGroup = channels / groups;
            Window2d w = conv.window();
            long[] y = new long[filters * outHeight * outWidth];
            long count = 0;
            for (int f = 0; f < filters; f++) {
                int g = (int) ((long) f * groups / filters);
                for (int i = 0; i < outHeight; i++) {
                    for (int j = 0; j < outWidth; j++) {
                        long sum = 0;
                        for (int c = 0; c < perGroup; c++) {
                            for (int u = 0; u < w.kernelH(); u++) {
                                int row = i * w.strideH() + u - w.padding().top();
                                if (row < 0 || row >= height) {
                                    continue;
                                }
                                for (int vv = 0; vv < w.kernelW(); vv++) {
                                    int col = j * w.strideW() + vv - w.padding().left();
                                    if (col < 0 || col >= width) {
                                        continue;
                                    }
                                    long source = in[((g * perGroup + c) * height + row) * width + col];
                                    if (source != 0) {
                                        sum += weight[((f * perGroup + c) * w.kernelH() + u) * w.kernelW() + vv]
                                                * source;
                                        count += source;
                                    }
                                }
                            }
                        }
                        y[(f * outHeight + i) * outWidth + j] = sum;
                    }
                }
            }
            ops[0] += count;
            return y;
        }

        /** Dense's Javadoc, without bias: y[u] = Σ_n W[u,n]·x[n]. */
        private long[] dense(Dense dense, long[] in, long[] ops) {
            long[] weight = synapseWeights.get(dense.name());
            int inputs = in.length;
            long[] y = new long[dense.units()];
            long count = 0;
            for (int u = 0; u < y.length; u++) {
                long sum = 0;
                for (int k = 0; k < inputs; k++) {
                    if (in[k] != 0) {
                        sum += weight[u * inputs + k] * in[k];
                        count += in[k];
                    }
                }
                y[u] = sum;
            }
            ops[0] += count;
            return y;
        }
    }

    /** The overflow rule on a {@code bits}-bit signed register. */
    static long fit(long value, int bits, Overflow overflow) {
        if (bits >= 64) {
            return value;
        }
        if (overflow == Overflow.SATURATE) {
            long max = (1L << (bits - 1)) - 1;
            long min = -(1L << (bits - 1));
            return Math.max(min, Math.min(max, value));
        }
        int shift = 64 - bits;
        return (value << shift) >> shift;
    }

    /** The first index of the largest value. */
    static int argmax(long[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Reads at most {@code limit} images of an {@code .npz} dataset ({@code x}, {@code y}) for {@code input} as raw
     * stored integers: the input's scale is not applied (it is 1 in a quantized graph anyway).
     *
     * @throws IllegalArgumentException if a stored value is not an integer
     */
    public static RawDataset loadRaw(Path file, Input input, int limit) {
        Input unscaled = new Input(input.name(), input.dtype(), input.shape(), Scale.ONE, input.span());
        Dataset data = Dataset.load(file, unscaled, limit);
        long[][] raw = new long[data.size()][];
        for (int image = 0; image < raw.length; image++) {
            double[] row = data.inputs()[image];
            raw[image] = new long[row.length];
            for (int i = 0; i < row.length; i++) {
                if (row[i] != Math.rint(row[i])) {
                    throw new IllegalArgumentException(file + ": value " + row[i] + " of image " + image
                            + " at " + i + " is not an integer");
                }
                raw[image][i] = (long) row[i];
            }
        }
        return new RawDataset(raw, data.labels());
    }
}
