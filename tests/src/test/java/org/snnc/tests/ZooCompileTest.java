package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.testing.ModelZoo;
import org.snnc.targets.ChipCompiler.CompiledChip;
import org.snnc.targets.mapping.CoreMapping;
import org.snnc.targets.mapping.CoreUsage;
import org.snnc.targets.mapping.LimitCheck;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.targets.spec.CoreResources;

/**
 * The networks of issue 17 with the real pipeline on unmodified generic cores. resnet_dev and the 28×28 VGG-style net
 * compile onto {@code generic}, ResNet-20 and CIFAR VGG-16 onto {@code examples/boards/generic-board.json}: each
 * writes a schema-valid config.json, and no core uses more of any resource than a generic core has. CIFAR VGG-16 maps
 * only because generic has population axons: a 3×3 conv over 512 channels reads 9 · 512 = 4608 elements for one inner
 * neuron, more than a core's 4096 input axons, but only 9 positions. ResNet-20's 188,490 neurons exceed generic's
 * 128 × 1024, so it is refused on one chip with the resource, the demand and the limit. Four calibration images keep
 * each compile to seconds.
 */
class ZooCompileTest {

    private static final int CALIBRATION_IMAGES = 4;

    @TempDir
    Path temp;

    @Test
    void resnetDevCompilesOntoGeneric() throws IOException {
        compilesOntoGenericCores("resnet_dev", "generic");
    }

    @Test
    void resnet20IsTooBigForOneGenericChip() {
        CompilationException refused = assertThrows(CompilationException.class, () -> compile("resnet20", "generic"));
        assertTrue(refused.getMessage().contains("by neurons alone it needs at least 185 cores: 188490 in all, at "
                + "most 1024 per core [E0904]"), refused.getMessage());
    }

    private static ChipCompilation compilation(String target) {
        return new ChipCompilation(ChipSpecs.load(target.equals("generic") ? target
                : Locations.root().resolve(target).toString()));
    }

    private static CompiledChip compile(String name, String target) {
        Graph graph = ModelZoo.byName(name, 5);
        return compilation(target).compile(graph, ModelZoo.images(graph, CALIBRATION_IMAGES, 6), 2);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"vgg28, generic", "resnet20, examples/boards/generic-board.json",
            "vgg16-cifar, examples/boards/generic-board.json"})
    void compilesOntoGenericCores(String name, String target) throws IOException {
        CompiledChip compiled = compile(name, target);
        Mapping mapping = compiled.mapping();

        Path config = temp.resolve(name + "-config.json");
        AtomicFiles.write(config, compiled.configurationBytes());
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
