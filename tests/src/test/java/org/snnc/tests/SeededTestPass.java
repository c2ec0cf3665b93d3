package org.snnc.tests;

import java.util.EnumSet;
import java.util.Set;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.Stage;

/**
 * A test pass that changes a converted (spiking) network at random, from the seed of its property case, after the
 * standard conversion: it requires {@link Stage#SPIKING} and establishes nothing the pipeline relies on.
 */
abstract class SeededTestPass implements Pass {

    final long seed;

    SeededTestPass(long seed) {
        this.seed = seed;
    }

    @Override
    public Set<Stage> requires() {
        return EnumSet.of(Stage.SPIKING);
    }

    @Override
    public Set<Stage> establishes() {
        return EnumSet.noneOf(Stage.class);
    }
}
