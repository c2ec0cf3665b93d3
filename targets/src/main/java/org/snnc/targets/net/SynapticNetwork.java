package org.snnc.targets.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.passes.Stage;

/**
 * A quantized spiking graph as a chip sees it: the sources that send events (the input, the populations and the gate
 * units, in the graph's order, which is topological) and the projections between them. It drops what the graph
 * needs only for its own semantics: flatten is the identity on flat C-order indices, a recurrent edge is a projection
 * from its source population (whose route delays it by the step it needs), an add is a population with
 * several projections, and a synapse that reads a concat of sources is one projection per operand of the concat.
 *
 * @param name        the network's name
 * @param input       the encoded input
 * @param populations the IF populations, each with its projections
 * @param gates       the max-pool gate units
 * @param readout     how the class is read
 */
public record SynapticNetwork(
        String name,
        InputSource input,
        List<Population> populations,
        List<GateUnit> gates,
        ReadoutSpec readout) {

    public SynapticNetwork {
        populations = List.copyOf(populations);
        gates = List.copyOf(gates);
    }

    /** Every source by name: the input, then populations and gates in the graph's order. */
    public Map<String, Source> sources() {
        Map<String, Source> sources = new LinkedHashMap<>();
        sources.put(input.name(), input);
        populations.forEach(p -> sources.put(p.name(), p));
        gates.forEach(g -> sources.put(g.name(), g));
        return sources;
    }

    public Population population(String populationName) {
        return populations.stream().filter(p -> p.name().equals(populationName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no population '" + populationName + "'"));
    }

    /** The gate units that read {@code populationName}. */
    public List<GateUnit> gatesOf(String populationName) {
        return gates.stream().filter(g -> g.population().equals(populationName)).toList();
    }

    /** Every projection whose source is {@code sourceName}. */
    public List<Projection> projectionsFrom(String sourceName) {
        return populations.stream().flatMap(p -> p.projections().stream())
                .filter(projection -> projection.source().equals(sourceName)).toList();
    }

    /** The network of a verified graph in the {@link Stage#QUANTIZED} stage. */
    public static SynapticNetwork of(Graph graph) {
        if (!Stage.of(graph).contains(Stage.QUANTIZED)) {
            throw new IllegalArgumentException("graph " + graph.name() + " is not quantized");
        }
        ShapeInference.Result shapes = ShapeInference.infer(graph, new DiagnosticBag());
        InputSource input = null;
        List<Population> populations = new ArrayList<>();
        List<GateUnit> gates = new ArrayList<>();
        ReadoutSpec readout = null;
        for (Node node : graph.nodes().values()) {
            if (node instanceof SpikeEncoder encoder) {
                Input raw = (Input) graph.node(encoder.input());
                input = new InputSource(encoder.name(), raw.name(), raw.shape(), raw.dtype(), encoder.encoding(),
                        encoder.seed());
            } else if (node instanceof IfNeurons neurons) {
                populations.add(population(graph, shapes, neurons));
            } else if (node instanceof MaxPoolGate gate) {
                gates.add(new GateUnit(gate.name(), gate.input(), gate.window(), shapes.shape(gate.name()),
                        gate.emaDecay(), gate.span()));
            } else if (node instanceof Readout out) {
                readout = new ReadoutSpec(out.name(), out.input(), out.mode(), out.window(), out.seed());
            }
        }
        return new SynapticNetwork(graph.name(), input, populations, gates, readout);
    }

    private static Population population(Graph graph, ShapeInference.Result shapes, IfNeurons neurons) {
        FixedPoint fixed = neurons.fixed().orElseThrow();
        int size = shapes.shape(neurons.name()).size();
        long[] current = neurons.current().map(ref -> integers(graph, ref, 0)).orElseGet(() -> new long[size]);
        List<Projection> projections = new ArrayList<>();
        collectProjections(graph, shapes, neurons.name(), neurons.input(), fixed.weightExponent(), projections);
        return new Population(neurons.name(), shapes.shape(neurons.name()), (long) neurons.threshold(),
                (long) neurons.initialMembrane(), neurons.reset(), fixed, current, projections, neurons.span());
    }

    /** Walks the synapse expression {@code value} of {@code target} down to its conv2d and dense nodes. */
    private static void collectProjections(Graph graph, ShapeInference.Result shapes, String target, String value,
            int exponent, List<Projection> into) {
        Node node = graph.node(value);
        if (node instanceof Add add) {
            add.inputs().forEach(operand -> collectProjections(graph, shapes, target, operand, exponent, into));
        } else if (node instanceof Conv2d conv) {
            List<Segment> segments = segments(graph, shapes, conv.input());
            Shape output = shapes.shape(conv.name());
            int[] weights = mantissas(graph, conv.weight(), exponent);
            if (segments.size() == 1) {
                into.add(new Projection(conv.name(), segments.get(0).source(), target, new ConvSynapse(
                        segments.get(0).shape(), output, conv.groups(), conv.window(), weights, exponent)));
                return;
            }
            for (int k = 0; k < segments.size(); k++) {
                Segment segment = segments.get(k);
                into.add(new Projection(partName(graph, conv.name(), segments, k), segment.source(), target,
                        new ConvSynapse(segment.shape(), output, 1, conv.window(),
                                convPart(conv, shapes.shape(conv.input()).dim(0), output.dim(0), weights, segment),
                                exponent)));
            }
        } else if (node instanceof Dense dense) {
            List<Segment> segments = segments(graph, shapes, dense.input());
            int[] weights = mantissas(graph, dense.weight(), exponent);
            if (segments.size() == 1) {
                into.add(new Projection(dense.name(), segments.get(0).source(), target, new DenseSynapse(
                        segments.get(0).shape().size(), dense.units(), weights, exponent)));
                return;
            }
            int inputs = shapes.shape(dense.input()).size();
            for (int k = 0; k < segments.size(); k++) {
                Segment segment = segments.get(k);
                int size = segment.shape().size();
                int[] part = new int[dense.units() * size];
                for (int u = 0; u < dense.units(); u++) {
                    System.arraycopy(weights, u * inputs + segment.first(), part, u * size, size);
                }
                into.add(new Projection(partName(graph, dense.name(), segments, k), segment.source(), target,
                        new DenseSynapse(size, dense.units(), part, exponent)));
            }
        } else {
            throw new IllegalArgumentException(node.operator() + " '" + value + "' is not a conv2d or dense synapse");
        }
    }

    /**
     * A run of a synapse's operand: its flat C-order elements [first, first + size) are the elements of source
     * {@code source}, of shape {@code shape}.
     */
    private record Segment(String source, Shape shape, int first) {
    }

    /**
     * The sources a synapse reads, in the order of its operand's flat C-order elements: a flatten renumbers nothing,
     * and a concat (along axis 0) lays its operands' elements one after the other.
     */
    private static List<Segment> segments(Graph graph, ShapeInference.Result shapes, String value) {
        List<Segment> segments = new ArrayList<>();
        collectSegments(graph, shapes, value, 0, segments);
        return segments;
    }

    private static int collectSegments(Graph graph, ShapeInference.Result shapes, String value, int first,
            List<Segment> into) {
        Node node = graph.node(value);
        if (node instanceof Flatten flatten) {
            return collectSegments(graph, shapes, flatten.input(), first, into);
        }
        if (node instanceof PreviousStep previous) {
            // A route delivers step t's spikes in step t + 1, which is what a recurrent edge means.
            return collectSegments(graph, shapes, previous.source(), first, into);
        }
        if (node instanceof Concat concat) {
            int next = first;
            for (String operand : concat.inputs()) {
                next = collectSegments(graph, shapes, operand, next, into);
            }
            return next;
        }
        Shape shape = shapes.shape(node.name());
        into.add(new Segment(node.name(), shape, first));
        return first + shape.size();
    }

    /**
     * The kernel, ungrouped, that a conv over a concat applies to one operand's channels [c0, c0 + C_k): filter f
     * of group g reads concat channel c0 + c with K[f, c0 + c − g·C/G] when that channel is in its group, else 0.
     */
    private static int[] convPart(Conv2d conv, int channels, int filters, int[] weights, Segment segment) {
        int kernelArea = conv.window().kernelH() * conv.window().kernelW();
        int perGroup = channels / conv.groups();
        int partChannels = segment.shape().dim(0);
        int firstChannel = segment.first() / (segment.shape().dim(1) * segment.shape().dim(2));
        int[] part = new int[filters * partChannels * kernelArea];
        for (int f = 0; f < filters; f++) {
            int groupFirst = f * conv.groups() / filters * perGroup;
            for (int c = 0; c < partChannels; c++) {
                int within = firstChannel + c - groupFirst;
                if (within >= 0 && within < perGroup) {
                    System.arraycopy(weights, (f * perGroup + within) * kernelArea, part,
                            (f * partChannels + c) * kernelArea, kernelArea);
                }
            }
        }
        return part;
    }

    /**
     * The name of the projection of a synapse over a concat from its {@code k}-th operand: the synapse's name and the
     * source's, or with the operand's index too when that is ambiguous.
     */
    private static String partName(Graph graph, String synapse, List<Segment> segments, int k) {
        String source = segments.get(k).source();
        String name = synapse + "." + source;
        boolean repeated = segments.stream().filter(s -> s.source().equals(source)).count() > 1;
        return repeated || graph.nodes().containsKey(name) ? name + "." + k : name;
    }

    /** The weights' mantissas m = w / 2^exponent, as {@link #integers} but an int each (a dense layer may hold 10⁸). */
    private static int[] mantissas(Graph graph, ParamRef ref, int exponent) {
        Tensor tensor = Optional.ofNullable(graph.weights().tensors().get(ref.key())).orElseThrow();
        int[] result = new int[tensor.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = Math.toIntExact((long) tensor.get(i) >> exponent);
        }
        return result;
    }

    /** The tensor's values divided by 2^shift, which the verifier has checked to be exact integers. */
    private static long[] integers(Graph graph, ParamRef ref, int shift) {
        Tensor tensor = Optional.ofNullable(graph.weights().tensors().get(ref.key())).orElseThrow();
        long[] values = new long[tensor.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) tensor.get(i) >> shift;
        }
        return values;
    }
}
