package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.intsim.IntegerReference;
import org.snnc.compiler.intsim.IntegerResult;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.nir.NirConventions;
import org.snnc.compiler.nir.NirConventions.IntegratorStep;
import org.snnc.compiler.nir.NirConventions.LayerDelay;
import org.snnc.compiler.nir.NirConventions.Recurrence;
import org.snnc.compiler.nir.NirConventions.Reset;
import org.snnc.compiler.nir.NirGraph;
import org.snnc.compiler.nir.NirInterpreter;
import org.snnc.compiler.nir.NirNode;
import org.snnc.compiler.nir.NirReader;
import org.snnc.compiler.nir.NirRecording;
import org.snnc.compiler.nir.NirWriter;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.Progress;
import org.snnc.emulator.Emulator;
import org.snnc.targets.ChipCompiler;
import org.snnc.targets.ChipCompiler.CompiledChip;
import org.snnc.targets.spec.ChipSpecs;

/**
 * Recurrent networks on the chip. snnTorch's RLeaky graph (shared {@code snntorch_rleaky}: Linear(6, 8) → RLeaky with
 * a recurrent Linear(8, 8) and bias → Linear(8, 4) → Leaky), compiled through NIR, closes a cycle through a route from
 * the population back to itself, which delivers each step's spikes in the next step.
 *
 * <ul>
 *   <li>As leaky (CUBA) populations on the loihi target, read as lava (reset to zero), with one τ per layer since
 *       snnc's decay is one per population: the emulator equals the integer reference spike for spike, in every
 *       population at every step, with the same predictions and synaptic operations, stepped and in chunks.</li>
 *   <li>As IF populations (θ of the file, r = 1) on the generic target, read as Norse (reset to zero): the emulator
 *       equals the integer reference, and equals the NIR interpreter on the exported quantized network read as the
 *       chip runs it (one step per neuron layer, the recurrent edge out of the population carrying one step); that
 *       export imports back to the same IR; and the library's {@code ChipCompiler.Options.defaultsFor} the imported
 *       graph compiles it to the same configuration as {@code snnc compile}.</li>
 * </ul>
 */
class RecurrentNetworkTest {

    @TempDir
    Path folder;

    @Test
    void leakyRecurrentPopulationsRunOnLoihiAsTheIntegerReference() throws Exception {
        Path out = compile(RecurrentNetworkTest::withOneTauPerLayer, "lava", "loihi");
        agreeWithIntegerReference(out);
    }

    @Test
    void ifRecurrentPopulationsRunOnGenericAsTheInterpreterOfTheExport() throws Exception {
        Path out = compile(RecurrentNetworkTest::withIfNeurons, "norse", "generic");
        agreeWithIntegerReference(out);
        Graph source = ModelLoader.load(out.resolve("network.snn"), LoadOptions.DEFAULT).graph();
        CompiledChip library = ChipCompiler.compile(source, ChipSpecs.load("generic"),
                ChipCompiler.Options.defaultsFor(source), new CompilationInputs(Optional.empty(), 1, Progress.NONE));
        assertEquals(Files.readString(out.resolve("config.json")), library.configurationText(),
                "the library's defaults for an imported graph compile it as snnc compile does");

        Path exported = folder.resolve("quantized.nir");
        CliRun export = CliRun.of("export", out.toString(), "--format", "nir", "-o", exported.toString());
        assertEquals(0, export.exitCode(), export.err());
        NirGraph quantized = NirReader.read(exported);
        NirConventions chipReading = NirConventions.of(NirConventions.Flavor.NIR_TEXT, OptionalDouble.of(1))
                .withIntegratorStep(IntegratorStep.UNIT).withReset(Reset.ZERO)
                .withLayerDelay(LayerDelay.ONE_STEP_PER_NEURON_LAYER).withRecurrence(Recurrence.NEURON_OUTPUT);
        int[] frames = frames();
        int steps = frames.length / 6;
        Tensor x = Tensor.wrap(Shape.of(steps, 6), Arrays.stream(frames).asDoubleStream().toArray());
        Map<String, String> populations = Map.of("n1_lif", "n1.lif", "n3", "n3");
        NirRecording interpreted = new NirInterpreter(quantized, chipReading, SourceSpan.ofFile(exported.toString()))
                .run(Map.of("input", x), populations.keySet());
        EmulatorAgreementTest.Probe probe = EmulatorAgreementTest.Probe.of(
                Files.readAllBytes(out.resolve("config.json")), "rleaky");
        Emulator emulator = new Emulator(probe.chip, true);
        emulator.load(frames);
        long spikes = 0;
        for (int t = 1; t < steps; t++) {
            emulator.step();
            Map<String, BitSet> chip = probe.spikes(emulator, 0);
            for (Map.Entry<String, String> population : populations.entrySet()) {
                BitSet expected = NirChipAgreementTest.spikesAt(interpreted.output(population.getKey()), t);
                assertEquals(expected, chip.getOrDefault(population.getValue(), new BitSet()),
                        "step " + t + ", population " + population.getValue());
                spikes += expected.cardinality();
            }
        }
        assertTrue(spikes > 40, "only " + spikes + " spikes; the comparison must see activity");

        Path back = folder.resolve("back.snn");
        CliRun imported = CliRun.of("import", exported.toString(), "-o", back.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        Graph original = ModelLoader.load(out.resolve("quantized.snn"), LoadOptions.DEFAULT).graph();
        Graph restored = ModelLoader.load(back, LoadOptions.DEFAULT).graph();
        assertEquals(SnnPrinter.print(original).replace(original.weightsFile().orElseThrow(), "W"),
                SnnPrinter.print(restored).replace(restored.weightsFile().orElseThrow(), "W"));
        for (String key : original.weights().tensors().keySet()) {
            assertEquals(original.weights().tensors().get(key), restored.weights().tensors().get(key), key);
        }
    }

    /** Writes the shared RLeaky graph changed by {@code change}, compiles it, and returns the output folder. */
    private Path compile(UnaryOperator<NirGraph> change, String flavor, String target) {
        NirGraph shared = NirReader.read(sharedCase().resolve("model.nir")).flattened();
        Path model = folder.resolve("rleaky-" + target + ".nir");
        NirWriter.write(change.apply(shared), model);
        Path out = folder.resolve("out-" + target);
        CliRun compiled = CliRun.of("compile", model.toString(), "--nir-flavor", flavor, "--target", target, "-o",
                out.toString());
        assertEquals(0, compiled.exitCode(), compiled.err());
        return out;
    }

    /** The emulator against the integer reference on the shared input's 40 frames, with the recurrence checked. */
    private void agreeWithIntegerReference(Path out) throws Exception {
        Graph quantized = ModelLoader.load(out.resolve("quantized.snn"), LoadOptions.DEFAULT).graph();
        assertTrue(SnnPrinter.print(quantized).contains("n1.lif.previous = previous(n1.lif, shape=[8])"),
                SnnPrinter.print(quantized));
        EmulatorAgreementTest.Probe probe = EmulatorAgreementTest.Probe.of(
                Files.readAllBytes(out.resolve("config.json")), "rleaky");
        IntegerReference reference = new IntegerReference(quantized);
        long[][] raw = {Arrays.stream(frames()).asLongStream().toArray()};
        int steps = frames().length / 6;
        IntegerResult result = reference.run(raw, IntegerReference.RunOptions.of(steps).withStrict(true)
                .withTrace(Set.of(0), false));
        long spikes = EmulatorAgreementTest.compareImage(probe, reference, result, raw, 0, steps, true, true,
                out.getFileName().toString());
        assertTrue(spikes > 40, "only " + spikes + " spikes; the comparison must see activity");
    }

    private static Path sharedCase() {
        return Locations.shared().resolve("nir").resolve("snntorch_rleaky");
    }

    /** The shared input: 40 frames of 6 Bernoulli spikes, one after another. */
    private static int[] frames() throws Exception {
        NpyArray x = NpzReader.read(sharedCase().resolve("input.npz")).get("x");
        return Arrays.stream(x.values()).mapToInt(v -> (int) Math.round(v)).toArray();
    }

    /** Every LIF node with τ = 1 ms and r = τ/dt for snnTorch's dt = 0.1 ms (β = 0.9) for all its neurons. */
    private static NirGraph withOneTauPerLayer(NirGraph graph) {
        return replaceNeurons(graph, lif -> new NirNode.LIF(filled(lif, 1e-3), filled(lif, 10), lif.vLeak(),
                lif.vThreshold(), lif.vReset()));
    }

    /** Every LIF node as an IF node with the file's thresholds, r = 1 and v_reset = 0. */
    private static NirGraph withIfNeurons(NirGraph graph) {
        return replaceNeurons(graph, lif -> new NirNode.IF(filled(lif, 1), lif.vThreshold(), lif.vReset()));
    }

    private static NirGraph replaceNeurons(NirGraph graph, Function<NirNode.LIF, NirNode> by) {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        graph.nodes().forEach((name, node) -> nodes.put(name, node instanceof NirNode.LIF lif ? by.apply(lif) : node));
        return new NirGraph(nodes, graph.edges(), graph.metadata());
    }

    private static Tensor filled(NirNode.LIF lif, double value) {
        double[] values = new double[lif.tau().size()];
        Arrays.fill(values, value);
        return Tensor.wrap(lif.tau().shape(), values);
    }
}
