package org.snnc.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Graph;

/**
 * ONNX's own backend node tests (onnx.backend.test.case.node, written by {@code make_node_tests.py} in the resources
 * folder onnx/node) for the operators snnc imports: each case is a one-node model, its input and the output ONNX's
 * reference implementation computed. The importer must either refuse a case with a located user diagnostic (E02xx
 * or E04xx: a shape or an attribute snnc does not take, such as a 3-D pool or a mixed batch axis), or import it into
 * a graph whose interpretation gives ONNX's output for every sample of the batch, to 1e-6 + 1e-4·|y| (ONNX's own
 * harness allows 1e-7 + 1e-3·|y|). A case it accepts and gets wrong is a failure, never a refusal; and each operator
 * of {@link #EXERCISED} must pass at least one case, so that refusing everything cannot pass.
 */
class OnnxNodeConformanceTest {

    private static final double ABSOLUTE = 1e-6;
    private static final double RELATIVE = 1e-4;
    /**
     * The operators ONNX's cases exercise in a form snnc takes. The others' cases all lie outside it, each refused
     * with its reason, and the torch fixtures (OnnxTorchFixturesTest) exercise them instead: Add, Sub, Mul and Div
     * by constants that vary by element; Concat with a constant operand; Pad with a non-zero value; ReduceMean,
     * Reshape, Slice, Transpose and Unsqueeze on [A, B, C] inputs, and Squeeze of the batch.
     */
    private static final Set<String> EXERCISED = Set.of("AveragePool", "BatchNormalization", "Clip", "Conv",
            "Dropout", "Flatten", "Gemm", "GlobalAveragePool", "Identity", "MatMul", "MaxPool", "Relu", "Softmax");

    @Test
    void everyCaseIsRefusedCleanlyOrComputesOnnxsOutput() throws IOException, URISyntaxException {
        Path folder = Path.of(OnnxNodeConformanceTest.class.getResource("/onnx/node").toURI());
        List<Path> models;
        try (Stream<Path> files = Files.list(folder)) {
            models = files.filter(file -> file.toString().endsWith(".onnx")).sorted().toList();
        }
        assertTrue(models.size() > 100, "only " + models.size() + " node cases");
        Map<String, List<String>> passedByOperator = new TreeMap<>();
        List<String> refused = new ArrayList<>();
        for (Path model : models) {
            String name = model.getFileName().toString().replace(".onnx", "");
            String operator = operatorOf(model);
            Graph graph;
            try {
                graph = OnnxImporter.importModel(model, OnnxImportOptions.DEFAULT);
            } catch (CompilationException e) {
                for (Diagnostic diagnostic : e.diagnostics()) {
                    String code = diagnostic.code().id();
                    assertTrue(code.startsWith("E02") || code.startsWith("E04"), name + ": " + diagnostic.format());
                    assertFalse(diagnostic.span().file().isEmpty(), name + ": no file in " + diagnostic.format());
                }
                refused.add(name);
                continue;
            }
            agreesWithOnnx(name, graph, NpzReader.read(folder.resolve(name + ".npz")));
            passedByOperator.computeIfAbsent(operator, op -> new ArrayList<>()).add(name);
        }
        assertEquals(EXERCISED, passedByOperator.keySet(), "the operators with a passing case; refused " + refused);
        System.out.printf("ONNX node conformance: %d of %d cases imported and equal ONNX's outputs, %d refused%n",
                models.size() - refused.size(), models.size(), refused.size());
    }

    private static String operatorOf(Path model) {
        try {
            return ModelProto.parseFrom(Files.readAllBytes(model)).getGraph().getNode(0).getOpType();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each sample of the case's batch, interpreted, equals the expected output's sample. */
    private static void agreesWithOnnx(String name, Graph graph, Map<String, NpyArray> data) {
        NpyArray x = data.get("x");
        NpyArray y = data.get("y");
        int samples = x.shape().length == 0 ? 1 : x.dim(0);
        int inSize = graph.input().shape().size();
        assertEquals(samples * (long) inSize, x.size(), name + ": the imported input does not hold a sample");
        if (y.shape().length == 0 || y.dim(0) != samples || y.size() % samples != 0) {
            fail(name + ": imported, but ONNX's output " + Arrays.toString(y.shape())
                    + " is not one value per sample of the batch " + samples + ", so the batch axis was mixed");
        }
        int outSize = y.size() / samples;
        AnnInterpreter interpreter = new AnnInterpreter(graph);
        for (int sample = 0; sample < samples; sample++) {
            double[] input = new double[inSize];
            System.arraycopy(x.values(), sample * inSize, input, 0, inSize);
            double[] out = interpreter.evaluate(input);
            assertEquals(outSize, out.length, name + ": output size");
            for (int k = 0; k < outSize; k++) {
                double expected = y.values()[sample * outSize + k];
                assertEquals(expected, out[k], ABSOLUTE + RELATIVE * Math.abs(expected),
                        name + ": sample " + sample + ", output " + k);
            }
        }
    }
}
