package org.snnc.tests;

import java.util.Optional;
import java.util.Random;
import org.snnc.compiler.ir.Decay;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.passes.PassContext;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.Features;

/**
 * Random current and voltage decays for the random cases' converted populations, as a test pass after the standard
 * conversion (conversion itself never makes one): in one case in {@value #ONE_IN}, each population gets, with
 * probability 1/2, a {@link Decay} on the 12-bit grid: δu = k/4096 with k in [256, 4096] (a quarter of them 1, which
 * leaves u the step's input), δv = k/4096 with k in [0, 4096] (a quarter of them 0, which never leaks). A random chip
 * of such a case gains {@code features.cuba_decay}; {@code generic} and {@code speck} refuse it (E0901).
 */
final class RandomDecays extends SeededTestPass {

    static final int ONE_IN = 3;
    /** The statistics label of a compiled configuration holding decaying neurons. */
    static final String LABEL = "decaying neurons";

    RandomDecays(long seed) {
        super(seed);
    }

    /** Whether the case of {@code seed} gets decays. */
    static boolean chosen(long seed) {
        return Math.floorMod(seed * 0x2545F4914F6CDD1DL >>> 17, ONE_IN) == 0;
    }

    /** A random chip with decaying neurons; a built-in one as it is. */
    static ChipSpec capable(ChipSpec chip, boolean random) {
        if (!random) {
            return chip;
        }
        Features f = chip.features();
        return new ChipSpec(chip.name(), chip.description(), chip.cores(), chip.coreResources(), chip.memoryModel(),
                chip.weights(), chip.neurons(), new Features(f.maxPoolGate(), f.layersPerCore(), f.splitLayers(),
                        f.earlyExit(), f.convLimits(), true), chip.routing(), chip.energy());
    }

    @Override
    public String name() {
        return "random-decays";
    }

    @Override
    public String summary() {
        return "give random populations random 12-bit current and voltage decays (a test pass)";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        Random random = new Random(seed ^ 0x6A09E667F3BCC909L);
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (node instanceof IfNeurons n && random.nextBoolean()) {
                double current = random.nextInt(4) == 0 ? 1 : (256 + random.nextInt(3841)) / 4096.0;
                double voltage = random.nextInt(4) == 0 ? 0 : random.nextInt(4097) / 4096.0;
                builder.replace(new IfNeurons(n.name(), n.input(), n.threshold(), n.reset(), n.initialMembrane(),
                        n.current(), Optional.of(new Decay(current, voltage)), n.fixed(), n.span()));
                context.count("decaying-populations", 1);
            }
        }
        return builder.build();
    }
}
