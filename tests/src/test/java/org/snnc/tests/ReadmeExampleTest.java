package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.ChipCompiler;
import org.snnc.targets.ChipCompiler.CompiledChip;
import org.snnc.targets.mapping.GreedyAllocator;
import org.snnc.targets.spec.ChipSpecs;

/**
 * README's "Compiling from Java" example, kept honest: its lines are copied here and must equal README's, and they
 * compile the shared LeNet into a configuration the CLI would also write.
 */
class ReadmeExampleTest {

    @TempDir
    Path out;

    @Test
    void theReadmeExampleCompilesLenet() throws IOException {
        Path models = Locations.shared().resolve("models");
        Path data = Locations.shared().resolve("data");
        // --- the README example, line for line ---
        LoadOptions pixels = new LoadOptions(false, new OnnxImportOptions(DType.U8, new Scale(1, 255)));
        Graph ann = ModelLoader.load(models.resolve("lenet.onnx"), pixels).graph();
        double[][] calibration = Dataset.load(data.resolve("mnist_calib.npz"), ann.input(), 1000).inputs();
        CompiledChip chip = ChipCompiler.compile(ann, ChipSpecs.load("generic"),
                ChipCompiler.Options.defaults().withAllocator(new GreedyAllocator()),
                new CompilationInputs(Optional.of(calibration), 2, Progress.NONE));
        Files.write(out.resolve("config.json"), chip.configurationBytes());
        System.out.println(chip.mapping().cores().size() + " cores; λ " + chip.lambdas());
        chip.quantization().forEach(System.out::println);
        chip.stages().forEach(stage -> System.out.println(stage.name() + " " + stage.nanos() / 1e6 + " ms"));
        // --- end of the example ---

        assertEquals(List.of("conversion", "quantization", "mapping", "emission"),
                chip.stages().stream().map(ChipCompiler.Stage::name).toList());
        assertEquals(chip.configurationText(), Files.readString(out.resolve("config.json")));
        assertEquals(chip.quantized().nodes().values().stream().filter(node -> node instanceof IfNeurons).count(),
                chip.quantization().size(), "one quantized layer per IF population");
        assertTrue(chip.lambdas().size() >= 3, chip.lambdas().toString());
        assertEquals(exampleInReadme(), exampleHere(), "README's example and this test's copy differ");
    }

    /** The java block of README's "Compiling from Java", trimmed line by line. */
    private static List<String> exampleInReadme() throws IOException {
        String readme = Files.readString(Locations.root().resolve("README.md"));
        Matcher block = Pattern.compile("## Compiling from Java.*?```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README has a java block under 'Compiling from Java'");
        return block.group(1).lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    /** This file's copy, between its markers, trimmed line by line. */
    private static List<String> exampleHere() throws IOException {
        String source = Files.readString(Locations.root()
                .resolve("tests/src/test/java/org/snnc/tests/ReadmeExampleTest.java"));
        Matcher block = Pattern.compile("// --- the README example, line for line ---\\n(.*?)// --- end of the "
                + "example ---", Pattern.DOTALL).matcher(source);
        assertTrue(block.find());
        return block.group(1).lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
