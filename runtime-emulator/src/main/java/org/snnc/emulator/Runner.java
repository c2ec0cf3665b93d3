package org.snnc.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.snnc.emulator.config.Configuration.EarlyExit;

/**
 * Runs many images for T steps on a fixed pool of threads. Each thread has its own {@link Emulator}; each image's
 * results are stored at its index, so the results are the same for any thread count.
 */
public final class Runner {
    /** Told after each image finishes; called from worker threads. */
    public interface Progress {
        void imageDone(int imagesDone, int imagesTotal);
    }

    /**
     * What a run measured. {@code predictions[t][i]} is image i's class after step t+1; {@code synapticOps[i][t]} its
     * synaptic operations up to and including step t+1; {@code margins[i][t]} the readout's top score minus the
     * runner-up's after step t+1; {@code stepsRun[i]} the steps image i ran: T, or its exit step when an early exit
     * stopped it, after which its class, operations and margin stay those of the exit step.
     */
    public record Result(
            int[][] predictions,
            long[][] synapticOps,
            long[][] margins,
            int[] stepsRun,
            long neuronUpdates,
            long[] spikesPerCore,
            double seconds) {

        /** The steps the images ran, summed, per second: an image stopped early counts its steps run only. */
        public double imageStepsPerSecond() {
            return Arrays.stream(stepsRun).asLongStream().sum() / seconds;
        }

        public long totalSynapticOps() {
            long total = 0;
            for (long[] perImage : synapticOps) {
                total += perImage.length == 0 ? 0 : perImage[perImage.length - 1];
            }
            return total;
        }

        public double synapticEventsPerSecond() {
            return totalSynapticOps() / seconds;
        }

        /** The fraction of images whose class after the last step equals {@code labels}. */
        public double accuracy(int[] labels) {
            int[] last = predictions[predictions.length - 1];
            int right = 0;
            for (int i = 0; i < last.length; i++) {
                right += last[i] == labels[i] ? 1 : 0;
            }
            return last.length == 0 ? 0 : right / (double) last.length;
        }
    }

    private Runner() {}

    /** {@link #run(Chip, int[][], int, int, boolean, Optional, Progress)} with the configuration's early exit. */
    public static Result run(Chip chip, int[][] images, int steps, int threads, boolean strict, Progress progress) {
        return run(chip, images, steps, threads, strict, chip.configuration.readout().earlyExit(), progress);
    }

    /**
     * Runs every image of {@code images} (raw integer inputs, or for a sequence input each its frames of event counts
     * one after another, {@link Emulator#load}) for {@code steps} steps on {@code threads} threads, or until
     * {@code earlyExit} stops it. A sequence may be shorter than the run: the input is then silent.
     */
    public static Result run(Chip chip, int[][] images, int steps, int threads, boolean strict,
            Optional<EarlyExit> earlyExit, Progress progress) {
        if (steps < 1 || threads < 1) {
            throw new EmulatorException("steps and threads must be at least 1, got " + steps + " and " + threads);
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (threads * chip.stateBytes > heap / 2) {
            throw new EmulatorException(threads + " threads need " + (threads * chip.stateBytes >> 20)
                    + " MiB of emulator state, more than half the " + (heap >> 20) + " MiB heap; run fewer threads"
                    + " or give Java more memory");
        }
        int count = images.length;
        int[][] predictions = new int[steps][count];
        long[][] synapticOps = new long[count][steps];
        long[][] margins = new long[count][steps];
        int[] stepsRun = new int[count];
        long[][] spikes = new long[count][];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                workers.add(pool.submit(() -> {
                    Emulator emulator = new Emulator(chip, strict, earlyExit);
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        emulator.load(images[i]);
                        int t = 0;
                        while (t < steps && !emulator.exited()) {
                            emulator.advance(Math.min(emulator.chunk(), steps - t));
                            for (int k = 0; k < emulator.advanced(); k++) {
                                predictions[t + k][i] = emulator.prediction(k);
                                synapticOps[i][t + k] = emulator.synapticOps(k);
                                margins[i][t + k] = emulator.margin(k);
                            }
                            t += emulator.advanced();
                        }
                        stepsRun[i] = t;
                        for (; t < steps; t++) {
                            predictions[t][i] = predictions[t - 1][i];
                            synapticOps[i][t] = synapticOps[i][t - 1];
                            margins[i][t] = margins[i][t - 1];
                        }
                        spikes[i] = emulator.spikesPerCore();
                        int finished = done.incrementAndGet();
                        if (progress != null) {
                            progress.imageDone(finished, count);
                        }
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EmulatorException) {
                throw (EmulatorException) e.getCause();
            }
            throw new IllegalStateException("emulator worker failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmulatorException("the run was interrupted");
        } finally {
            pool.shutdownNow();
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        long[] spikesPerCore = new long[chip.cores.length];
        for (long[] perImage : spikes) {
            for (int c = 0; c < spikesPerCore.length; c++) {
                spikesPerCore[c] += perImage[c];
            }
        }
        long imageSteps = Arrays.stream(stepsRun).asLongStream().sum();
        return new Result(predictions, synapticOps, margins, stepsRun, chip.totalNeurons * imageSteps, spikesPerCore,
                seconds);
    }
}
