package org.snnc.compiler.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;

/**
 * A converted spiking graph compiled to {@link Operation}s over primitive arrays. The synapses are linear, so the
 * value of each node splits into a constant part, driven by the analog encoders, a frame part, driven by a sequence
 * encoder's frame of each step, and a dynamic part, driven by the populations' spikes and the Poisson encoders'
 * events of each step. The constant program computes the first once per image; it becomes part of the reached
 * populations' constant current, so the analog input reaches them with no delay under either schedule. The frame
 * program computes the second at the start of each step, and the reached populations add it as they fire, so frame
 * k reaches them in step k + 1 (counted from 1) under either schedule, as the chip delivers it. The step program
 * computes the third each step, ordered by the {@link Schedule}:
 * <ul>
 *   <li>pipelined: the frame program runs; every population fires; then every synapse runs in definition order;
 *       then every population takes its synaptic input into v;</li>
 *   <li>sync: one sweep in definition order (a topological order), where a population takes its input and fires as
 *       soon as its operand is computed.</li>
 * </ul>
 * A recurrent edge ({@link PreviousStep}) carries its population's spikes of the previous step under either schedule.
 * A maxpool gate keeps state, so it may not mix the two parts; one fed by the analog input alone sees the input once,
 * which selects the window's largest value, as the running count t·x would.
 */
final class CompiledNetwork {

    final Layout layout;
    final Operation[] constantProgram;
    final Operation[] stepProgram;
    final Population[] populations;
    final List<String> populationNames;
    final Decoder decoder;
    final long[] poissonSeeds;
    final long readoutSeed;
    /** The ANN MACs of the weighted synapses the analog input reaches: what it costs, once per image. */
    final long analogMacs;
    final int neurons;
    /** The values of one image, or of one frame when the input {@link #takesSequences}. */
    final int inputSize;
    /** Whether the input is a sequence of frames ({@link InputEncoding#SEQUENCE}), one per step. */
    final boolean takesSequences;

    private CompiledNetwork(Builder b, Schedule schedule) {
        this.layout = new Layout(b.eventCapacities.toArray(), b.denseSizes.toArray(), b.gateSizes.toArray(),
                b.populationSizes.toArray(), b.poissonSeeds.size(), b.classes);
        this.constantProgram = b.constantOps.toArray(Operation[]::new);
        List<Operation> step = new ArrayList<>();
        if (schedule == Schedule.PIPELINED) {
            step.addAll(b.frameOps);
            b.populations.forEach(p -> step.add(p::fire));
            step.addAll(b.synapseOps);
            b.populations.forEach(p -> step.add(p::deliver));
        } else {
            step.addAll(b.sweep);
        }
        this.stepProgram = step.toArray(Operation[]::new);
        this.populations = b.populations.toArray(Population[]::new);
        this.populationNames = List.copyOf(b.populationNames);
        this.decoder = b.decoder;
        this.poissonSeeds = b.poissonSeeds.toArray();
        this.readoutSeed = b.readoutSeed;
        this.analogMacs = b.analogMacs;
        this.neurons = (int) b.populationSizes.sum();
        this.inputSize = b.inputSize;
        this.takesSequences = b.takesSequences;
    }

    /** Verifies {@code graph}, checks that it is fully converted and compiles it. */
    static CompiledNetwork compile(Graph graph, Schedule schedule) {
        Map<String, Shape> shapes = Verifier.verify(graph).shapes();
        ReadinessCheck.check(graph);
        Builder builder = new Builder(graph, shapes);
        graph.nodes().values().forEach(builder::visit);
        return new CompiledNetwork(builder, schedule);
    }

    /** Walks the graph in definition order, allocating slots and building both programs. */
    private static final class Builder {
        private final Graph graph;
        private final Map<String, Shape> shapes;
        private final Map<String, Long> macs;
        private final Map<String, Slot> slots = new HashMap<>();
        private final Map<String, Integer> sparsified = new HashMap<>();
        private final Set<String> constant = new HashSet<>();
        private final Set<String> framed = new HashSet<>();
        private final Set<String> dynamic = new HashSet<>();
        private final MutableIntList eventCapacities = new IntArrayList();
        private final MutableIntList denseSizes = new IntArrayList();
        private final MutableIntList gateSizes = new IntArrayList();
        private final MutableIntList populationSizes = new IntArrayList();
        private final MutableLongList poissonSeeds = new LongArrayList();
        private final List<Operation> constantOps = new ArrayList<>();
        private final List<Operation> frameOps = new ArrayList<>();
        private final List<Operation> synapseOps = new ArrayList<>();
        private final List<Operation> sweep = new ArrayList<>();
        private final List<Population> populations = new ArrayList<>();
        private final List<String> populationNames = new ArrayList<>();
        private final Map<String, Population> populationByName = new LinkedHashMap<>();
        /** The frame program's own event list of a join that the dynamic program writes too. */
        private final Map<String, Slot> frameJoins = new HashMap<>();
        /** The event lists that recurrent edges read, by the population that will fire into each. */
        private final Map<String, Integer> reservedSpikes = new HashMap<>();
        private Decoder decoder;
        private long readoutSeed;
        private int classes;
        private long analogMacs;
        private final int inputSize;
        private boolean takesSequences;

        Builder(Graph graph, Map<String, Shape> shapes) {
            this.graph = graph;
            this.shapes = shapes;
            this.macs = AnnMacs.perLayer(graph);
            this.inputSize = graph.input().shape().size();
        }

        void visit(Node node) {
            if (node instanceof SpikeEncoder encoder) {
                encoder(encoder);
            } else if (node instanceof IfNeurons neurons) {
                population(neurons);
            } else if (node instanceof Readout readout) {
                Population output = populationByName.get(readout.input());
                decoder = new Decoder(readout.mode(), readout.window(), output);
                readoutSeed = readout.seed();
                classes = shapes.get(readout.input()).size();
            } else if (node instanceof PreviousStep previous) {
                recurrent(previous);
            } else if (node instanceof Flatten flatten) {
                slots.put(node.name(), slots.get(flatten.input()));
                inherit(node.name(), node.inputs());
            } else if (node instanceof Add || node instanceof Concat) {
                join(node);
            } else if (!node.inputs().isEmpty()) {
                synapse(node);
            }
        }

        private void encoder(SpikeEncoder encoder) {
            int out = newEvents(inputSize);
            slots.put(encoder.name(), new Slot(out, false));
            if (encoder.encoding() == InputEncoding.ANALOG) {
                constant.add(encoder.name());
                constantOps.add(Encoders.analog(out));
                return;
            }
            if (encoder.encoding() == InputEncoding.SEQUENCE) {
                framed.add(encoder.name());
                takesSequences = true;
                addFrame(Encoders.sequence(out, inputSize));
                return;
            }
            Operation source = Encoders.poisson(out, poissonSeeds.size());
            poissonSeeds.add(encoder.seed());
            dynamic.add(encoder.name());
            synapseOps.add(source);
            sweep.add(source);
        }

        private void population(IfNeurons neurons) {
            String operand = neurons.input();
            int size = shapes.get(neurons.name()).size();
            double[] bias = neurons.current().map(this::values).orElse(new double[size]);
            if (framed.contains(operand) && (dynamic.contains(operand) || constant.contains(operand))
                    && !frameJoins.containsKey(operand)) {
                throw CompilationException.of(DiagnosticCode.NOT_SIMULATABLE, neurons.span(), "population '"
                        + neurons.name() + "' reads the input's frames together with other input in one sum");
            }
            Integer reserved = reservedSpikes.remove(neurons.name());
            int spikes = reserved != null ? reserved : newEvents(size);
            Population population = new Population(populations.size(), neurons.threshold(),
                    neurons.initialMembrane(), neurons.reset() == ResetMode.ZERO, neurons.decay(),
                    neurons.fixed().flatMap(FixedPoint::decay), bias,
                    constant.contains(operand) ? Optional.of(slots.get(operand)) : Optional.empty(),
                    framed.contains(operand) ? Optional.of(frameJoins.getOrDefault(operand, slots.get(operand)))
                            : Optional.empty(),
                    dynamic.contains(operand) ? Optional.of(slots.get(operand)) : Optional.empty(), spikes);
            populations.add(population);
            populationNames.add(neurons.name());
            populationByName.put(neurons.name(), population);
            populationSizes.add(size);
            slots.put(neurons.name(), new Slot(spikes, false));
            dynamic.add(neurons.name());
            sweep.add(state -> {
                population.deliver(state);
                return population.fire(state);
            });
        }

        /**
         * A recurrent edge is its source population's event list, reserved here for the population to fire into. The
         * synapses reading it run before the population fires in the sync sweep, and after it in the pipelined step
         * whose synaptic input the population takes in the next step, so either way they carry the previous step's
         * spikes.
         */
        private void recurrent(PreviousStep previous) {
            int spikes = newEvents(previous.shape().size());
            reservedSpikes.put(previous.source(), spikes);
            slots.put(previous.name(), new Slot(spikes, false));
            dynamic.add(previous.name());
        }

        /**
         * An add (offsets 0) or a concat (offsets the operands' starts); each program joins its own operands. The
         * frame program's join of a value that spikes reach too (a recurrent population's input: this step's frame
         * plus its previous spikes) gets an event list of its own, since the sync sweep runs both joins before the
         * population takes either.
         */
        private void join(Node node) {
            List<String> operands = node.inputs();
            int capacity = 0;
            for (String operand : operands) {
                capacity += eventCapacities.get(events(operand));
            }
            int shared = newEvents(capacity);
            slots.put(node.name(), new Slot(shared, false));
            inherit(node.name(), operands);
            if (framed.contains(node.name()) && dynamic.contains(node.name())) {
                frameJoins.put(node.name(), new Slot(newEvents(capacity), false));
            }
            for (Set<String> program : List.of(constant, framed, dynamic)) {
                int out = program == framed && frameJoins.containsKey(node.name())
                        ? frameJoins.get(node.name()).index() : shared;
                MutableIntList in = new IntArrayList();
                MutableIntList offsets = new IntArrayList();
                int start = 0;
                for (String operand : operands) {
                    if (program.contains(operand)) {
                        in.add(events(operand));
                        offsets.add(node instanceof Concat ? start : 0);
                    }
                    start += shapes.get(operand).size();
                }
                if (!in.isEmpty()) {
                    Join op = new Join(in.toArray(), offsets.toArray(), out);
                    if (program == framed) {
                        addFrame(op);
                    } else {
                        add(program == constant, op);
                    }
                }
            }
        }

        /** A one-operand synapse: conv2d, dense, avgpool, affine or maxpool_gate. */
        private void synapse(Node node) {
            String operand = node.inputs().get(0);
            inherit(node.name(), node.inputs());
            boolean fromInput = constant.contains(node.name());
            if (node instanceof MaxPoolGate && fromInput && dynamic.contains(node.name())) {
                throw CompilationException.of(DiagnosticCode.NOT_SIMULATABLE, node.span(), "maxpool_gate '"
                        + node.name() + "' reads both the analog input and spikes, so its counts have no one meaning");
            }
            int in = events(operand);
            int[] inShape = shapes.get(operand).toArray();
            int[] outShape = shapes.get(node.name()).toArray();
            Operation op;
            if (node instanceof Conv2d conv) {
                int out = newDense(outShape, node);
                Window2d w = conv.window();
                op = new ConvScatter(in, out, inShape, outShape, conv.groups(), w.kernelH(), w.kernelW(),
                        values(conv.weight()), rows(w, inShape, outShape), cols(w, inShape, outShape));
            } else if (node instanceof Dense dense) {
                int out = newDense(outShape, node);
                op = new DenseScatter(in, out, inShape[0], dense.units(), values(dense.weight()));
            } else if (node instanceof AvgPool pool) {
                int out = newDense(outShape, node);
                op = new PoolScatter(in, out, inShape, outShape, rows(pool.window(), inShape, outShape),
                        cols(pool.window(), inShape, outShape), divisors(pool, inShape, outShape));
            } else if (node instanceof Affine affine) {
                int out = newEvents(eventCapacities.get(in), node);
                op = new ChannelScale(in, out, shapes.get(operand).size() / inShape[0], values(affine.scale()));
            } else if (node instanceof MaxPoolGate gate) {
                AxisCover rows = rows(gate.window(), inShape, outShape);
                AxisCover cols = cols(gate.window(), inShape, outShape);
                int out = newEvents(eventCapacities.get(in) * maxFanOut(rows) * maxFanOut(cols), node);
                gateSizes.add(shapes.get(operand).size());
                op = new Gate(in, out, gateSizes.size() - 1, inShape, outShape, gate.window(), rows, cols,
                        gate.emaDecay());
            } else {
                throw new IllegalStateException("no synapse for " + node.operator() + " '" + node.name() + "'");
            }
            if (fromInput) {
                analogMacs += macs.getOrDefault(node.name(), 0L);
                add(true, op);
            }
            if (framed.contains(node.name())) {
                addFrame(op);
            }
            if (dynamic.contains(node.name())) {
                add(false, op);
            }
        }

        /** Marks {@code name} as part of each program that one of its operands belongs to. */
        private void inherit(String name, List<String> operands) {
            if (operands.stream().anyMatch(constant::contains)) {
                constant.add(name);
            }
            if (operands.stream().anyMatch(framed::contains)) {
                framed.add(name);
            }
            if (operands.stream().anyMatch(dynamic::contains)) {
                dynamic.add(name);
            }
        }

        /** An operation of the frame program, which the sync sweep runs in its place in definition order. */
        private void addFrame(Operation op) {
            frameOps.add(op);
            sweep.add(op);
        }

        private void add(boolean constantProgram, Operation op) {
            if (constantProgram) {
                constantOps.add(op);
            } else {
                synapseOps.add(op);
                sweep.add(op);
            }
        }

        /** The event list holding {@code name}'s value, sparsifying a dense slot once, in the operand's programs. */
        private int events(String name) {
            Slot slot = slots.get(name);
            if (!slot.dense()) {
                return slot.index();
            }
            return sparsified.computeIfAbsent(name, n -> {
                int out = newEvents(denseSizes.get(slot.index()));
                Sparsify op = new Sparsify(slot.index(), out);
                if (constant.contains(n)) {
                    constantOps.add(op);
                }
                if (framed.contains(n)) {
                    addFrame(op);
                }
                if (dynamic.contains(n)) {
                    add(false, op);
                }
                return out;
            });
        }

        private int newEvents(int capacity) {
            eventCapacities.add(capacity);
            return eventCapacities.size() - 1;
        }

        private int newEvents(int capacity, Node node) {
            int out = newEvents(capacity);
            slots.put(node.name(), new Slot(out, false));
            return out;
        }

        private int newDense(int[] shape, Node node) {
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            denseSizes.add(size);
            int out = denseSizes.size() - 1;
            slots.put(node.name(), new Slot(out, true));
            return out;
        }

        private double[] values(ParamRef ref) {
            return graph.weights().tensors().get(ref.key()).toArray();
        }

        private static AxisCover rows(Window2d w, int[] in, int[] out) {
            return new AxisCover(in[1], w.kernelH(), w.strideH(), w.padding().top(), out[1]);
        }

        private static AxisCover cols(Window2d w, int[] in, int[] out) {
            return new AxisCover(in[2], w.kernelW(), w.strideW(), w.padding().left(), out[2]);
        }

        private static int maxFanOut(AxisCover cover) {
            int most = 0;
            for (int[] outputs : cover.outputs) {
                most = Math.max(most, outputs.length);
            }
            return most;
        }

        /** n of every window (i, j): kH·kW with countIncludePad, else its positions inside the input. */
        private static double[] divisors(AvgPool pool, int[] in, int[] out) {
            Window2d w = pool.window();
            double[] n = new double[out[1] * out[2]];
            for (int i = 0; i < out[1]; i++) {
                int r0 = i * w.strideH() - w.padding().top();
                int rows = Math.min(in[1], r0 + w.kernelH()) - Math.max(0, r0);
                for (int j = 0; j < out[2]; j++) {
                    int c0 = j * w.strideW() - w.padding().left();
                    int cols = Math.min(in[2], c0 + w.kernelW()) - Math.max(0, c0);
                    n[i * out[2] + j] = pool.countIncludePad() ? w.kernelH() * w.kernelW() : rows * cols;
                }
            }
            return n;
        }
    }
}
