package org.snnc.targets.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.ir.Add;
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
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.passes.Stage;

/**
 * A quantized spiking graph as a chip sees it: the sources that send events (the input, the populations and the gate
 * units, in the graph's order, which is topological) and the projections between them. It drops what the graph
 * needs only for its own semantics: flatten is the identity on flat C-order indices, and an add is a population with
 * several projections.
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
                readout = new ReadoutSpec(out.name(), out.input(), out.mode(), out.seed());
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
                neurons.reset(), fixed, current, projections, neurons.span());
    }

    /** Walks the synapse expression {@code value} of {@code target} down to its conv2d and dense nodes. */
    private static void collectProjections(Graph graph, ShapeInference.Result shapes, String target, String value,
            int exponent, List<Projection> into) {
        Node node = graph.node(value);
        if (node instanceof Add add) {
            add.inputs().forEach(operand -> collectProjections(graph, shapes, target, operand, exponent, into));
        } else if (node instanceof Conv2d conv) {
            String source = sourceOf(graph, conv.input());
            into.add(new Projection(conv.name(), source, target, new ConvSynapse(shapes.shape(source),
                    shapes.shape(conv.name()), conv.groups(), conv.window(), mantissas(graph, conv.weight(), exponent),
                    exponent)));
        } else if (node instanceof Dense dense) {
            String source = sourceOf(graph, dense.input());
            into.add(new Projection(dense.name(), source, target, new DenseSynapse(shapes.shape(source).size(),
                    dense.units(), mantissas(graph, dense.weight(), exponent), exponent)));
        } else {
            throw new IllegalArgumentException(node.operator() + " '" + value + "' is not a conv2d or dense synapse");
        }
    }

    /** The source a synapse reads, looking through flatten, which only renumbers nothing in flat C order. */
    private static String sourceOf(Graph graph, String value) {
        Node node = graph.node(value);
        return node instanceof Flatten flatten ? sourceOf(graph, flatten.input()) : node.name();
    }

    private static int[] mantissas(Graph graph, ParamRef ref, int exponent) {
        long[] values = integers(graph, ref, exponent);
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.toIntExact(values[i]);
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
