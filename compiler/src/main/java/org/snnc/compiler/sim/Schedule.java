package org.snnc.compiler.sim;

import java.util.Optional;
import org.snnc.compiler.ir.Spelled;

/** When a population sees the spikes of its sources, relative to its own threshold (CONVENTIONS.md, "Schedules"). */
public enum Schedule implements Spelled {
    /**
     * As on a chip: each step every population first adds its constant current and fires; then this step's spikes
     * pass the synapses into the next populations' v, which fire on them one step later. Each hop costs one step.
     */
    PIPELINED("pipelined"),
    /**
     * As SNN Toolbox's INIsim: one sweep in topological order per step, in which a population adds the synaptic input
     * of the spikes its sources emitted earlier in the same sweep, then its current, then fires.
     */
    SYNC("sync");

    private final String spelling;

    Schedule(String spelling) {
        this.spelling = spelling;
    }

    /** The word the command line and reports use. */
    @Override
    public String spelling() {
        return spelling;
    }

    public static Optional<Schedule> fromSpelling(String word) {
        return Spelled.lookup(Schedule.class, word);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
