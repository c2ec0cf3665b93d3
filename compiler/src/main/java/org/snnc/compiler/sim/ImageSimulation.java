package org.snnc.compiler.sim;

/**
 * Simulates images one after another on one thread, reusing one {@link WorkerState}: per image, set the seeded
 * generators, run the constant program and set the populations' currents, then T times the step program followed by
 * the readout.
 */
final class ImageSimulation {

    private final CompiledNetwork network;
    private final int steps;
    private final WorkerState state;

    ImageSimulation(CompiledNetwork network, int steps) {
        this.network = network;
        this.steps = steps;
        this.state = new WorkerState(network.layout);
    }

    /** Simulates {@code image}, the {@code index}-th of its batch (which seeds its generators). */
    ImageRecord run(double[] image, int index) {
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
        Decoder decoder = network.decoder;
        for (int t = 0; t < steps; t++) {
            long stepOps = 0;
            for (Operation op : network.stepProgram) {
                stepOps += op.run(state);
            }
            ops[t] = stepOps;
            decoder.count(state);
            predictions[t] = decoder.decide(state, t + 1);
            spikeCount[t] = decoder.bySpikeCount(state);
        }
        return new ImageRecord(predictions, spikeCount, ops, state.spikeTotals.clone());
    }

    /** Population {@code population}'s spikes per neuron over every image this simulation ran. */
    long[] spikesPerNeuron(int population) {
        return state.neuronSpikes[population];
    }
}
