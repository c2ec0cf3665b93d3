package org.snnc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code --threads} option's value: one worker per core unless given, and at least 1. */
final class Threads {

    private Threads() {
    }

    static int resolve(Integer requested, CommandSpec spec) {
        int workers = requested != null ? requested : Runtime.getRuntime().availableProcessors();
        if (workers < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        return workers;
    }
}
