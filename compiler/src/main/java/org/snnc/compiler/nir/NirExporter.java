package org.snnc.compiler.nir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;

/**
 * Turns a converted (or quantized) spiking graph into a NIR graph, together with the list of what NIR cannot hold.
 *
 * <p>The mapping, node by node, in snnc's units (LSBs of the membrane for a quantized graph, whose values are then
 * all integers):
 * <ul>
 *   <li>{@code input} → Input of the input's shape; the encoder is no node: its Input receives each step the scaled
 *       input x (analog) or, for a quantized graph, the raw stored values, as snnc's integer arithmetic does.</li>
 *   <li>{@code conv2d} → Conv2d (a grouped one as the ungrouped conv with zeros between groups, since NIR's
 *       Python reader type-checks grouped convs wrongly), {@code dense} → Affine, {@code affine} (a one-to-one
 *       synapse a[c]) → Scale of a[c] over the value's shape, {@code avgpool} → AvgPool2d, {@code flatten} →
 *       Flatten(0, −1). A population's current b goes into the bias of a conv2d or dense whose output is summed into
 *       it and nothing else (Conv2d's bias is per channel, so b must be uniform in each channel).</li>
 *   <li>{@code add} → no node: every operand becomes an edge into the reader, and NIR sums the edges into a
 *       node.</li>
 *   <li>{@code if} → IF with r = 1, v_reset = 0 and the threshold as an array of the population's shape. snnc
 *       fires at v ≥ θ and NIR at v &gt; θ: for a quantized population (integer v and θ) θ − 0.5 makes the two the
 *       same, and with {@code fire=gt} θ is written as it is; for a float64 one the largest double below θ does.
 *       The θ that reset by subtraction takes off is the metadata's.</li>
 *   <li>{@code readout} → Output. A membrane readout of a population that resets by subtraction and feeds nothing
 *       else is exact as an integrator I (r = 1) in place of the population: its v = Σ input = θ·n + v − v0, whose
 *       argmax is the readout's class since v0 is the same for every class.</li>
 * </ul>
 * With {@link Options#sumPool} every pool is written as SumPool2d for readers without AvgPool2d, and the 1/(kH·kW) it
 * lacks is folded into the threshold of the population the pool alone feeds: v ≥ θ on the mean is k·v ≥ k·θ on the
 * sum, and so are v0 and the subtracted θ (recorded in the metadata).
 *
 * <p>The graph's metadata names snnc as its writer ({@link NirConventions.Flavor#SNNC}) and holds, in
 * {@link SnncMetadata}'s records, each IR node's name and what its NIR form lacks, so that {@link NirImporter}
 * restores the IR exactly.
 *
 * <p>What NIR cannot hold comes in two kinds ({@link Note.Kind}). A {@link Note.Kind#CONVENTION} is a rule of
 * snnc's reading that NIR leaves to the reader: it is written into the graph's metadata, so a reader that follows it
 * computes what snnc does (reset by subtraction, v0, v ≥ θ on floats, the schedule, the input encoding, the
 * fixed-point registers). A {@link Note.Kind#LOSS} changes what any reader computes (a max-pool gate, written as an
 * average pool; a readout NIR has no form for): it is refused with {@link DiagnosticCode#NIR_NOT_EXPORTABLE} unless
 * {@link Options#lossy}. What has no NIR form at all (ANN operators, concatenation, asymmetric padding, a current
 * with no bias to carry it) is refused always.
 */
public final class NirExporter {

    /**
     * @param lossy   write what NIR cannot hold in its nearest NIR form and list it, instead of refusing
     * @param sumPool write pools as SumPool2d, with 1/(kH·kW) folded into the next population's threshold
     */
    public record Options(boolean lossy, boolean sumPool) {
        public static final Options STRICT = new Options(false, false);
    }

    /** One thing NIR does not hold as snnc means it, for the nodes listed. */
    public record Note(Kind kind, List<String> nodes, String text) {

        public enum Kind {
            /** snnc's rule, recorded in the metadata; NIR's own reading differs. */
            CONVENTION,
            /** The NIR graph computes something else; written only with {@link Options#lossy}. */
            LOSS
        }

        public Note {
            nodes = List.copyOf(nodes);
        }

        /** One line of the export report. */
        public String format() {
            return (kind == Kind.LOSS ? "lost:      " : "metadata:  ") + text + " (" + String.join(", ", nodes) + ")";
        }
    }

    /** The NIR graph, the NIR name of each exported IR node, and the notes. */
    public record Result(NirGraph graph, Map<String, String> nirNames, List<Note> notes) {
        public Result {
            nirNames = Map.copyOf(nirNames);
            notes = List.copyOf(notes);
        }
    }

    private final Graph graph;
    private final Options options;
    private final Map<String, Shape> shapes;
    private final boolean quantized;
    private final Map<String, NirNode> nodes = new LinkedHashMap<>();
    private final List<NirEdge> edges = new ArrayList<>();
    private final Map<String, String> nirNames = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    /** The {@link SnncMetadata#NODE_KEY} record of each NIR node, by NIR name. */
    private final Map<String, Map<String, String>> nodeRecords = new LinkedHashMap<>();
    /** Each note's text with the nodes it applies to, so that one rule is listed once. */
    private final Map<String, List<String>> conventions = new LinkedHashMap<>();
    private final Map<String, List<Node>> losses = new LinkedHashMap<>();
    /** The synapse that carries a population's current as its bias, and that population. */
    private final Map<String, IfNeurons> carriedCurrents = new HashMap<>();
    /**
     * The edges that close cycles, from a population's IR name (its NIR node is written later) to the NIR node that
     * reads its previous spikes; NIR carries the previous step's value along the edge that closes a cycle.
     */
    private final List<NirEdge> backEdges = new ArrayList<>();
    /** The recurrent edge ({@code previous}) out of each population that one reads. */
    private final Map<String, String> previousNames = new HashMap<>();
    /** The factor kH·kW folded into a population's threshold when its pool is written as a sum. */
    private final Map<String, Integer> foldedPools = new HashMap<>();

    private NirExporter(Graph graph, Options options) {
        this.graph = graph;
        this.options = options;
        this.shapes = Verifier.verify(graph).shapes();
        this.quantized = graph.nodes().values().stream()
                .anyMatch(n -> n instanceof IfNeurons p && p.fixed().isPresent());
    }

    /**
     * Exports {@code graph}.
     *
     * @throws CompilationException {@link DiagnosticCode#NIR_NOT_EXPORTABLE} at each node NIR cannot hold
     */
    public static Result export(Graph graph, Options options) {
        return new NirExporter(graph, options).run();
    }

    private Result run() {
        for (Node node : graph.nodes().values()) {
            if (node instanceof IfNeurons population) {
                population.current().ifPresent(c -> carriedCurrents.put(currentCarrier(population), population));
            }
        }
        graph.nodes().values().forEach(this::export);
        backEdges.forEach(edge -> edges.add(new NirEdge(nirName(edge.source()), edge.target())));
        if (!options.lossy() && !losses.isEmpty()) {
            List<Diagnostic> refusals = new ArrayList<>();
            losses.forEach((text, where) -> where.forEach(node -> refusals.add(DiagnosticCode.NIR_NOT_EXPORTABLE
                    .at(node.span(), node.name(), text + "; give --lossy to write it anyway"))));
            throw new CompilationException(refusals);
        }
        conventions.put("NIR readers run every node each step, so a spike reaches the next population in the step it "
                + "is fired (snnc's sync schedule); snnc's chips and default simulation take one step per hop",
                List.of(graph.name()));
        metadata.put(NirConventions.Flavor.METADATA_KEY, NirConventions.Flavor.SNNC.cliName());
        metadata.put(SnncMetadata.NETWORK_KEY, graph.name());
        metadata.put("snnc.units", quantized ? "integers in the membrane's LSB; v_threshold = threshold - 0.5 where "
                + "snnc fires at v >= threshold, the same on integer membranes as NIR's v > v_threshold" : "float");
        metadata.put("snnc.schedule", "sync: every node each step, in edge order; snnc's chips pipeline one step "
                + "per hop");
        metadata.put("snnc.reading", "each step, every node takes the sum of its incoming edges; IF: v <- v + x, "
                + "spike when v > v_threshold, then reset as " + SnncMetadata.POPULATION_KEY + "<node> says "
                + "(subtract: v <- v - threshold; zero: v <- 0), v starting at its v0");
        nodeRecords.forEach((node, fields) -> metadata.put(SnncMetadata.NODE_KEY + node, SnncMetadata.record(fields)));
        List<Note> notes = new ArrayList<>();
        conventions.forEach((text, where) -> notes.add(new Note(Note.Kind.CONVENTION, where, text)));
        losses.forEach((text, where) -> notes.add(new Note(Note.Kind.LOSS,
                where.stream().map(Node::name).toList(), text)));
        return new Result(new NirGraph(nodes, edges, metadata), nirNames, notes);
    }

    private void export(Node node) {
        if (node instanceof Input input) {
            put(input, new NirNode.Input(input.shape().dims()));
            Map<String, String> record = nodeRecords.get(nirName(input.name()));
            record.put("dtype", input.dtype().spelling());
            record.put("scale", number(input.scale().numerator()) + "/" + number(input.scale().denominator()));
        } else if (node instanceof SpikeEncoder encoder) {
            encoder(encoder);
        } else if (node instanceof Conv2d conv) {
            conv(conv);
        } else if (node instanceof Dense dense) {
            put(dense, new NirNode.Affine(tensor(dense.weight()), bias(dense, dense.bias(), dense.units())));
        } else if (node instanceof Affine affine) {
            scale(affine);
        } else if (node instanceof AvgPool pool) {
            if (!pool.countIncludePad() && !pool.window().padding().equals(Padding.NONE)) {
                throw refuse(pool, "NIR averages over the whole window, padding included; this pool does not "
                        + "count the padding");
            }
            pool(pool, pool.window(), pool.countIncludePad());
        } else if (node instanceof MaxPoolGate gate) {
            loss(gate, "NIR has no max-pool gate; written as an average pool of its window");
            pool(gate, gate.window(), true);
        } else if (node instanceof Flatten flatten) {
            put(flatten, new NirNode.Flatten(0, -1, shapes.get(flatten.input()).dims()));
        } else if (node instanceof IfNeurons population
                && (population.decay().isPresent() || population.fixed().flatMap(FixedPoint::decay).isPresent())) {
            throw refuse(node, "the export writes IF nodes; a population with current and voltage decay would be "
                    + "NIR's CubaLIF, which it does not write");
        } else if (node instanceof IfNeurons population) {
            population(population);
        } else if (node instanceof Readout readout) {
            readout(readout);
        } else if (node instanceof PreviousStep previous) {
            previousNames.put(previous.source(), previous.name());
            convention(previous, "a recurrent edge: the edge out of the population carries its spikes of the previous "
                    + "step (recurrence " + NirConventions.Recurrence.NEURON_OUTPUT + "), written after the forward "
                    + "edges");
        } else if (node instanceof Concat) {
            throw refuse(node, "NIR has no concatenation");
        } else if (!(node instanceof Add)) {
            throw refuse(node, "NIR holds converted spiking networks; " + node.operator()
                    + " is not part of one (convert the network first)");
        }
    }

    private void encoder(SpikeEncoder encoder) {
        Input input = (Input) graph.node(encoder.input());
        Map<String, String> record = nodeRecords.get(nirName(input.name()));
        record.put("encoder", encoder.name());
        record.put("encoding", encoder.encoding().spelling());
        record.put("seed", Long.toString(encoder.seed()));
        String receives = quantized
                ? "the raw stored values (" + input.dtype() + ", unscaled, as snnc's integer arithmetic reads them)"
                : "x = raw * " + input.scale().value() + " (raw " + input.dtype() + ")";
        if (encoder.encoding() == InputEncoding.POISSON) {
            convention(encoder, "Poisson input: each step element i spikes with probability clamp(x[i], 0, 1); the "
                    + "reader draws the spikes");
            metadata.put("snnc.input", "poisson: each step Input '" + nirName(input.name())
                    + "' receives spikes drawn with probability clamp(x, 0, 1), x = raw * " + input.scale().value());
        } else {
            metadata.put("snnc.input", "analog: Input '" + nirName(input.name()) + "' receives " + receives
                    + " every step");
        }
    }

    private void conv(Conv2d conv) {
        Window2d window = conv.window();
        requireSymmetric(conv, window);
        // NIR's Python Conv2d takes its input channels as weight.shape[1], which is C/groups (nir/ir/conv.py,
        // __post_init__), so a grouped conv fails its type check; its reader also requires input_shape. A grouped
        // conv is therefore written as the ungrouped conv with the same output: zero weights between groups.
        List<Integer> inputShape = shapes.get(conv.input()).dims();
        put(conv, new NirNode.Conv2d(ungrouped(tensor(conv.weight()), conv.groups(), inputShape.get(0)),
                bias(conv, conv.bias(), conv.filters()), List.of(window.strideH(), window.strideW()),
                List.of(window.padding().top(), window.padding().left()), "", List.of(1, 1), 1,
                inputShape.subList(1, 3)));
        if (conv.groups() > 1) {
            nodeRecords.get(nirName(conv.name())).put("groups", Integer.toString(conv.groups()));
        }
    }

    /**
     * The weight [F, C, kH, kW] of the ungrouped conv equal to a grouped one of weight [F, C/G, kH, kW]: filter f
     * keeps its taps on channels g·C/G … (g+1)·C/G − 1, g = ⌊f·G/F⌋, and is zero on the others.
     */
    static Tensor ungrouped(Tensor weight, int groups, int channels) {
        if (groups == 1) {
            return weight;
        }
        int[] dims = weight.shape().toArray();
        int filters = dims[0];
        int groupChannels = dims[1];
        int taps = dims[2] * dims[3];
        double[] full = new double[filters * channels * taps];
        for (int f = 0; f < filters; f++) {
            int first = f * groups / filters * groupChannels;
            for (int c = 0; c < groupChannels; c++) {
                System.arraycopy(weight.backingArray(), (f * groupChannels + c) * taps, full,
                        (f * channels + first + c) * taps, taps);
            }
        }
        return Tensor.wrap(Shape.of(filters, channels, dims[2], dims[3]), full);
    }

    private void scale(Affine affine) {
        if (affine.shift().isPresent()) {
            throw refuse(affine, "a shift on a synapse has no NIR form");
        }
        Shape shape = shapes.get(affine.name());
        Tensor perChannel = tensor(affine.scale());
        double[] values = new double[shape.size()];
        int perChannelSize = values.length / shape.dim(0);
        for (int i = 0; i < values.length; i++) {
            values[i] = perChannel.get(i / perChannelSize);
        }
        put(affine, new NirNode.Scale(Tensor.wrap(shape, values)));
    }

    /** A pool as AvgPool2d (or SumPool2d), recording whether the IR's counts the padding (NIR's always does). */
    private void pool(Node pool, Window2d window, boolean countIncludePad) {
        requireSymmetric(pool, window);
        List<Integer> kernel = List.of(window.kernelH(), window.kernelW());
        List<Integer> stride = List.of(window.strideH(), window.strideW());
        List<Integer> padding = List.of(window.padding().top(), window.padding().left());
        if (options.sumPool()) {
            foldedPools.put(foldingPopulation(pool), window.kernelH() * window.kernelW());
            put(pool, new NirNode.SumPool2d(kernel, stride, padding));
        } else {
            put(pool, new NirNode.AvgPool2d(kernel, stride, padding));
        }
        nodeRecords.get(nirName(pool.name())).put("count_include_pad", Boolean.toString(countIncludePad));
    }

    /** The population whose threshold takes a summing pool's kH·kW: the one that reads this pool and nothing else. */
    private String foldingPopulation(Node pool) {
        List<String> users = graph.users(pool.name());
        if (users.size() == 1 && graph.node(users.get(0)) instanceof IfNeurons population) {
            return population.name();
        }
        throw refuse(pool, "--sumpool folds the pool's 1/(kH*kW) into the threshold of a population that reads "
                + "this pool alone; '" + pool.name() + "' feeds " + users + "; export without --sumpool");
    }

    private void population(IfNeurons population) {
        Shape shape = shapes.get(population.name());
        int folded = foldedPools.getOrDefault(population.name(), 1);
        double theta = population.threshold() * folded;
        String name = population.name();
        if (readAsIntegrator(population)) {
            put(population, new NirNode.I(filled(shape, 1)));
        } else {
            put(population, new NirNode.IF(filled(shape, 1), filled(shape, writtenThreshold(population, theta)),
                    filled(shape, 0)));
            if (population.fixed().isEmpty()) {
                convention(population, "fires at v >= threshold: v_threshold is the largest float64 below it, which "
                        + "a float32 reader rounds back to the threshold");
            }
            if (population.reset() == ResetMode.SUBTRACT) {
                convention(population, "resets by subtraction, v <- v - threshold; NIR's IF resets to v_reset = 0");
            }
            if (population.initialMembrane() != 0) {
                convention(population, "the membrane starts at the metadata's v0, not at 0");
            }
        }
        Map<String, String> record = new LinkedHashMap<>();
        record.put("threshold", number(theta));
        record.put("reset", population.reset().spelling());
        record.put("v0", number(population.initialMembrane() * folded));
        population.fixed().ifPresentOrElse(f -> {
            record.put("fire", f.fire().spelling());
            record.put("weight_bits", Integer.toString(f.weightBits()));
            record.put("weight_exponent", Integer.toString(f.weightExponent()));
            record.put("accumulator_bits", Integer.toString(f.accumulatorBits()));
            record.put("state_bits", Integer.toString(f.stateBits()));
            record.put("overflow", f.overflow().spelling());
            f.membraneFloor().ifPresent(floor -> record.put("floor", Long.toString(floor)));
            convention(population, "fixed-point registers (accumulator and membrane bits, overflow rule, membrane "
                    + "floor) are not in NIR; the quantizer chose thresholds that no register limit changes");
        }, () -> record.put("fire", FireComparison.GE.spelling()));
        if (folded != 1) {
            record.put("sumpool_fold", Integer.toString(folded));
        }
        if (previousNames.containsKey(name)) {
            record.put("previous", previousNames.get(name));
        }
        metadata.put(SnncMetadata.POPULATION_KEY + nirName(name), SnncMetadata.record(record));
    }

    /**
     * The v_threshold under which NIR's v &gt; v_threshold is snnc's comparison: on integer membranes θ − 0.5 for
     * {@code ge} and θ for {@code gt}; on float64 membranes, where v ≥ θ, the largest double below θ.
     */
    private static double writtenThreshold(IfNeurons population, double theta) {
        return population.fixed()
                .map(f -> f.fire() == FireComparison.GE ? theta - 0.5 : theta)
                .orElse(Math.nextDown(theta));
    }

    /** A membrane readout of a subtract-reset population that feeds only the readout: exact as an integrator. */
    private boolean readAsIntegrator(IfNeurons population) {
        List<String> users = graph.users(population.name());
        return users.size() == 1 && graph.node(users.get(0)) instanceof Readout readout
                && readout.mode() == ReadoutMode.MEMBRANE && population.reset() == ResetMode.SUBTRACT;
    }

    private void readout(Readout readout) {
        if (!(graph.node(readout.input()) instanceof IfNeurons population)) {
            throw refuse(readout, "it reads '" + readout.input() + "', which is not a population");
        }
        String read = nirName(population.name());
        String output = unique("output");
        nodes.put(output, new NirNode.Output(shapes.get(readout.input()).dims()));
        edges.add(new NirEdge(read, output));
        nirNames.put(readout.name(), output);
        Map<String, String> record = new LinkedHashMap<>();
        record.put("name", readout.name());
        record.put("mode", readout.mode().spelling());
        record.put("window", readout.window().spelling());
        record.put("seed", Long.toString(readout.seed()));
        nodeRecords.put(output, record);
        String window = readout.window() == ReadoutWindow.HALF ? " over the later half, S(t) - S(floor(t/2))" : "";
        if (readAsIntegrator(population)) {
            convention(readout, "the membrane readout is the integrator I '" + read + "' in place of the population: "
                    + "its v is theta*spikes + v - v0, and the class is the argmax of v" + window);
            metadata.put("snnc.readout", "membrane: the class is the argmax of the v of I '" + read + "'" + window);
        } else if (readout.mode() == ReadoutMode.SPIKE_COUNT) {
            metadata.put("snnc.readout", "spikecount: the class is the argmax of the spike counts of '" + read + "'"
                    + window);
        } else {
            loss(readout, "NIR has no " + readout.mode() + " readout of a population that "
                    + (population.reset() == ResetMode.ZERO ? "resets to zero" : "feeds other nodes")
                    + "; written as its spikes, to be counted");
            metadata.put("snnc.readout", readout.mode() + " (not in NIR): the spike counts of '" + read + "'"
                    + window);
        }
        if (readout.window() == ReadoutWindow.HALF) {
            convention(readout, "the class is read over the later half of the steps");
        }
    }

    /** The NIR bias of a synapse: its own, plus the current of the population it carries, per output channel. */
    private Tensor bias(Node synapse, Optional<ParamRef> own, int channels) {
        double[] bias = own.map(ref -> tensor(ref).toArray()).orElse(new double[channels]);
        IfNeurons population = carriedCurrents.get(synapse.name());
        if (population != null) {
            Tensor current = tensor(population.current().orElseThrow());
            int perChannel = current.size() / channels;
            for (int c = 0; c < channels; c++) {
                double value = current.get(c * perChannel);
                for (int i = 1; i < perChannel; i++) {
                    if (current.get(c * perChannel + i) != value) {
                        throw refuse(population, "its current differs within channel " + c
                                + ", and a NIR Conv2d's bias is one value per channel");
                    }
                }
                bias[c] += value;
            }
        }
        return Tensor.wrap(Shape.of(channels), bias);
    }

    /** The conv2d or dense, summed straight into the population and read by nothing else, that carries its current. */
    private String currentCarrier(IfNeurons population) {
        for (String term : summands(population.input())) {
            Node node = graph.node(term);
            // A synapse on a recurrent edge is no carrier: a reader that delays the cycle's closing edge would
            // miss its bias in the first step.
            if ((node instanceof Conv2d || node instanceof Dense) && graph.users(term).size() == 1
                    && !(graph.node(node.inputs().get(0)) instanceof PreviousStep)) {
                return term;
            }
        }
        throw refuse(population, "its constant current needs a conv2d or dense summed into it to carry it as a "
                + "bias, and it has none");
    }

    /**
     * The values an operand sums, through the add nodes that reach only it, down to the nodes that are not adds: a
     * bias on one of them reaches the population and nothing else.
     */
    private List<String> summands(String value) {
        Node node = graph.node(value);
        if (!(node instanceof Add add) || graph.users(value).size() != 1) {
            return List.of(value);
        }
        List<String> terms = new ArrayList<>();
        add.inputs().forEach(operand -> terms.addAll(summands(operand)));
        return terms;
    }

    /**
     * The NIR nodes whose outputs make up {@code value}: through adds and the encoder. A recurrent edge's source is
     * not yet written, so it gives no node here; {@link #put} keeps it as a back edge.
     */
    private List<String> sources(String value) {
        Node node = graph.node(value);
        if (node instanceof SpikeEncoder encoder) {
            return sources(encoder.input());
        }
        if (node instanceof PreviousStep) {
            return List.of();
        }
        if (node instanceof Add add) {
            List<String> all = new ArrayList<>();
            add.inputs().forEach(operand -> all.addAll(sources(operand)));
            return all;
        }
        return List.of(nirName(value));
    }

    private void put(Node node, NirNode nir) {
        String name = unique(node.name().replace('.', '_'));
        nirNames.put(node.name(), name);
        nodes.put(name, nir);
        Map<String, String> record = new LinkedHashMap<>();
        record.put("name", node.name());
        if (node.inputs().size() == 1 && graph.node(node.inputs().get(0)) instanceof Add sum) {
            record.put("sum", sum.name());
        }
        nodeRecords.put(name, record);
        for (String operand : node.inputs()) {
            sources(operand).forEach(source -> edges.add(new NirEdge(source, name)));
            recurrentSources(operand).forEach(population -> backEdges.add(new NirEdge(population, name)));
        }
    }

    /** The populations whose previous spikes {@code value} reads, through adds. */
    private List<String> recurrentSources(String value) {
        Node node = graph.node(value);
        if (node instanceof PreviousStep previous) {
            return List.of(previous.source());
        }
        if (node instanceof Add add) {
            List<String> all = new ArrayList<>();
            add.inputs().forEach(operand -> all.addAll(recurrentSources(operand)));
            return all;
        }
        return List.of();
    }

    /**
     * A NIR name not yet taken. NIR's PyTorch readers (nirtorch) name modules after the nodes, and PyTorch refuses a
     * module name with a dot, so dots become underscores.
     */
    private String unique(String wanted) {
        String name = wanted;
        for (int k = 2; nodes.containsKey(name); k++) {
            name = wanted + "_" + k;
        }
        return name;
    }

    private String nirName(String irName) {
        return nirNames.get(irName);
    }

    private Tensor tensor(ParamRef ref) {
        return graph.weights().get(ref.key()).orElseThrow(
                () -> new IllegalStateException("a verified graph has every tensor, but not " + ref.key()));
    }

    private static Tensor filled(Shape shape, double value) {
        double[] values = new double[shape.size()];
        Arrays.fill(values, value);
        return Tensor.wrap(shape, values);
    }

    private void requireSymmetric(Node node, Window2d window) {
        if (!window.padding().isSymmetric()) {
            throw refuse(node, "NIR pads both sides alike, and its padding is " + window.padding());
        }
    }

    private void convention(Node node, String text) {
        conventions.computeIfAbsent(text, t -> new ArrayList<>()).add(node.name());
    }

    private void loss(Node node, String text) {
        losses.computeIfAbsent(text, t -> new ArrayList<>()).add(node);
    }

    private static CompilationException refuse(Node node, String why) {
        return CompilationException.of(DiagnosticCode.NIR_NOT_EXPORTABLE, node.span(), node.name(), why);
    }

    /** A number as metadata text: integers without a fraction. */
    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 0x1p53 ? Long.toString((long) value)
                : Double.toString(value);
    }
}
