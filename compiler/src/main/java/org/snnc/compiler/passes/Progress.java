package org.snnc.compiler.passes;

/**
 * Progress of a long task, such as evaluating the ANN over the calibration set. The command line shows it as a
 * progress bar; library callers and tests pass {@link #NONE}.
 */
public interface Progress extends AutoCloseable {

    /** Creates the progress of one task of {@code total} units. */
    @FunctionalInterface
    interface Factory {
        Progress start(String task, long total);
    }

    /** A factory whose progress shows nothing. */
    Factory NONE = (task, total) -> new Progress() {
        @Override
        public void advance(long units) {
        }

        @Override
        public void close() {
        }
    };

    /** Records that {@code units} more units are done. Safe to call from several threads. */
    void advance(long units);

    @Override
    void close();
}
