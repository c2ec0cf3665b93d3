package org.snnc.cli;

import java.util.Optional;
import org.snnc.compiler.sim.EarlyExit;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --exit-margin B --exit-steps k}: the early-exit operating point of {@code simulate}, {@code run} and
 * {@code compile} (which writes it into the configuration's readout). B is in thresholds θ of the output population.
 */
final class ExitOptions {

    @Option(names = "--exit-margin", paramLabel = "B",
            description = "Stop an image once its membrane readout's top score has led the runner-up's by at least B "
                    + "output thresholds for --exit-steps consecutive steps.")
    Double margin;

    @Option(names = "--exit-steps", paramLabel = "k", description = "The consecutive steps of --exit-margin.")
    Integer steps;

    /** The early exit asked for, its margin in thresholds; both options or neither. */
    Optional<EarlyExit> earlyExit(CommandSpec spec) {
        if (margin == null && steps == null) {
            return Optional.empty();
        }
        if (margin == null || steps == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--exit-margin and --exit-steps go together");
        }
        if (!(margin >= 0) || margin.isInfinite() || steps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--exit-margin must be a finite number ≥ 0 "
                    + "and --exit-steps at least 1, got " + margin + " and " + steps);
        }
        return Optional.of(new EarlyExit(margin, steps));
    }
}
