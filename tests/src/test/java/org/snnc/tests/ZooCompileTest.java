package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.testing.ModelZoo;
import org.snnc.targets.mapping.CoreMapping;
import org.snnc.targets.mapping.CoreUsage;
import org.snnc.targets.mapping.LimitCheck;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.targets.spec.CoreResources;

/**
 * The networks of issue 17 compile with the real pipeline onto unmodified generic cores: resnet_dev, the 28×28
 * VGG-style net and ResNet-20 onto {@code generic}, CIFAR VGG-16 onto {@code examples/boards/generic-board.json}.
 * Each writes a schema-valid config.json, and no core uses more of any resource than a generic core has. Four
 * calibration images keep each compile to seconds. resnet_dev maps today; the others wait for spatial tiling, as the
 * mapper refuses them (E0906, E0903).
 */
class ZooCompileTest {

    private static final int CALIBRATION_IMAGES = 4;

    @TempDir
    Path temp;

    @Test
    void resnetDevCompilesOntoGeneric() throws IOException {
        compilesOntoGenericCores("resnet_dev", "generic");
    }

    @Disabled("needs spatial tiling (issue 17)")
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"vgg28, generic", "resnet20, generic", "vgg16-cifar, examples/boards/generic-board.json"})
    void compilesOntoGenericCores(String name, String target) throws IOException {
        ChipCompilation compilation = new ChipCompilation(ChipSpecs.load(
                target.equals("generic") ? target : Locations.root().resolve(target).toString()));
        Graph graph = ModelZoo.byName(name, 5);
        Mapping mapping = compilation.map(compilation.quantize(graph, ModelZoo.images(graph, CALIBRATION_IMAGES, 6),
                2));

        Path config = temp.resolve(name + "-config.json");
        AtomicFiles.write(config, compilation.emit(mapping));
        assertTrue(Files.size(config) > 0, name);
        assertEquals(List.of(), ConfigurationSchema.validate(new ObjectMapper().readTree(config.toFile())), name);

        assertEquals(List.of(), LimitCheck.violations(mapping), name);
        CoreResources generic = ChipSpecs.load("generic").core(0);
        for (CoreMapping core : mapping.cores()) {
            CoreUsage usage = core.usage();
            String where = name + ", core " + core.core() + ": " + usage;
            assertTrue(usage.neurons() <= generic.neurons(), where);
            assertTrue(usage.inputAxons() <= generic.inputAxons(), where);
            assertTrue(usage.outputAxons() <= generic.outputAxons(), where);
            assertTrue(usage.synapseMemory() <= generic.synapseMemory(), where);
            assertTrue(usage.biasMemory() <= generic.biasMemory(), where);
        }
    }
}
