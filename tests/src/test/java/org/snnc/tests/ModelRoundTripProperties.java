package org.snnc.tests;

import org.snnc.compiler.testing.RandomNetworks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.model.ModelWriter;

/** Random networks survive printing and writing: text is a fixed point, and .snn + .npz reload to the same model. */
class ModelRoundTripProperties {

    @Property(tries = 150)
    void generatedNetworksAreValid(@ForAll long seed) {
        Verifier.Report report = Verifier.check(RandomNetworks.generate(seed));
        assertTrue(report.diagnostics().isEmpty(), report.diagnostics().toString());
    }

    @Property(tries = 150)
    void printParsePrintIsAFixedPoint(@ForAll long seed) {
        String printed = SnnPrinter.print(RandomNetworks.generate(seed));
        assertEquals(printed, SnnPrinter.print(SnnTextFrontEnd.parse(printed, "random.snn").graph()));
    }

    @Property(tries = 60)
    void writtenModelsReloadWithEqualWeightsAndOutputs(@ForAll long seed) throws IOException {
        Graph graph = RandomNetworks.generate(seed);
        Path folder = Files.createTempDirectory("snnc-roundtrip");
        try {
            Graph written = ModelWriter.write(graph, folder.resolve("net.snn"));
            Graph reloaded = ModelLoader.load(folder.resolve("net.snn"), LoadOptions.DEFAULT).graph();
            assertEquals(SnnPrinter.print(written), SnnPrinter.print(reloaded));
            assertEquals(graph.weights(), reloaded.weights());
            double[] image = new Random(seed).doubles(graph.input().shape().size(), 0, 1).toArray();
            assertArrayEquals(new AnnInterpreter(graph).evaluate(image), new AnnInterpreter(reloaded).evaluate(image));
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
