package org.snnc.compiler.passes;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Which IR dumps the {@link PassManager} writes, in the network language, and where to.
 *
 * @param afterAll    dump after every pass ({@code --print-ir-after-all})
 * @param afterPasses dump after the passes of these names ({@code --print-ir-after=NAME})
 * @param afterChange dump after every pass that changed the graph ({@code --print-ir-after-change})
 * @param sink        receives each dump, a header comment line followed by the network text
 */
public record IrDumps(boolean afterAll, Set<String> afterPasses, boolean afterChange, Consumer<String> sink) {

    public static final IrDumps NONE = new IrDumps(false, Set.of(), false, text -> { });

    public IrDumps {
        afterPasses = Set.copyOf(afterPasses);
    }

    boolean wanted(String pass, boolean changed) {
        return afterAll || afterPasses.contains(pass) || afterChange && changed;
    }
}
