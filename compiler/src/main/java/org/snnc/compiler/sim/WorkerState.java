package org.snnc.compiler.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The mutable state of one image's simulation, owned by one worker thread and reused for each image it simulates:
 * every slot's value of the current step, the gates' rate estimates, and each population's membrane potential v,
 * constant current and spike total, and a decaying population's synaptic current.
 */
final class WorkerState {

    final EventList[] events;
    final double[][] dense;
    final double[][] rates;
    final double[][] potential;
    final double[][] current;
    /**
     * Per population with a decay: its synaptic current u, the analog encoder's constant input into u, and the
     * synaptic input delivered for its next update.
     */
    final double[][] synaptic;
    final double[][] drive;
    final double[][] delivered;
    final long[] spikeTotals;
    /** Per population and neuron, the spikes over every image this worker ran: they are never cleared. */
    final long[][] neuronSpikes;
    final SplittableRandom[] encoderRandom;
    /** The output population's spike count per class since the image began. */
    final int[] classSpikes;
    /** The Poisson softmax readout's spike count per class. */
    final int[] readoutSpikes;
    SplittableRandom readoutRandom;
    /** The scaled image being simulated, flat in C order (a sequence's frames one after another). */
    double[] image;
    /** The step being simulated, from 0. */
    int step;

    WorkerState(Layout layout) {
        events = Arrays.stream(layout.eventCapacities()).mapToObj(EventList::new).toArray(EventList[]::new);
        dense = allocate(layout.denseSizes());
        rates = allocate(layout.gateSizes());
        potential = allocate(layout.populationSizes());
        current = allocate(layout.populationSizes());
        synaptic = allocate(layout.populationSizes());
        drive = allocate(layout.populationSizes());
        delivered = allocate(layout.populationSizes());
        spikeTotals = new long[layout.populationSizes().length];
        neuronSpikes = Arrays.stream(layout.populationSizes()).mapToObj(long[]::new).toArray(long[][]::new);
        encoderRandom = new SplittableRandom[layout.poissonEncoders()];
        classSpikes = new int[layout.classes()];
        readoutSpikes = new int[layout.classes()];
    }

    private static double[][] allocate(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(double[]::new).toArray(double[][]::new);
    }

    /**
     * Starts image {@code x}: gate estimates and spike counts 0; the caller starts the populations (v and currents)
     * and the generators.
     */
    void begin(double[] x) {
        image = x;
        step = 0;
        for (double[] r : rates) {
            Arrays.fill(r, 0.0);
        }
        Arrays.fill(spikeTotals, 0L);
        Arrays.fill(classSpikes, 0);
        Arrays.fill(readoutSpikes, 0);
    }

    /** target += the value of {@code slot}, element by element. */
    void addValue(Slot slot, double[] target) {
        if (slot.dense()) {
            double[] value = dense[slot.index()];
            for (int i = 0; i < target.length; i++) {
                target[i] += value[i];
            }
        } else {
            EventList in = events[slot.index()];
            for (int e = 0; e < in.size; e++) {
                target[in.index[e]] += in.value[e];
            }
        }
    }
}
