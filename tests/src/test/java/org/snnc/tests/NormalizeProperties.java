package org.snnc.tests;

import org.snnc.compiler.testing.RandomNetworks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.interp.Activations;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.passes.Canonicalize;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.Normalize;
import org.snnc.compiler.passes.NormalizeOptions;
import org.snnc.compiler.passes.PassContext;
import org.snnc.compiler.passes.Progress;

/**
 * Normalization of random networks keeps the ANN's meaning up to the stated scales: every relu becomes r/λ_r (relative
 * tolerance 1e-9), the logits become y/λ_out, the predicted class is unchanged, and the graph verifies.
 */
class NormalizeProperties {

    @Property(tries = 50)
    void everyReluIsScaledByOneOverItsLambdaAndTheArgmaxIsKept(@ForAll long seed, @ForAll boolean perChannel,
            @ForAll NormalizeOptions.OutputScale outputScale) {
        Graph ann = new Canonicalize().run(withoutDropoutAndBatchNorm(RandomNetworks.generate(seed)), context(null));
        int size = ann.input().shape().size();
        Random random = new Random(seed);
        PassContext context = context(images(random, 60, size));
        Graph normalized = new Normalize(new NormalizeOptions(99.9, perChannel, outputScale)).run(ann, context);

        Verifier.Report report = Verifier.check(normalized);
        assertTrue(report.diagnostics().isEmpty(), report.diagnostics().toString());
        double[][] inputs = images(random, 10, size);
        Activations before = new AnnInterpreter(ann).evaluateBatchAll(inputs, 1);
        Activations after = new AnnInterpreter(normalized).evaluateBatchAll(inputs, 1);
        assertArrayEquals(before.predictions(), after.predictions());
        Map<String, Object> lambdas = context.record(Normalize.LAMBDAS).orElseThrow();
        for (Node node : ann.nodes().values()) {
            if (node instanceof Relu) {
                assertScaled(before, after, node.name(), lambdas.get(node.name()));
            }
        }
        String logits = ann.node(ann.output()) instanceof Softmax softmax ? softmax.input() : ann.output();
        assertScaled(before, after, logits, lambdas.get(logits));
    }

    private static void assertScaled(Activations before, Activations after, String node, Object lambda) {
        Shape shape = before.shape(node);
        int perChannel = shape.size() / shape.dim(0);
        for (int image = 0; image < before.imageCount(); image++) {
            for (int k = 0; k < shape.size(); k++) {
                double divisor = lambda instanceof List<?> list ? (Double) list.get(k / perChannel) : (Double) lambda;
                double expected = before.get(node, image, k) / divisor;
                assertEquals(expected, after.get(node, image, k), 1e-9 * Math.max(1, Math.abs(expected)),
                        node + ", image " + image + ", element " + k);
            }
        }
    }

    /**
     * {@code graph} without dropout (an identity) and with each batchnorm made the affine it computes,
     * a = γ/√(σ²+ε) and shift = β − μ·a, as fold-batchnorm does where there is nothing to fold into.
     */
    private static Graph withoutDropoutAndBatchNorm(Graph graph) {
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (node instanceof BatchNorm norm) {
                double[] gamma = values(graph, norm.gamma());
                double[] beta = values(graph, norm.beta());
                double[] mean = values(graph, norm.mean());
                double[] variance = values(graph, norm.variance());
                double[] scale = new double[gamma.length];
                double[] shift = new double[gamma.length];
                for (int c = 0; c < gamma.length; c++) {
                    scale[c] = gamma[c] / Math.sqrt(variance[c] + norm.epsilon());
                    shift[c] = beta[c] - mean[c] * scale[c];
                }
                ParamRef a = new ParamRef(norm.name() + ".scale", SourceSpan.GENERATED);
                ParamRef b = new ParamRef(norm.name() + ".shift", SourceSpan.GENERATED);
                builder.weight(a.key(), Tensor.wrap(Shape.of(scale.length), scale))
                        .weight(b.key(), Tensor.wrap(Shape.of(shift.length), shift))
                        .replace(new Affine(norm.name(), norm.input(), a, Optional.of(b), norm.span()));
            }
        }
        // after the batchnorms, which may read a dropout that the bypass would rewire under them
        for (Node node : graph.nodes().values()) {
            if (node instanceof Dropout dropout) {
                builder.replaceUses(dropout.name(), builder.nodes().get(dropout.name()).inputs().get(0))
                        .remove(dropout.name());
            }
        }
        return builder.pruneWeights().build();
    }

    private static double[] values(Graph graph, ParamRef ref) {
        return graph.weights().get(ref.key()).orElseThrow().toArray();
    }

    private static double[][] images(Random random, int count, int size) {
        double[][] images = new double[count][];
        for (int i = 0; i < count; i++) {
            images[i] = random.doubles(size, 0, 1).toArray();
        }
        return images;
    }

    private static PassContext context(double[][] calibration) {
        return new PassContext(new CompilationInputs(Optional.ofNullable(calibration), 2, Progress.NONE));
    }
}
