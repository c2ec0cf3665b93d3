package org.snnc.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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
     * synaptic operations up to and including step t+1.
     */
    public record Result(
            int[][] predictions,
            long[][] synapticOps,
            long neuronUpdates,
            long[] spikesPerCore,
            double seconds) {

        public double imageStepsPerSecond() {
            return predictions.length == 0 ? 0 : predictions[0].length * (double) predictions.length / seconds;
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

    /** Runs every image of {@code images} (raw integer inputs) for {@code steps} steps on {@code threads} threads. */
    public static Result run(Chip chip, int[][] images, int steps, int threads, boolean strict, Progress progress) {
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
        long[][] spikes = new long[count][];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                workers.add(pool.submit(() -> {
                    Emulator emulator = new Emulator(chip, strict);
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        emulator.load(images[i]);
                        for (int t = 0; t < steps; t += emulator.chunk()) {
                            int length = Math.min(emulator.chunk(), steps - t);
                            emulator.advance(length);
                            for (int k = 0; k < length; k++) {
                                predictions[t + k][i] = emulator.prediction(k);
                                synapticOps[i][t + k] = emulator.synapticOps(k);
                            }
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
        return new Result(predictions, synapticOps, chip.totalNeurons * steps * count, spikesPerCore, seconds);
    }
}
