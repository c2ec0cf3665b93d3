package org.snnc.compiler.interp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.snnc.compiler.concurrent.PerImageWorkers;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Verifier;

/**
 * The float64 reference interpreter of the ANN a graph describes: the meaning every pass must preserve. Each operator
 * follows its ONNX definition (see {@link Steps}); dropout and flatten are identities on the data.
 *
 * <p>The input is given already scaled, x = raw · scale, flat in C order. One image is evaluated node by node in
 * definition order. A batch spreads its images over a pool of worker threads; since each image's arithmetic is fixed
 * and independent of the others, the results are bit-identical for any number of threads.
 *
 * <p>The constructor verifies the graph and compiles its kernels, which read the weight tensors' arrays in place
 * (never writing them); an interpreter is immutable and may be shared between threads.
 */
public final class AnnInterpreter {

    private final Graph graph;
    private final List<String> names;
    private final List<Shape> shapes;
    private final Step[] steps;
    private final int outputSlot;
    private final int inputSize;
    /** For each slot, the last slot whose step reads it (its own index if none does). */
    private final int[] lastUse;

    /** Verifies {@code graph} (throwing every error as a {@code CompilationException}) and compiles its kernels. */
    public AnnInterpreter(Graph graph) {
        Map<String, Shape> inferred = Verifier.verify(graph).shapes();
        this.graph = graph;
        this.names = List.copyOf(graph.nodes().keySet());
        Map<String, Integer> slot = new HashMap<>();
        List<Shape> slotShapes = new ArrayList<>();
        this.steps = new Step[names.size()];
        int s = 0;
        for (Node node : graph.nodes().values()) {
            slot.put(node.name(), s);
            slotShapes.add(inferred.get(node.name()));
            if (!(node instanceof Input)) {
                steps[s] = Steps.compile(node, graph, inferred, slot);
            }
            s++;
        }
        this.shapes = List.copyOf(slotShapes);
        this.lastUse = new int[names.size()];
        int user = 0;
        for (Node node : graph.nodes().values()) {
            lastUse[user] = Math.max(lastUse[user], user);
            for (String operand : node.inputs()) {
                lastUse[slot.get(operand)] = Math.max(lastUse[slot.get(operand)], user);
            }
            user++;
        }
        this.outputSlot = slot.get(graph.output());
        this.inputSize = graph.input().shape().size();
    }

    public Graph graph() {
        return graph;
    }

    /** The names of every node, in definition order; pass it as {@code keep} to retain every activation. */
    public Set<String> nodeNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    /** The number of values one image holds, the size of the input's shape. */
    public int inputSize() {
        return inputSize;
    }

    /**
     * Evaluates one image and returns the output node's values.
     *
     * @param input the scaled input, flat in C order; it is copied, not kept
     * @throws IllegalArgumentException if {@code input} does not hold {@link #inputSize()} values
     */
    public double[] evaluate(double[] input) {
        checkLength(input, -1);
        return run(input)[outputSlot];
    }

    /** {@link #evaluateBatch(double[][], Set, int)} retaining every node's activations. */
    public Activations evaluateBatchAll(double[][] inputs, int threads) {
        return evaluateBatch(inputs, nodeNames(), threads);
    }

    /**
     * Evaluates every image of {@code inputs} on {@code threads} worker threads.
     *
     * @param inputs  the scaled images, each flat in C order
     * @param keep    the nodes whose activations to retain; the output is always retained
     * @param threads the number of workers, at least 1 (1 evaluates on the calling thread)
     * @return the retained activations, image by image in the order of {@code inputs}
     * @throws IllegalArgumentException if an image has the wrong length or {@code keep} names an unknown node
     */
    public Activations evaluateBatch(double[][] inputs, Set<String> keep, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        for (int image = 0; image < inputs.length; image++) {
            checkLength(inputs[image], image);
        }
        boolean[] kept = keptSlots(keep);
        double[][][] values = new double[names.size()][][];
        for (int s = 0; s < kept.length; s++) {
            if (kept[s]) {
                values[s] = new double[inputs.length][];
            }
        }
        PerImageWorkers.run(inputs.length, threads, "snnc-interp", () -> this,
                (interpreter, image) -> retain(run(inputs[image]), values, image));
        Map<String, double[][]> byName = new LinkedHashMap<>();
        Map<String, Shape> shapeByName = new LinkedHashMap<>();
        for (int s = 0; s < kept.length; s++) {
            if (kept[s]) {
                byName.put(names.get(s), values[s]);
                shapeByName.put(names.get(s), shapes.get(s));
            }
        }
        return new Activations(inputs.length, graph.output(), byName, shapeByName);
    }

    /** What a worker does with one image's retained values. */
    @FunctionalInterface
    public interface ImageConsumer<S> {
        /**
         * @param state  the worker's own state
         * @param image  the image's index in the batch
         * @param values the retained nodes' values, by name; the arrays are the interpreter's, never to be written
         */
        void accept(S state, int image, Map<String, double[]> values);
    }

    /**
     * Evaluates every image of {@code inputs} on {@code threads} worker threads and hands each image's retained
     * values to {@code consumer} as soon as the image is done, keeping nothing: a batch of any size takes the memory
     * of one image per worker. Each worker makes one state with {@code state} and passes it to every image it takes;
     * which worker takes which image varies, so a caller that merges the states must merge in a way that does not
     * depend on it.
     *
     * @param keep the nodes whose values to hand over; the output is always handed over
     * @return the workers' states, to merge
     * @throws IllegalArgumentException if an image has the wrong length or {@code keep} names an unknown node
     */
    public <S> List<S> forEachImage(double[][] inputs, Set<String> keep, int threads, Supplier<S> state,
            ImageConsumer<S> consumer) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        for (int image = 0; image < inputs.length; image++) {
            checkLength(inputs[image], image);
        }
        boolean[] kept = keptSlots(keep);
        List<S> states = Collections.synchronizedList(new ArrayList<>());
        PerImageWorkers.run(inputs.length, threads, "snnc-interp", () -> {
            S made = state.get();
            states.add(made);
            return made;
        }, (worker, image) -> {
            double[][] slots = run(inputs[image], kept);
            Map<String, double[]> values = new LinkedHashMap<>();
            for (int s = 0; s < kept.length; s++) {
                if (kept[s]) {
                    values.put(names.get(s), slots[s]);
                }
            }
            consumer.accept(worker, image, Collections.unmodifiableMap(values));
        });
        return List.copyOf(states);
    }

    private boolean[] keptSlots(Set<String> keep) {
        boolean[] kept = new boolean[names.size()];
        for (String name : keep) {
            int index = names.indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException("no node '" + name + "' in graph " + graph.name());
            }
            kept[index] = true;
        }
        kept[outputSlot] = true;
        return kept;
    }

    /** Stores the kept slots of one image; each image writes its own cells, which PerImageWorkers publishes. */
    private static void retain(double[][] slots, double[][][] values, int image) {
        for (int s = 0; s < slots.length; s++) {
            if (values[s] != null) {
                values[s][image] = slots[s];
            }
        }
    }

    /** Every node's values for one image, by slot; the input's slot holds a copy of {@code input}. */
    private double[][] run(double[] input) {
        double[][] slots = new double[steps.length][];
        for (int s = 0; s < steps.length; s++) {
            slots[s] = steps[s] == null ? input.clone() : steps[s].apply(slots);
        }
        return slots;
    }

    /** The {@code kept} slots' values for one image; every other slot is dropped once its last user has run. */
    private double[][] run(double[] input, boolean[] kept) {
        double[][] slots = new double[steps.length][];
        for (int s = 0; s < steps.length; s++) {
            slots[s] = steps[s] == null ? input.clone() : steps[s].apply(slots);
            for (int operand = 0; operand <= s; operand++) {
                if (!kept[operand] && lastUse[operand] == s) {
                    slots[operand] = null;
                }
            }
        }
        return slots;
    }

    private void checkLength(double[] input, int image) {
        if (input.length != inputSize) {
            Input in = graph.input();
            String which = image < 0 ? "the image" : "image " + image;
            throw new IllegalArgumentException(which + " holds " + input.length + " values, but input '" + in.name()
                    + "' of shape " + in.shape() + " needs " + inputSize);
        }
    }
}
