package org.snnc.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.snnc.compiler.passes.Progress;

/**
 * Shows long tasks as a progress bar on standard error, when standard error is a terminal; redirected runs (CI logs,
 * tests) get no bar, since a bar redrawn with carriage returns only clutters a file.
 */
final class ConsoleProgress {

    private ConsoleProgress() {
    }

    static Progress.Factory forTerminal() {
        if (System.console() == null) {
            return Progress.NONE;
        }
        return (task, total) -> {
            ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(200).continuousUpdate().build();
            return new Progress() {
                @Override
                public void advance(long units) {
                    bar.stepBy(units);
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        };
    }
}
