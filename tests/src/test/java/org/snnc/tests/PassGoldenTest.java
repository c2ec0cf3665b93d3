package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.passes.AddReadout;
import org.snnc.compiler.passes.AnalogInput;
import org.snnc.compiler.passes.BiasAsCurrent;
import org.snnc.compiler.passes.CalibrateBias;
import org.snnc.compiler.passes.Canonicalize;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.InitialMembrane;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.PassContext;
import org.snnc.compiler.passes.Normalize;
import org.snnc.compiler.passes.NormalizeOptions;
import org.snnc.compiler.passes.ToSpiking;
import org.snnc.compiler.passes.FoldBatchNorm;
import org.snnc.compiler.passes.FoldPoolIntoDense;
import org.snnc.compiler.passes.MaxPoolGating;
import org.snnc.compiler.passes.MaxPoolToAvgPool;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.Progress;
import org.snnc.compiler.passes.RemoveDropout;

/**
 * Each pass's output on small networks, one golden file per pass: {@code golden/passes/NAME.golden}. A case's input
 * is a network without weights; the test gives every parameter deterministic values derived from its key, runs the
 * one pass through a {@link PassManager} (so its result is verified) and expects the printed network followed by
 * every tensor the result refers to.
 *
 * <p>Adding a pass is one entry in {@link #PASSES} and its golden file. Every pass runs with a calibration set of
 * {@value #CALIBRATION_IMAGES} deterministic random images, so that passes that need data (normalize) can run too.
 */
class PassGoldenTest {

    /** The passes that have golden files, by name, with the options their golden files are written for. */
    private static final Map<String, Supplier<Pass>> PASSES = Map.ofEntries(
            Map.entry("canonicalize", Canonicalize::new),
            Map.entry("remove-dropout", RemoveDropout::new),
            Map.entry("fold-batchnorm", FoldBatchNorm::new),
            Map.entry("bias-as-current", BiasAsCurrent::new),
            Map.entry("maxpool-gating", () -> new MaxPoolGating(OptionalDouble.empty())),
            Map.entry("analog-input", () -> new AnalogInput(InputEncoding.ANALOG, 0)),
            Map.entry("readout", () -> new AddReadout(ReadoutMode.MEMBRANE, ReadoutWindow.ALL, 0)),
            Map.entry("normalize", () -> new Normalize(NormalizeOptions.DEFAULTS)),
            Map.entry("to-spiking", () -> new ToSpiking(ResetMode.SUBTRACT)),
            Map.entry("maxpool-to-avgpool", MaxPoolToAvgPool::new),
            Map.entry("fold-pool-into-dense", FoldPoolIntoDense::new),
            Map.entry("initial-membrane", () -> new InitialMembrane(ConversionOptions.HALF_THRESHOLD)),
            Map.entry("calibrate-bias", () -> new CalibrateBias(16)));

    /** Tensors with at most this many values are written in full, larger ones as a summary. */
    private static final int FULL_TENSOR_LIMIT = 64;

    private static final int CALIBRATION_IMAGES = 20;

    private static final String FOLDER = "golden/passes";

    private static final String SUFFIX = ".golden";

    private static final MathContext SIGNIFICANT = new MathContext(6);

    @Test
    void everyGoldenFileBelongsToAPass() throws IOException {
        try (Stream<Path> files = Files.list(Locations.testResources().resolve(FOLDER))) {
            Set<String> passes = files.map(file -> file.getFileName().toString()).filter(f -> f.endsWith(SUFFIX))
                    .map(f -> f.substring(0, f.length() - SUFFIX.length())).collect(Collectors.toSet());
            assertEquals(PASSES.keySet(), passes);
        }
    }

    @TestFactory
    Stream<DynamicTest> eachPassMatchesItsGoldenFile() {
        return PASSES.keySet().stream().sorted().map(name -> DynamicTest.dynamicTest(name,
                () -> checkGolden(name)));
    }

    private static void checkGolden(String name) throws IOException {
        GoldenFile.check(FOLDER + "/" + name + SUFFIX, c -> {
            Graph graph = withDeterministicWeights(SnnTextFrontEnd.parse(c.input(), c.label() + ".snn").graph());
            // The pass runs alone, without the manager's order check: a golden case shows one transformation, and
            // its input may be written at the stage the pass expects (a to-spiking input is taken as normalized).
            PassContext context = new PassContext(inputsFor(graph));
            Graph result = PASSES.get(name).get().run(graph, context);
            Verifier.verify(result);
            String tensors = tensorsOf(result);
            String records = context.records().entrySet().stream().map(e -> e.getKey().name() + ": " + e.getValue() + "\n")
                    .collect(Collectors.joining());
            return SnnPrinter.print(result) + (tensors.isEmpty() ? "" : "\n" + tensors)
                    + (records.isEmpty() ? "" : "\n" + records);
        });
    }

    /**
     * Gives every parameter of {@code graph} the shape it must have and values from a generator seeded with its key:
     * multiples of 0.01 around 0, or in [0.1, 1.1] for a variance, which must be positive.
     */
    static Graph withDeterministicWeights(Graph graph) {
        Map<ParamRef, Shape> shapes = ShapeInference.infer(graph, new DiagnosticBag()).expectedParameterShapes();
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            node.parameters().forEach((role, ref) -> {
                Random random = new Random(ref.key().hashCode());
                double[] values = new double[shapes.get(ref).size()];
                Arrays.setAll(values, k -> role.equals("var")
                        ? 0.1 + Math.round(random.nextDouble() * 100) / 100.0
                        : Math.round(random.nextGaussian() * 50) / 100.0);
                builder.weight(ref.key(), Tensor.wrap(shapes.get(ref), values));
            });
        }
        return builder.build();
    }

    /** The inputs a pass runs with: a deterministic calibration set of images in [0, 1), one thread. */
    private static CompilationInputs inputsFor(Graph graph) {
        Random random = new Random(CALIBRATION_IMAGES);
        int size = graph.input().shape().size();
        double[][] images = new double[CALIBRATION_IMAGES][];
        Arrays.setAll(images, i -> random.doubles(size).toArray());
        return new CompilationInputs(Optional.of(images), 1, Progress.NONE);
    }

    /** Every tensor the nodes of {@code graph} refer to, by key, one a line as {@code key [shape]: values}. */
    private static String tensorsOf(Graph graph) {
        TreeSet<String> keys = graph.nodes().values().stream().flatMap(n -> n.parameters().values().stream())
                .map(ParamRef::key).collect(Collectors.toCollection(TreeSet::new));
        return keys.stream().map(key -> key + " " + describe(graph.weights().get(key).orElseThrow()))
                .map(line -> line + "\n").collect(Collectors.joining());
    }

    private static String describe(Tensor tensor) {
        double[] values = tensor.toArray();
        if (values.length <= FULL_TENSOR_LIMIT) {
            return tensor.shape() + ": " + Arrays.stream(values).mapToObj(PassGoldenTest::format)
                    .collect(Collectors.joining(" "));
        }
        java.util.DoubleSummaryStatistics summary = Arrays.stream(values).summaryStatistics();
        return tensor.shape() + ": " + values.length + " values, min " + format(summary.getMin())
                + ", max " + format(summary.getMax()) + ", sum " + format(summary.getSum());
    }

    /** {@code value} to 6 significant digits, without trailing zeros or an exponent. */
    private static String format(double value) {
        BigDecimal rounded = new BigDecimal(value).round(SIGNIFICANT).stripTrailingZeros();
        return (rounded.scale() < 0 ? rounded.setScale(0) : rounded).toPlainString();
    }
}
