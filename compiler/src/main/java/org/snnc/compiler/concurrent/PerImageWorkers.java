package org.snnc.compiler.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs one task per image on a fixed pool of worker threads. Each worker owns one scratch state, made once and
 * reused for every image it takes, and takes images from a shared counter. A task must write only its own image's
 * results; since each image's arithmetic is fixed, the results are then the same for any number of workers.
 */
public final class PerImageWorkers {

    /** The work for one image, with the worker's own scratch state. */
    @FunctionalInterface
    public interface ImageTask<S> {
        void run(S scratch, int image);
    }

    private PerImageWorkers() {
    }

    /**
     * Runs {@code task} for images 0 … {@code images} − 1 on up to {@code threads} workers (on the calling thread
     * when one suffices). Future.get publishes the workers' writes to the caller. A task's runtime exception or error
     * is rethrown as it is.
     */
    public static <S> void run(int images, int threads, String threadName, Supplier<S> scratch, ImageTask<S> task) {
        int workers = Math.min(threads, images);
        if (workers <= 1) {
            S state = scratch.get();
            for (int image = 0; image < images; image++) {
                task.run(state, image);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    S state = scratch.get();
                    for (int image = next.getAndIncrement(); image < images; image = next.getAndIncrement()) {
                        task.run(state, image);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while working on images", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }
}
