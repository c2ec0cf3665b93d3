package org.snnc.compiler.sim;

import java.util.Optional;
import org.snnc.compiler.ir.ReadoutWindow;

/**
 * Simulates images one after another on one thread, reusing one {@link WorkerState}: per image, set the seeded
 * generators, run the constant program and set the populations' currents, then T times the step program followed by
 * the readout, until the early exit, if any, settles.
 */
final class ImageSimulation {

    private final CompiledNetwork network;
    private final int steps;
    private final Optional<EarlyExit> earlyExit;
    private final WorkerState state;
    /** The readout's scores S(t) of the image so far: row t after step t, row 0 before the first step. */
    private final double[][] scores;
    private final double[] windowed;

    ImageSimulation(CompiledNetwork network, SimulationOptions options) {
        this.network = network;
        this.steps = options.steps();
        this.earlyExit = options.earlyExit();
        this.state = new WorkerState(network.layout);
        this.scores = new double[steps + 1][network.layout.classes()];
        this.windowed = new double[network.layout.classes()];
    }

    /** What a traced run hands over after each step: the state, whose event lists hold that step's values. */
    @FunctionalInterface
    interface StepObserver {
        void stepped(int step, WorkerState state);
    }

    /** Simulates {@code image}, the {@code index}-th of its batch (which seeds its generators). */
    ImageRecord run(double[] image, int index) {
        return run(image, index, (step, state) -> {
        });
    }

    /** As {@link #run(double[], int)}, showing {@code observer} the state after every step. */
    ImageRecord run(double[] image, int index, StepObserver observer) {
        state.begin(image);
        for (int e = 0; e < network.poissonSeeds.length; e++) {
            state.encoderRandom[e] = Encoders.generator(network.poissonSeeds[e], index);
        }
        state.readoutRandom = Encoders.generator(network.readoutSeed, index).split();
        for (Operation op : network.constantProgram) {
            op.run(state);
        }
        for (Population population : network.populations) {
            population.start(state);
        }
        int[] predictions = new int[steps];
        int[] spikeCount = new int[steps];
        long[] ops = new long[steps];
        double[] margins = new double[steps];
        Decoder decoder = network.decoder;
        decoder.score(state, scores[0]);
        Optional<EarlyExit.Streak> exit = earlyExit.map(EarlyExit::streak);
        int ran = 0;
        boolean settled = false;
        while (ran < steps && !settled) {
            int t = ran++;
            state.step = t;
            long stepOps = 0;
            for (Operation op : network.stepProgram) {
                stepOps += op.run(state);
            }
            observer.stepped(t, state);
            ops[t] = stepOps;
            decoder.count(state);
            decoder.score(state, scores[t + 1]);
            double[] now = scores[t + 1];
            double[] from = decoder.window() == ReadoutWindow.HALF ? scores[decoder.window().start(t + 1)] : null;
            for (int k = 0; k < windowed.length; k++) {
                windowed[k] = from == null ? now[k] : now[k] - from[k];
            }
            margins[t] = decoder.margin(windowed);
            predictions[t] = decoder.decide(state, windowed, t + 1 - decoder.window().start(t + 1));
            spikeCount[t] = decoder.bySpikeCount(state);
            settled = exit.isPresent() && exit.get().settles(margins[t]);
        }
        for (int t = ran; t < steps; t++) {
            predictions[t] = predictions[t - 1];
            spikeCount[t] = spikeCount[t - 1];
            margins[t] = margins[t - 1];
        }
        return new ImageRecord(predictions, spikeCount, ops, margins, ran, state.spikeTotals.clone());
    }

    /** Population {@code population}'s spikes per neuron over every image this simulation ran. */
    long[] spikesPerNeuron(int population) {
        return state.neuronSpikes[population];
    }
}
