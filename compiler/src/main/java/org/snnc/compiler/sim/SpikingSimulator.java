package org.snnc.compiler.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.concurrent.PerImageWorkers;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.passes.Progress;

/**
 * The float64 simulator of a converted spiking graph, after Rueckauer et al. 2017 and CONVENTIONS.md. Each image is
 * simulated for T steps from v = 0, alone and in a fixed order of operations, by the schedule of the
 * {@link SimulationOptions}; the synapses are event-driven, so a step costs in proportion to its spikes. Images are
 * spread over a pool of worker threads and their results gathered in image order, so every result is bit-identical
 * for any number of threads.
 *
 * <p>Synaptic operations count, per spike, the fan-out into each weighted synapse it reaches (conv2d: the output
 * positions × filters its input position feeds, padding and groups respected; dense: units; avgpool: the windows
 * covering it; affine: 1); spikes a gate blocks cost nothing. The analog input costs the ANN MACs of the weighted
 * synapses it feeds, once per image. With an {@link EarlyExit} (margin in output thresholds), an image stops after the
 * step that completes its streak of membrane margins ≥ the bound, and nothing of later steps is counted.
 *
 * <p>The constructor verifies and compiles the graph; a simulator is immutable and may be shared between threads.
 */
public final class SpikingSimulator {

    private final CompiledNetwork network;
    private final SimulationOptions options;

    /**
     * Verifies {@code graph}, checks that it is fully converted and compiles it.
     *
     * @throws org.snnc.compiler.diag.CompilationException if the graph does not verify, or
     *         {@link org.snnc.compiler.diag.DiagnosticCode#NOT_SIMULATABLE} naming the pass that must run first
     */
    public SpikingSimulator(Graph graph, SimulationOptions options) {
        this.network = CompiledNetwork.compile(graph, options.schedule());
        this.options = options;
        if (options.earlyExit().isPresent() && network.decoder.mode() != ReadoutMode.MEMBRANE) {
            throw new IllegalArgumentException("an early exit reads the membrane readout's margin; this readout is "
                    + network.decoder.mode());
        }
    }

    public SimulationOptions options() {
        return options;
    }

    /** The number of values one image holds, or one frame of a sequence. */
    public int inputSize() {
        return network.inputSize;
    }

    /**
     * Every population's spikes at every step of one image (scaled, flat in C order; the {@code index}-th of its
     * batch, which seeds its generators): by population name, for step t (from 0) the set of neurons that fired, as
     * the population's event list holds them once the step is done.
     */
    public Map<String, BitSet[]> spikeRaster(double[] image, int index) {
        requireInputSize(image, index);
        Map<String, BitSet[]> raster = new LinkedHashMap<>();
        network.populationNames.forEach(name -> raster.put(name, new BitSet[options.steps()]));
        new ImageSimulation(network, options).run(image, index, (step, state) -> {
            for (int p = 0; p < network.populations.length; p++) {
                EventList spikes = state.events[network.populations[p].spikes()];
                BitSet fired = new BitSet();
                for (int e = 0; e < spikes.size; e++) {
                    fired.set(spikes.index[e]);
                }
                raster.get(network.populationNames.get(p))[step] = fired;
            }
        });
        return raster;
    }

    /**
     * Refuses an image that does not hold {@link #inputSize()} values, or, for a sequence input, a positive
     * multiple of them (its frames).
     */
    private void requireInputSize(double[] image, int index) {
        int size = network.inputSize;
        boolean fits = network.takesSequences ? image.length > 0 && image.length % size == 0 : image.length == size;
        if (!fits) {
            throw new IllegalArgumentException("image " + index + " holds " + image.length + " values, but the "
                    + "network's input needs " + (network.takesSequences ? "frames of " : "") + size);
        }
    }

    /**
     * Simulates every image of {@code inputs}.
     *
     * @param inputs   the scaled images, each flat in C order; a sequence input's frames one after another
     * @param progress advanced by one per finished image
     * @throws IllegalArgumentException if an image does not hold {@link #inputSize()} values (or whole frames of
     *         them, for a sequence input)
     */
    public SimulationResult run(double[][] inputs, Progress.Factory progress) {
        for (int image = 0; image < inputs.length; image++) {
            requireInputSize(inputs[image], image);
        }
        long start = System.nanoTime();
        ImageRecord[] records = new ImageRecord[inputs.length];
        try (Progress bar = progress.start("simulating", inputs.length)) {
            PerImageWorkers.run(inputs.length, options.threads(), "snnc-sim",
                    () -> new ImageSimulation(network, options), (simulation, image) -> {
                        records[image] = simulation.run(inputs[image], image);
                        bar.advance(1);
                    });
        }
        return gather(records, System.nanoTime() - start);
    }

    /**
     * Each population's spikes per neuron, summed over every image of {@code inputs} (scaled, flat in C order): the
     * statistic that rate calibration compares with the rates the network should reach. Sums of integers, so they
     * do not depend on the threads.
     */
    public Map<String, long[]> spikesPerNeuron(double[][] inputs, Progress.Factory progress) {
        List<ImageSimulation> workers = Collections.synchronizedList(new ArrayList<>());
        try (Progress bar = progress.start("counting spikes", inputs.length)) {
            PerImageWorkers.run(inputs.length, options.threads(), "snnc-sim", () -> {
                ImageSimulation simulation = new ImageSimulation(network, options);
                workers.add(simulation);
                return simulation;
            }, (simulation, image) -> {
                simulation.run(inputs[image], image);
                bar.advance(1);
            });
        }
        Map<String, long[]> totals = new LinkedHashMap<>();
        for (int p = 0; p < network.populations.length; p++) {
            long[] sum = new long[network.layout.populationSizes()[p]];
            for (ImageSimulation worker : workers) {
                long[] counts = worker.spikesPerNeuron(p);
                Arrays.setAll(sum, i -> sum[i] + counts[i]);
            }
            totals.put(network.populationNames.get(p), sum);
        }
        return totals;
    }

    /** Reduces the per-image records in image order, so that the sums do not depend on the threads. */
    private SimulationResult gather(ImageRecord[] records, long wallNanos) {
        int steps = options.steps();
        int images = records.length;
        int[][] predictions = new int[steps][images];
        int[][] spikeCount = new int[steps][images];
        long[] opsByStep = new long[steps];
        double[][] margins = new double[images][];
        double[][] opsThrough = new double[images][steps];
        int[] stepsRun = new int[images];
        long[] spikes = new long[network.populations.length];
        for (int image = 0; image < images; image++) {
            ImageRecord record = records[image];
            long imageOps = 0;
            for (int t = 0; t < steps; t++) {
                predictions[t][image] = record.predictions()[t];
                spikeCount[t][image] = record.spikeCountPredictions()[t];
                opsByStep[t] += record.synapticOps()[t];
                imageOps += record.synapticOps()[t];
                opsThrough[image][t] = network.analogMacs + imageOps;
            }
            margins[image] = record.margins();
            stepsRun[image] = record.stepsRun();
            for (int p = 0; p < spikes.length; p++) {
                spikes[p] += record.spikes()[p];
            }
        }
        double[] opsPerImage = new double[steps];
        long cumulative = 0;
        for (int t = 0; t < steps; t++) {
            cumulative += opsByStep[t];
            opsPerImage[t] = images == 0 ? 0.0 : network.analogMacs + (double) cumulative / images;
        }
        Map<String, Double> spikesPerLayer = new LinkedHashMap<>();
        for (int p = 0; p < spikes.length; p++) {
            spikesPerLayer.put(network.populationNames.get(p), images == 0 ? 0.0 : (double) spikes[p] / images);
        }
        return new SimulationResult(images, steps, predictions, spikeCount, opsPerImage, cumulative, spikesPerLayer,
                images == 0 ? 0.0 : (double) network.neurons * Arrays.stream(stepsRun).asLongStream().sum() / images,
                new ExitFrontier.ReadoutTrace(predictions, margins, opsThrough),
                stepsRun, wallNanos);
    }
}
