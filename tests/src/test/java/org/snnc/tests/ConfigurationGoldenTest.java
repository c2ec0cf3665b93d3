package org.snnc.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.TargetPipeline;
import org.snnc.targets.emit.ConfigurationEmitter;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.Mapper;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.quant.Quantize;
import org.snnc.targets.quant.QuantizeOptions;
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
            ConversionOptions options = TargetPipeline.adapt(chip, ConversionOptions.defaults(), ann).options();
            List<Pass> pipeline = new ArrayList<>(Passes.standard(options));
            pipeline.add(new Quantize(QuantizeOptions.of(chip)));
            Graph quantized = new PassManager(pipeline, IrDumps.NONE).run(ann, calibration(ann)).graph();
            var mapping = Mapper.map(SynapticNetwork.of(quantized), chip, CoreAllocator.defaultFor(chip));
            return new String(ConfigurationEmitter.toBytes(ConfigurationEmitter.configuration(mapping)),
                    StandardCharsets.UTF_8);
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
