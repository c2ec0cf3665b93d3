package org.snnc.cli;

import java.util.concurrent.Callable;
import org.snnc.compiler.frontend.text.SnnPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code snnc print FILE}: writes a model in the network language, canonically. */
@Command(name = "print", mixinStandardHelpOptions = true,
        description = "Print a model in the network language (canonical form).")
final class PrintCommand implements Callable<Integer> {

    @Mixin
    private ModelOptions model;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(SnnPrinter.print(model.load().graph()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
