package org.snnc.tests;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.ChipCompiler;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;

/**
 * The emitted configuration of small hand-written networks on every built-in target, byte for byte:
 * {@code golden/configurations.golden}. A case's label starts with the target's name ({@code speck-dense}); its
 * input is an ANN whose parameters get {@link PassGoldenTest#withDeterministicWeights deterministic values}, compiled
 * like {@code snnc compile} with the target's default allocator and {@value #CALIBRATION_IMAGES} deterministic
 * calibration images.
 */
class ConfigurationGoldenTest {

    private static final int CALIBRATION_IMAGES = 16;

    @Test
    void everyCaseEmitsItsGoldenConfiguration() throws IOException {
        GoldenFile.check("golden/configurations.golden", c -> {
            ChipSpec chip = ChipSpecs.load(c.label().substring(0, c.label().indexOf('-')));
            Graph ann = PassGoldenTest.withDeterministicWeights(
                    SnnTextFrontEnd.parse(c.input(), c.label() + ".snn").graph());
            return ChipCompiler.compile(ann, chip, ChipCompiler.Options.defaults(), calibration(ann))
                    .configurationText();
        });
    }

    /** Images of random u8 pixels scaled by 1/255, as the networks' inputs expect. */
    private static CompilationInputs calibration(Graph graph) {
        Random random = new Random(CALIBRATION_IMAGES);
        double[][] images = new double[CALIBRATION_IMAGES][graph.input().shape().size()];
        for (double[] image : images) {
            Arrays.setAll(image, k -> random.nextInt(256) / 255.0);
        }
        return new CompilationInputs(Optional.of(images), 1, Progress.NONE);
    }
}
