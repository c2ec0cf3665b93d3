package org.snnc.compiler.nir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.IntFunction;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.frontend.onnx.OnnxNames;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Decay;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
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
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.nir.NirConventions.Recurrence;

/**
 * Imports a feed-forward NIR graph of integrate-and-fire neurons as a spiking graph, read the way its writer's
 * {@link Flavor} steps it ({@link NirConventions#of}): Input → {@code encode(mode=sequence)} → synapses → {@code if}
 * → … → readout. The flavor is given, or named by the graph's metadata {@value Flavor#METADATA_KEY}; a flavor's
 * reset, spike condition and spike count that snnc's populations do not share are warnings
 * ({@link NirFlavorReading}).
 *
 * <p>A graph snnc exported ({@link Flavor#SNNC}) is read back as the IR it was written from, by the records of
 * {@link SnncMetadata} ({@link SnncRecord}): every node's IR name, each population's θ, reset, v0 and fixed-point
 * arithmetic (not the v_threshold written for NIR's {@code >}), the input's dtype, scale and encoding, the grouping
 * of a convolution, the add a node reads, a per-channel Scale as {@code affine}, an integrator I written for a
 * membrane readout as its population, and the readout. No pooling is taken into a convolution, and the nodes keep
 * the file's edge order. What follows describes a foreign graph.
 *
 * <p>Each NIR node becomes the IR value of its (sanitized) name; edges into one node are summed ({@code add}).
 * Conv2d (dilation 1, any stride, padding and groups) becomes {@code conv2d}, Affine and Linear {@code dense} (on a
 * rank-1 value), AvgPool2d {@code avgpool} (padding counted), Flatten of a [C, H, W] value {@code flatten}. Four
 * exact rewrites keep the IR's forms:
 * <ul>
 *   <li>a layer's bias b becomes the constant {@code current} of the IF population that reads the layer (directly,
 *       or through flatten, a uniform Scale or a sum), as an ANN's bias does in conversion;</li>
 *   <li>SumPool2d is {@code avgpool} times its window area a, and a uniform Scale s a factor: such a gain g is carried
 *       along and multiplied into the weights of the next weighted layer;</li>
 *   <li>a pooling whose windows tile its input (kernel = stride, no padding), read by a Conv2d, is taken into the
 *       convolution's kernel ({@link NirKernels}), as a chip's synapses connect one population's spikes to the
 *       next population with one weighted layer between them; any other pooling is an {@code avgpool} of its
 *       own;</li>
 *   <li>an IF population with input u = r ⊙ (g·y + b) (y the IR synapse value) and thresholds θ fires as
 *       one with input y + b/g and threshold θ/(r·g) when θ/(r·g) is one number Θ, so Θ becomes the population's
 *       θ; otherwise every neuron i is divided by its own θ_i: the weights into it are multiplied by
 *       k_i = r_i·g/θ_i, its current is r_i·b_i/θ_i, and θ = 1. Dividing v by a positive constant keeps every
 *       comparison, and a reset to v_reset = 0 or by subtraction commutes with it.</li>
 * </ul>
 * LIF and CubaLIF become populations with a {@link Decay}, stepped by forward Euler at the flavor's dt
 * ({@link #leaky}, {@link #currentBased}). A cycle is delayed at the edge out of its neuron node
 * ({@link Recurrence#NEURON_OUTPUT}), which becomes a recurrent edge, {@link PreviousStep}: the population's spikes of
 * the previous step, read by the rest of the cycle in this step. What snnc's populations cannot hold is refused with
 * {@link DiagnosticCode#NIR_NOT_COMPILABLE} naming the node: v_reset ≠ 0, v_leak ≠ 0, leaky integrators without
 * spikes (LI, CubaLI), integrators, Delay, Threshold, Conv1d, dilation, a cycle without a neuron node, and an output
 * that is not an IF population's spikes. The output gets a
 * spike-count readout, since NIR outputs are spikes.
 */
public final class NirImporter {

    /** A remark on how the file was read; warnings say where snnc's reading differs from the flavor's. */
    public record Note(boolean warning, String text) {
        @Override
        public String toString() {
            return (warning ? "warning: " : "note: ") + text;
        }
    }

    /** The imported graph and the notes on how it was read. */
    public record Imported(Graph graph, List<Note> notes) {
        public Imported {
            notes = List.copyOf(notes);
        }
    }

    /**
     * The IR form of a NIR node's output: true value = gain · (IR value {@code node}) + constant.
     *
     * @param node     the IR value
     * @param shape    its shape
     * @param gain     the factor that the IR value is still to be multiplied by
     * @param constant the bias part, of {@code shape}, in true units, if any
     * @param source   the NIR node whose weighted layer computes {@code node}, if it is one (for folding)
     * @param pool     the pooling that computes {@code node}, while it is not yet in the graph
     */
    private record Value(String node, Shape shape, double gain, Optional<double[]> constant, Optional<String> source,
            Optional<PendingPool> pool) {

        Value(String node, Shape shape, double gain, Optional<double[]> constant, Optional<String> source) {
            this(node, shape, gain, constant, source, Optional.empty());
        }

        Value scaled(double factor) {
            return new Value(node, shape, gain * factor,
                    constant.map(c -> Arrays.stream(c).map(x -> x * factor).toArray()), source, pool);
        }
    }

    /** The spike rule's fields of a spiking NIR node: its thresholds and reset potentials. */
    private record Firing(Tensor vThreshold, Tensor vReset) {
    }

    /**
     * A pooling (the mean over each window; SumPool2d's factor is in the value's gain) that is written to the graph
     * only when something other than a convolution reads it: a convolution takes it into its kernel instead.
     *
     * @param nirNode          the NIR node
     * @param input            the IR value it pools, of shape {@code inputShape}
     * @param countIncludePad  whether the IR's avgpool counts the padding: NIR's always does, and snnc's records
     *                         say whether the pool it wrote (without padding, where the flag makes no difference)
     *                         did
     */
    private record PendingPool(String nirNode, String input, Shape inputShape, Window2d window,
            boolean countIncludePad) {
    }

    private final NirGraph nir;
    private final Flavor flavor;
    private final NirConventions conventions;
    private final SourceSpan span;
    private final GraphBuilder builder;
    private final OnnxNames names = new OnnxNames();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, List<String>> sources = new LinkedHashMap<>();
    private final Map<String, Integer> readers = new HashMap<>();
    private final List<Note> notes = new ArrayList<>();
    private final List<String> populations = new ArrayList<>();
    /** Per node, the sources of the back edges into it: the populations whose previous spikes it reads. */
    private final Map<String, List<String>> recurrentSources = new LinkedHashMap<>();
    /** The IR names given ahead of their nodes, to populations that recurrent edges read. */
    private final Map<String, String> reservedNames = new HashMap<>();
    /** The recurrent edge ({@code previous}) out of each population that one reads, by NIR node. */
    private final Map<String, Value> previousSpikes = new HashMap<>();
    /** The edges that close cycles, each out of a neuron node. */
    private final Set<NirEdge> backEdges;
    /** The output shapes of the nodes of a graph with recurrent edges, as NIR's shape inference gives them. */
    private final Map<String, Shape> recurrentShapes;
    private String output;

    private NirImporter(NirGraph nir, Flavor flavor, String name, SourceSpan span) {
        this.nir = nir;
        this.flavor = flavor;
        // A flavor without a dt of its own (NIR's text) steps one unit of time per step.
        this.conventions = NirConventions.of(flavor, flavor.dt().isPresent() ? OptionalDouble.empty()
                : OptionalDouble.of(1));
        this.span = span;
        this.builder = Graph.builder(flavor == Flavor.SNNC ? nir.metadata().getOrDefault(SnncMetadata.NETWORK_KEY, name)
                : name).span(span);
        nir.nodes().keySet().forEach(node -> sources.put(node, new ArrayList<>()));
        NirSchedule schedule = NirSchedule.of(nir, Recurrence.NEURON_OUTPUT, span);
        this.backEdges = schedule.backEdges();
        this.recurrentShapes = backEdges.isEmpty() ? Map.of() : NirShapes.infer(nir, schedule, span).outputs();
        for (NirEdge edge : nir.edges()) {
            if (backEdges.contains(edge)) {
                if (!NirParameters.isNeuron(nir.nodes().get(edge.source()))) {
                    throw refuse(edge.target(), "it is on a cycle without a neuron node, through the edge " + edge
                            + "; a chip delays a cycle only at a population's spikes");
                }
                recurrentSources.computeIfAbsent(edge.target(), n -> new ArrayList<>()).add(edge.source());
            } else {
                sources.get(edge.target()).add(edge.source());
            }
            readers.merge(edge.source(), 1, Integer::sum);
        }
    }

    /**
     * Imports {@code graph} (nested graphs are flattened first) as the network {@code name}; {@code span} locates
     * the file in diagnostics.
     *
     * @throws CompilationException {@link DiagnosticCode#NIR_NOT_COMPILABLE} for what snnc cannot hold, or when no
     *         flavor is given and the graph names none; {@link DiagnosticCode#NIR_SHAPE_MISMATCH} for parameters
     *         whose shapes do not fit
     */
    public static Imported importGraph(NirGraph graph, String name, SourceSpan span, NirImportOptions options) {
        NirGraph flat = graph.flattened();
        Optional<Flavor> written = NirFlavorReading.written(flat, span);
        Flavor flavor = options.flavor().or(() -> written).orElseThrow(() -> CompilationException.of(
                DiagnosticCode.NIR_NOT_COMPILABLE, span, "<root>", "NIRGraph", "NIR leaves the reset and the "
                        + "firing rule to each framework and the file does not say which wrote it; give "
                        + "--nir-flavor " + String.join("|", NirFlavorReading.flavorNames())));
        NirImporter importer = new NirImporter(flat, flavor, name, span);
        importer.notes.addAll(NirFlavorReading.reading(flavor, importer.conventions, written,
                options.flavor().isPresent()));
        for (String node : importer.topologicalOrder()) {
            importer.visit(node);
        }
        importer.notes.addAll(NirFlavorReading.differences(flavor, importer.conventions, importer.populations));
        return new Imported(importer.builder.output(importer.requireOutput()).build(), importer.notes);
    }

    /**
     * The nodes in an order where every node follows its sources, taking among the ready nodes first those without
     * an incoming edge (in the file's order), then the one whose first incoming edge comes first in the file: the
     * order of the IR nodes for a graph snnc wrote. Back edges are left out: they close the cycles.
     */
    private List<String> topologicalOrder() {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        sources.forEach((node, from) -> waiting.put(node, from.size()));
        Map<String, Integer> firstEdge = new HashMap<>();
        int position = -waiting.size();
        for (String node : waiting.keySet()) {
            firstEdge.put(node, position++);
        }
        for (int i = nir.edges().size() - 1; i >= 0; i--) {
            firstEdge.put(nir.edges().get(i).target(), i);
        }
        PriorityQueue<String> ready = new PriorityQueue<>(Comparator.comparingInt(firstEdge::get));
        waiting.forEach((node, count) -> {
            if (count == 0) {
                ready.add(node);
            }
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String node = ready.poll();
            order.add(node);
            for (NirEdge edge : nir.edges()) {
                if (edge.source().equals(node) && !backEdges.contains(edge)
                        && waiting.merge(edge.target(), -1, Integer::sum) == 0) {
                    ready.add(edge.target());
                }
            }
        }
        return order;
    }

    private void visit(String name) {
        NirNode node = nir.nodes().get(name);
        List<String> from = sources.get(name);
        List<String> recurrent = recurrentSources.getOrDefault(name, List.of());
        if (node instanceof NirNode.Input input && from.isEmpty() && recurrent.isEmpty()) {
            input(name, input);
            return;
        }
        if (from.isEmpty() && recurrent.isEmpty()) {
            throw refuse(name, "no edge leads into it");
        }
        List<Value> operands = new ArrayList<>();
        from.forEach(source -> operands.add(values.get(source)));
        recurrent.forEach(source -> operands.add(previousSpikes(source)));
        Value in = sum(name, operands);
        if (node instanceof NirNode.Input || node instanceof NirNode.Output && readers.containsKey(name)) {
            values.put(name, in);
        } else if (node instanceof NirNode.Output) {
            readout(name, in);
        } else if (node instanceof NirNode.Conv2d conv) {
            conv(name, conv, in);
        } else if (node instanceof NirNode.Affine affine) {
            dense(name, affine.weight(), Optional.of(affine.bias()), in);
        } else if (node instanceof NirNode.Linear linear) {
            dense(name, linear.weight(), Optional.empty(), in);
        } else if (node instanceof NirNode.SumPool2d pool) {
            pool(name, pool.kernelSize(), pool.stride(), pool.padding(), in, true);
        } else if (node instanceof NirNode.AvgPool2d pool) {
            pool(name, pool.kernelSize(), pool.stride(), pool.padding(), in, false);
        } else if (node instanceof NirNode.Flatten flatten) {
            flatten(name, flatten, in);
        } else if (node instanceof NirNode.Scale scale && flavor == Flavor.SNNC) {
            affine(name, scale, in);
        } else if (node instanceof NirNode.Scale scale) {
            double factor = uniform(scale.scale()).orElseThrow(() -> refuse(name, "its factors differ between "
                    + "elements; snnc carries a Scale only as one factor"));
            values.put(name, in.scaled(factor));
        } else if (node instanceof NirNode.IF neurons) {
            population(name, in, Optional.of(new Firing(neurons.vThreshold(), neurons.vReset())),
                    size -> integrated(name, neurons.r(), size), Optional.empty());
        } else if (node instanceof NirNode.I integrator && flavor == Flavor.SNNC) {
            population(name, in, Optional.empty(), size -> integrated(name, integrator.r(), size), Optional.empty());
        } else if (node instanceof NirNode.LIF neurons) {
            leaky(name, in, neurons);
        } else if (node instanceof NirNode.CubaLIF neurons) {
            currentBased(name, in, neurons);
        } else {
            throw refuse(name, unsupported(node));
        }
    }

    /** Why snnc's IR cannot hold {@code node}, a type the import does not map. */
    private static String unsupported(NirNode node) {
        return switch (node.type()) {
            case "LI", "CubaLI" -> "a leaky integrator's output is its membrane, not spikes; snnc's populations "
                    + "spike and its output counts spikes";
            case "I" -> "an integrator without threshold does not spike";
            case "Threshold" -> "a stateless Heaviside has no counterpart in snnc's IF populations";
            case "Delay" -> "snnc's synapses deliver within the step; it has no delays";
            case "Conv1d" -> "snnc convolves over two spatial axes only";
            default -> "snnc does not map NIR's " + node.type() + " nodes";
        };
    }

    private void input(String name, NirNode.Input input) {
        if (builder.nodes().values().stream().anyMatch(Input.class::isInstance)) {
            throw refuse(name, "a second input; snnc networks have exactly one");
        }
        Shape shape = Shape.of(input.shape().stream().mapToInt(Integer::intValue).toArray());
        String raw = irName(name);
        if (flavor == Flavor.SNNC) {
            SnncRecord record = snncRecord(name, SnncMetadata.NODE_KEY);
            builder.add(new Input(raw, record.word("dtype", DType.class), shape, record.scale(), span));
            builder.add(new SpikeEncoder(record.field("encoder"), raw,
                    record.word("encoding", InputEncoding.class), record.integer("seed"), span));
            values.put(name, new Value(record.field("encoder"), shape, 1, Optional.empty(), Optional.empty()));
            return;
        }
        String encoded = names.newValueName(name + ".encoded");
        builder.add(new Input(raw, DType.F32, shape, Scale.ONE, span));
        builder.add(new SpikeEncoder(encoded, raw, InputEncoding.SEQUENCE, 0, span));
        values.put(name, new Value(encoded, shape, 1, Optional.empty(), Optional.empty()));
        notes.add(new Note(false, "input '" + raw + "' takes sequences: data x of shape [N, T, "
                + String.join(", ", input.shape().stream().map(String::valueOf).toList())
                + "], frame t delivered as events at step t"));
    }

    /**
     * The recurrent edge out of population {@code source} (a NIR neuron node not yet visited): its spikes of the
     * previous step, a {@link PreviousStep} of the shape NIR's shape inference gives the node. The population's IR
     * name is fixed here, ahead of it.
     */
    private Value previousSpikes(String source) {
        return previousSpikes.computeIfAbsent(source, s -> {
            String population = reservedNames.computeIfAbsent(s, this::newIrName);
            Shape shape = recurrentShapes.get(s);
            String name = flavor == Flavor.SNNC ? snncRecord(s, SnncMetadata.POPULATION_KEY).field("previous")
                    : names.newValueName(population + ".previous");
            builder.add(new PreviousStep(name, population, shape, span));
            return new Value(name, shape, 1, Optional.empty(), Optional.empty());
        });
    }

    /** The sum of {@code from}, the values of the edges into {@code name}: an add when there are several. */
    private Value sum(String name, List<Value> from) {
        if (from.size() == 1) {
            return from.get(0);
        }
        List<Value> operands = from.stream().map(this::written).toList();
        Value first = operands.get(0);
        for (Value operand : operands) {
            if (!operand.shape().equals(first.shape())) {
                throw CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, type(name),
                        "its inputs have shapes " + first.shape() + " and " + operand.shape());
            }
            if (operand.gain() != first.gain()) {
                throw refuse(name, "its inputs carry different factors (" + first.gain() + " and "
                        + operand.gain() + ") from SumPool2d or Scale nodes; snnc's add has no weights");
            }
        }
        double[] constant = new double[first.shape().size()];
        boolean anyConstant = false;
        for (Value operand : operands) {
            if (operand.constant().isPresent()) {
                anyConstant = true;
                double[] c = operand.constant().get();
                Arrays.setAll(constant, i -> constant[i] + c[i]);
            }
        }
        String sum = sumName(name);
        builder.add(new Add(sum, operands.stream().map(Value::node).toList(), span));
        return new Value(sum, first.shape(), first.gain(), anyConstant ? Optional.of(constant) : Optional.empty(),
                Optional.empty());
    }

    /** The IR name of the add that sums the edges into {@code name}: the one snnc recorded, else {@code name.sum}. */
    private String sumName(String name) {
        if (flavor == Flavor.SNNC && snncRecord(name, SnncMetadata.NODE_KEY).has("sum")) {
            return snncRecord(name, SnncMetadata.NODE_KEY).field("sum");
        }
        return names.newValueName(name + ".sum");
    }

    private void conv(String name, NirNode.Conv2d conv, Value in) {
        if (conv.weight().shape().rank() != 4) {
            throw fieldShape(name, "weight", conv.weight().shape(), "[F, C/groups, kH, kW]");
        }
        int groups = flavor == Flavor.SNNC ? recordedGroups(name) : conv.groups();
        Tensor kernelWeight = groups == conv.groups() ? conv.weight() : NirKernels.grouped(conv.weight(), groups);
        int[] w = kernelWeight.shape().toArray();
        if (in.shape().rank() != 3) {
            throw CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, "Conv2d",
                    "it reads shape " + in.shape() + ", not [C, H, W]");
        }
        if (!conv.dilation().equals(List.of(1, 1))) {
            throw refuse(name, "dilation " + conv.dilation() + "; snnc convolves with dilation 1");
        }
        if (groups < 1 || in.shape().dim(0) != w[1] * groups || w[0] % groups != 0) {
            throw CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, "Conv2d", "weight "
                    + kernelWeight.shape() + " in " + groups + " group(s) does not fit input " + in.shape());
        }
        Window2d window = new Window2d(w[2], w[3], conv.stride().get(0), conv.stride().get(1),
                convPadding(name, conv, w[2], w[3]));
        Shape out = Shape.of(w[0], windowFits(name, window, in.shape()).get(0),
                window.outputWidth(in.shape().dim(2)));
        requireNoConstant(name, in);
        String ir = irName(name);
        String operand;
        Tensor kernel;
        if (flavor != Flavor.SNNC && in.pool().isPresent()
                && NirKernels.tiles(in.pool().get().window(), in.pool().get().inputShape())) {
            PendingPool pool = in.pool().get();
            operand = pool.input();
            kernel = NirKernels.throughPool(kernelWeight, pool.window(), in.gain());
            window = NirKernels.throughPool(window, pool.window());
            notes.add(new Note(false, "'" + pool.nirNode() + "' (" + type(pool.nirNode()) + ") is taken into the "
                    + "kernel of '" + ir + "': " + window.kernelH() + "×" + window.kernelW() + ", stride "
                    + window.strideH() + ", exact since the pool's windows tile its input"));
        } else {
            operand = written(in).node();
            kernel = NirKernels.times(kernelWeight, in.gain());
        }
        ParamRef weight = builder.addWeight(ir + ".weight", kernel, span);
        builder.add(new Conv2d(ir, operand, w[0], window, groups, weight, Optional.empty(), span));
        values.put(name, new Value(ir, out, 1, biasOver(name, conv.bias(), out, w[0], out.size() / w[0]),
                Optional.of(name)));
    }

    /** The groups of the conv snnc wrote as NIR node {@code name}: its record's, else 1. */
    private int recordedGroups(String name) {
        SnncRecord record = snncRecord(name, SnncMetadata.NODE_KEY);
        return record.has("groups") ? (int) record.integer("groups") : 1;
    }

    /** {@code value} with its pooling, if still pending, written to the graph as an avgpool. */
    private Value written(Value value) {
        if (value.pool().isEmpty()) {
            return value;
        }
        PendingPool pool = value.pool().get();
        if (!builder.contains(value.node())) {
            builder.add(new AvgPool(value.node(), pool.input(), pool.window(), pool.countIncludePad(), span));
            if (type(pool.nirNode()).equals("SumPool2d")) {
                notes.add(new Note(false, "'" + pool.nirNode() + "' (SumPool2d) is avgpool '" + value.node()
                        + "' times " + pool.window().kernelH() * pool.window().kernelW() + ", a factor that the "
                        + "next weighted layer's weights or population's threshold take"));
            }
        }
        return new Value(value.node(), value.shape(), value.gain(), value.constant(), value.source());
    }

    private Padding convPadding(String name, NirNode.Conv2d conv, int kernelH, int kernelW) {
        return switch (conv.paddingMode()) {
            case "" -> Padding.symmetric(conv.padding().get(0), conv.padding().get(1));
            case "valid" -> Padding.NONE;
            case "same" -> {
                if (!conv.stride().equals(List.of(1, 1))) {
                    throw refuse(name, "padding 'same' with stride " + conv.stride() + "; PyTorch allows it with "
                            + "stride 1 only");
                }
                yield new Padding((kernelH - 1) / 2, (kernelW - 1) / 2, kernelH / 2, kernelW / 2);
            }
            default -> throw refuse(name, "padding '" + conv.paddingMode() + "'; NIR writes two integers, 'same' "
                    + "or 'valid'");
        };
    }

    private void dense(String name, Tensor weight, Optional<Tensor> bias, Value pending) {
        Value in = written(pending);
        int[] w = weight.shape().toArray();
        if (w.length != 2) {
            throw fieldShape(name, "weight", weight.shape(), "[out, in]");
        }
        if (in.shape().rank() != 1 || in.shape().dim(0) != w[1]) {
            throw CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, type(name), "weight "
                    + weight.shape() + " does not fit its input of shape " + in.shape()
                    + (in.shape().rank() != 1 ? "; snnc's dense layers read a flattened value" : ""));
        }
        requireNoConstant(name, in);
        String ir = irName(name);
        ParamRef ref = builder.addWeight(ir + ".weight", NirKernels.times(weight, in.gain()), span);
        builder.add(new Dense(ir, in.node(), w[0], ref, Optional.empty(), span));
        Shape out = Shape.of(w[0]);
        values.put(name, new Value(ir, out, 1, bias.flatMap(b -> biasOver(name, b, out, w[0], 1)),
                Optional.of(name)));
    }

    private void pool(String name, List<Integer> kernel, List<Integer> stride, List<Integer> padding,
            Value pending, boolean sum) {
        Value in = written(pending);
        if (in.shape().rank() != 3) {
            throw CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, type(name),
                    "it reads shape " + in.shape() + ", not [C, H, W]");
        }
        requireNoConstant(name, in);
        Window2d window = new Window2d(kernel.get(0), kernel.get(1), stride.get(0), stride.get(1),
                Padding.symmetric(padding.get(0), padding.get(1)));
        Shape out = Shape.of(in.shape().dim(0), windowFits(name, window, in.shape()).get(0),
                window.outputWidth(in.shape().dim(2)));
        double area = kernel.get(0) * kernel.get(1);
        boolean countIncludePad = flavor != Flavor.SNNC
                || snncRecord(name, SnncMetadata.NODE_KEY).flag("count_include_pad");
        values.put(name, new Value(irName(name), out, sum ? in.gain() * area : in.gain(),
                Optional.empty(), Optional.empty(), Optional.of(new PendingPool(name, in.node(), in.shape(),
                        window, countIncludePad))));
    }

    private void flatten(String name, NirNode.Flatten flatten, Value pending) {
        Value in = written(pending);
        int rank = in.shape().rank();
        int start = flatten.startDim() < 0 ? flatten.startDim() + rank : flatten.startDim();
        int end = flatten.endDim() < 0 ? flatten.endDim() + rank : flatten.endDim();
        if (rank == 1 || start == end) {
            values.put(name, in);
            return;
        }
        if (rank != 3 || start != 0 || end != 2) {
            throw refuse(name, "it merges axes " + start + " … " + end + " of shape " + in.shape()
                    + "; snnc flattens a whole [C, H, W] value");
        }
        String ir = irName(name);
        builder.add(new Flatten(ir, in.node(), span));
        values.put(name, new Value(ir, Shape.of(in.shape().size()), in.gain(), in.constant(), Optional.empty()));
    }

    /**
     * LIF, τ·dv/dt = v_leak − v + r·x, stepped by forward Euler at the flavor's dt: v ← v·(1 − dt/τ) + (dt/τ)·r·x,
     * a population with δu = 1 (u is this step's input), δv = dt/τ and input factor r·dt/τ; v_leak must be 0.
     */
    private void leaky(String name, Value pending, NirNode.LIF neurons) {
        double dt = dt(name);
        int size = pending.shape().size();
        requireNoLeak(name, neurons.vLeak(), size);
        double[] tau = perNeuron(name, "tau", neurons.tau(), size);
        double[] r = perNeuron(name, "r", neurons.r(), size);
        double voltage = uniformDecay(name, "dt/tau", dt, tau);
        population(name, pending, Optional.of(new Firing(neurons.vThreshold(), neurons.vReset())), n -> {
            double[] factor = new double[n];
            Arrays.setAll(factor, i -> r[i] * dt / tau[i]);
            return factor;
        }, Optional.of(new Decay(1, voltage)));
    }

    /**
     * CubaLIF, τ_syn·dI/dt = −I + w_in·x and τ_mem·dv/dt = v_leak − v + r·I, stepped by forward Euler at the flavor's
     * dt with the membrane reading this step's current: I ← I·(1 − dt/τ_syn) + (dt/τ_syn)·w_in·x and
     * v ← v·(1 − dt/τ_mem) + (dt/τ_mem)·r·I. With u = (dt/τ_mem)·r·I that is the IR's CUBA population, δu = dt/τ_syn,
     * δv = dt/τ_mem, whose input factor (r·dt/τ_mem)·(w_in·dt/τ_syn) is folded into the weights (exactly 1 for lava-dl
     * and snnTorch files). v_leak must be 0, and the input may carry no bias: a constant into I is no current of v.
     */
    private void currentBased(String name, Value pending, NirNode.CubaLIF neurons) {
        double dt = dt(name);
        int size = pending.shape().size();
        requireNoLeak(name, neurons.vLeak(), size);
        double[] tauSyn = perNeuron(name, "tau_syn", neurons.tauSyn(), size);
        double[] tauMem = perNeuron(name, "tau_mem", neurons.tauMem(), size);
        double[] r = perNeuron(name, "r", neurons.r(), size);
        double[] wIn = perNeuron(name, "w_in", neurons.wIn(), size);
        double current = uniformDecay(name, "dt/tau_syn", dt, tauSyn);
        double voltage = uniformDecay(name, "dt/tau_mem", dt, tauMem);
        if (current < 1) {
            requireNoConstant(name, pending);
        }
        if (conventions.synapseInput() != NirConventions.SynapseInput.INTEGRATED
                || conventions.cubaCurrent() != NirConventions.CubaCurrent.THIS_STEP) {
            throw refuse(name, "flavor " + flavor.cliName() + " steps a CUBA synapse as " + conventions.synapseInput()
                    + " with the membrane reading the " + conventions.cubaCurrent() + " current; snnc's import takes "
                    + "the integrated synapse and this step's current (snnTorch, lava-dl)");
        }
        population(name, pending, Optional.of(new Firing(neurons.vThreshold(), neurons.vReset())), n -> {
            double[] factor = new double[n];
            Arrays.setAll(factor, i -> r[i] * dt / tauMem[i] * wIn[i] * dt / tauSyn[i]);
            return factor;
        }, Optional.of(new Decay(current, voltage)));
    }

    /** r times the flavor's integrator step: the input factor of I and IF. */
    private double[] integrated(String name, Tensor rField, int size) {
        double[] r = perNeuron(name, "r", rField, size);
        Arrays.setAll(r, i -> r[i] * NirFlavorReading.integratorStep(conventions));
        return r;
    }

    /**
     * The flavor's dt, else the one the graph's own parameters prove ({@link NirDtInference}); the flavor must step
     * leaks by forward Euler, as the decays here are dt/τ.
     */
    private double dt(String name) {
        if (conventions.integration() != NirConventions.Integration.EULER) {
            throw refuse(name, "flavor " + flavor.cliName() + " steps leaks by " + conventions.integration()
                    + " decay; snnc's import takes forward Euler (snnTorch, Norse, lava-dl)");
        }
        if (flavor.dt().isPresent()) {
            return flavor.dt().getAsDouble();
        }
        return NirDtInference.infer(nir).map(NirDtInference::dt).orElseThrow(() -> refuse(name, "a leaky neuron "
                + "needs the writer's dt, which flavor " + flavor.cliName() + " does not state and the graph does "
                + "not prove; give --nir-flavor of the framework that wrote it"));
    }

    private void requireNoLeak(String name, Tensor vLeak, int size) {
        if (Arrays.stream(perNeuron(name, "v_leak", vLeak, size)).anyMatch(v -> v != 0)) {
            throw refuse(name, "v_leak ≠ 0; snnc's leaky neurons decay toward 0");
        }
    }

    /** dt/τ, one value for the whole population and at most 1 (forward Euler is stable only there). */
    private double uniformDecay(String name, String what, double dt, double[] tau) {
        double decay = dt / tau[0];
        if (Arrays.stream(tau).anyMatch(t -> t != tau[0])) {
            throw refuse(name, what + " differs between neurons; snnc's decays are one per population");
        }
        if (!(decay > 0 && decay <= 1)) {
            throw refuse(name, what + " = " + decay + " at dt = " + dt + " is not in (0, 1]");
        }
        return decay;
    }

    /**
     * The population of NIR node {@code name}: a spiking node ({@code firing}: IF, LIF, CubaLIF), or under
     * {@link Flavor#SNNC} an integrator I that snnc wrote in place of a population read by its membrane, whose θ,
     * reset and v0 are in the population's record. Its input is multiplied by {@code inputFactor} (r for IF), and
     * it decays by {@code decay}.
     */
    private void population(String name, Value pending, Optional<Firing> firing, IntFunction<double[]> inputFactor,
            Optional<Decay> decay) {
        Value in = written(pending);
        int size = in.shape().size();
        if (firing.isPresent()) {
            double[] reset = perNeuron(name, "v_reset", firing.get().vReset(), size);
            if (Arrays.stream(reset).anyMatch(v -> v != 0)) {
                throw refuse(name, "v_reset = " + firing.get().vReset().get(0) + " ≠ 0; snnc's neurons reset to 0 "
                        + "or by subtracting θ");
            }
        }
        Optional<SnncRecord> record = flavor == Flavor.SNNC
                ? Optional.of(snncRecord(name, SnncMetadata.POPULATION_KEY)) : Optional.empty();
        double[] threshold = record.isPresent() ? filled(size, record.get().number("threshold"))
                : perNeuron(name, "v_threshold", firing.orElseThrow().vThreshold(), size);
        double[] r = inputFactor.apply(size);
        if (Arrays.stream(threshold).anyMatch(t -> !(t > 0)) || Arrays.stream(r).anyMatch(x -> !(x > 0))
                || !(in.gain() > 0)) {
            throw refuse(name, "snnc's thresholds are positive and its inputs arrive with a positive factor; "
                    + "v_threshold, r and the factor of SumPool2d and Scale nodes must be > 0");
        }
        double[] effective = new double[size];
        Arrays.setAll(effective, i -> threshold[i] / (r[i] * in.gain()));
        double[] constant = in.constant().orElse(new double[size]);
        String ir = irName(name);
        double theta;
        double initial = 0;
        double[] current = new double[size];
        if (Arrays.stream(effective).allMatch(t -> t == effective[0])) {
            theta = effective[0];
            Arrays.setAll(current, i -> constant[i] / in.gain());
            if (theta != threshold[0]) {
                notes.add(new Note(false, "IF '" + name + "': θ = " + theta + " holds v_threshold / (r·g) = "
                        + threshold[0] + " / (" + r[0] + "·" + in.gain() + ")"));
            }
            if (record.isPresent()) {
                initial = record.get().number("v0") / (r[0] * in.gain());
                if (!(initial >= 0 && initial < theta)) {
                    throw record.get().bad("v0");
                }
            }
        } else if (record.isPresent()) {
            throw refuse(name, "its r differs between neurons; snnc writes r = 1, and its v0 is one number");
        } else {
            double[] factor = new double[size];
            Arrays.setAll(factor, i -> r[i] * in.gain() / threshold[i]);
            foldIntoWeights(name, in, factor);
            Arrays.setAll(current, i -> r[i] * constant[i] / threshold[i]);
            theta = 1;
            notes.add(new Note(false, "IF '" + name + "': its thresholds differ between neurons, so each neuron's "
                    + "weights and current are divided by its own θ (times r), and θ = 1"));
        }
        Optional<ParamRef> currentRef = Arrays.stream(current).allMatch(c -> c == 0) ? Optional.empty()
                : Optional.of(builder.addWeight(ir + ".current", Tensor.wrap(in.shape(), current), span));
        ResetMode reset = record.isPresent() ? record.get().word("reset", ResetMode.class) : resetMode(name);
        Optional<FixedPoint> fixed = record.filter(fields -> fields.has("weight_bits")).map(SnncRecord::fixedPoint);
        builder.add(new IfNeurons(ir, in.node(), theta, reset, initial, currentRef, decay, fixed, span));
        populations.add(ir);
        values.put(name, new Value(ir, in.shape(), 1, Optional.empty(), Optional.empty()));
    }

    /** The reset of snnc's populations that the flavor's reset becomes; a delayed subtraction is warned about. */
    private ResetMode resetMode(String name) {
        return switch (conventions.reset()) {
            case ZERO -> ResetMode.ZERO;
            case SUBTRACT, SUBTRACT_DELAYED -> ResetMode.SUBTRACT;
            case NONE -> throw refuse(name, flavor + "'s neurons keep v after a spike; snnc's reset to 0 or "
                    + "subtract θ");
        };
    }

    /**
     * A Scale that snnc wrote for an {@code affine}: its factors, one per channel over the value's shape, are the
     * affine's a[c] (times the factor the value still carries).
     */
    private void affine(String name, NirNode.Scale scale, Value pending) {
        Value in = written(pending);
        requireNoConstant(name, in);
        Tensor factors = scale.scale();
        if (factors.size() != in.shape().size()) {
            throw fieldShape(name, "scale", factors.shape(), in.shape().toString());
        }
        int channels = in.shape().dim(0);
        int perChannel = factors.size() / channels;
        double[] perChannelFactor = new double[channels];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < perChannel; i++) {
                if (factors.get(c * perChannel + i) != factors.get(c * perChannel)) {
                    throw refuse(name, "its factors differ within channel " + c + "; snnc's affine has one per "
                            + "channel");
                }
            }
            perChannelFactor[c] = factors.get(c * perChannel) * in.gain();
        }
        String ir = irName(name);
        ParamRef ref = builder.addWeight(ir + ".scale", Tensor.wrap(Shape.of(channels), perChannelFactor), span);
        builder.add(new Affine(ir, in.node(), ref, Optional.empty(), span));
        values.put(name, new Value(ir, in.shape(), 1, Optional.empty(), Optional.empty()));
    }

    /**
     * Multiplies the weights into neuron i of the weighted layer that computes {@code in} by {@code factor[i]};
     * a convolution shares its kernel over positions, so its factor must be one per channel.
     */
    private void foldIntoWeights(String name, Value in, double[] factor) {
        String layer = in.source().orElseThrow(() -> refuse(name, "its thresholds differ between neurons, and "
                + "its input is not a Conv2d, Affine or Linear whose weights could take 1/θ"));
        if (readers.get(layer) != 1) {
            throw refuse(name, "its thresholds differ between neurons, and '" + layer + "', whose weights would "
                    + "take 1/θ, feeds other nodes too");
        }
        Node node = builder.nodes().get(in.node());
        ParamRef weightRef = node instanceof Conv2d conv ? conv.weight() : ((Dense) node).weight();
        Tensor weight = builder.weights().get(weightRef.key()).orElseThrow();
        int units = weight.shape().dim(0);
        int positions = factor.length / units;
        int fanIn = weight.size() / units;
        double[] folded = weight.toArray();
        for (int unit = 0; unit < units; unit++) {
            double k = factor[unit * positions];
            for (int p = 1; p < positions; p++) {
                if (factor[unit * positions + p] != k) {
                    throw refuse(name, "its thresholds differ within channel " + unit + ", but the weights of "
                            + "convolution '" + layer + "' are shared by the channel's positions");
                }
            }
            for (int j = 0; j < fanIn; j++) {
                folded[unit * fanIn + j] *= k;
            }
        }
        builder.weight(weightRef.key(), Tensor.wrap(weight.shape(), folded));
    }

    /**
     * The spike-count readout of the population {@code in}, each neuron a class in C order; under
     * {@link Flavor#SNNC} the readout snnc recorded.
     */
    private void readout(String name, Value pending) {
        Value in = written(pending);
        if (output != null) {
            throw refuse(name, "a second output; snnc networks have exactly one");
        }
        if (!(builder.nodes().get(in.node()) instanceof IfNeurons) || in.gain() != 1) {
            throw refuse(name, "it reads '" + in.node() + "', not the spikes of an IF population; snnc's output "
                    + "counts an IF population's spikes");
        }
        output = irName(name);
        if (flavor == Flavor.SNNC) {
            SnncRecord record = snncRecord(name, SnncMetadata.NODE_KEY);
            builder.add(new Readout(output, in.node(), record.word("mode", ReadoutMode.class),
                    record.word("window", ReadoutWindow.class), record.integer("seed"), span));
        } else {
            builder.add(new Readout(output, in.node(), ReadoutMode.SPIKE_COUNT, ReadoutWindow.ALL, 0, span));
        }
    }

    private String requireOutput() {
        if (output == null) {
            throw CompilationException.of(DiagnosticCode.NIR_NOT_COMPILABLE, span, "<root>", "NIRGraph",
                    "no Output node ends it");
        }
        return output;
    }

    /** The IR name of NIR node {@code name}: the one snnc recorded under {@link Flavor#SNNC}, else sanitized. */
    private String irName(String name) {
        String reserved = reservedNames.get(name);
        return reserved != null ? reserved : newIrName(name);
    }

    private String newIrName(String name) {
        if (flavor != Flavor.SNNC) {
            return names.newValueName(name);
        }
        return snncRecord(name, SnncMetadata.NODE_KEY).field("name");
    }

    /** The record {@code key + name} that {@link Flavor#SNNC} restores the IR from; refused when it is missing. */
    private SnncRecord snncRecord(String name, String key) {
        return SnncRecord.of(nir, name, key, span);
    }

    private static double[] filled(int size, double value) {
        double[] values = new double[size];
        Arrays.fill(values, value);
        return values;
    }

    private void requireNoConstant(String name, Value in) {
        if (in.constant().isPresent()) {
            throw refuse(name, "its input carries a bias, which snnc gives as current only to the IF population "
                    + "that reads the biased layer");
        }
    }

    /** {@code bias} ([channels]) over {@code shape}, each channel's value at its {@code positions}; empty if 0. */
    private Optional<double[]> biasOver(String name, Tensor bias, Shape shape, int channels, int positions) {
        if (bias.size() != channels) {
            throw fieldShape(name, "bias", bias.shape(), "[" + channels + "]");
        }
        if (Arrays.stream(bias.backingArray()).allMatch(b -> b == 0)) {
            return Optional.empty();
        }
        double[] constant = new double[shape.size()];
        Arrays.setAll(constant, i -> bias.get(i / positions));
        return Optional.of(constant);
    }

    /** A neuron parameter over {@code size} neurons: one value broadcast, or one per neuron. */
    private double[] perNeuron(String name, String field, Tensor values, int size) {
        if (values.size() != 1 && values.size() != size) {
            throw fieldShape(name, field, values.shape(), "one value or " + size + ", one per neuron");
        }
        return NirParameters.expand(values, size);
    }

    private static Optional<Double> uniform(Tensor tensor) {
        double first = tensor.get(0);
        for (int i = 1; i < tensor.size(); i++) {
            if (tensor.get(i) != first) {
                return Optional.empty();
            }
        }
        return Optional.of(first);
    }

    /** The output height of {@code window} on {@code in}, refused when the window does not fit. */
    private List<Integer> windowFits(String name, Window2d window, Shape in) {
        int height = window.outputHeight(in.dim(1));
        int width = window.outputWidth(in.dim(2));
        if (height <= 0 || width <= 0) {
            throw CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, type(name), "its "
                    + window.kernelH() + "×" + window.kernelW() + " window does not fit input " + in);
        }
        return List.of(height, width);
    }

    private String type(String name) {
        return nir.nodes().get(name).type();
    }

    private CompilationException fieldShape(String name, String field, Shape actual, String expected) {
        return CompilationException.of(DiagnosticCode.NIR_SHAPE_MISMATCH, span, name, type(name),
                "field '" + field + "' has shape " + actual + ", expected " + expected);
    }

    private CompilationException refuse(String name, String reason) {
        return CompilationException.of(DiagnosticCode.NIR_NOT_COMPILABLE, span, name, type(name), reason);
    }
}
