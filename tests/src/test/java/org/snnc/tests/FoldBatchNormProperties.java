package org.snnc.tests;

import org.snnc.compiler.testing.RandomNetworks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.snnc.compiler.interp.AnnInterpreter;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.passes.Canonicalize;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.FoldBatchNorm;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassContext;
import org.snnc.compiler.passes.RemoveDropout;

/**
 * The ANN passes on random networks: dropout removal and batchnorm folding keep the network's function (to rounding:
 * folding reassociates W·x·s into (W·s)·x), and every pass that runs on an ANN leaves a graph the verifier accepts.
 */
class FoldBatchNormProperties {

    private static final double RELATIVE = 1e-9;

    /** Runs {@code pass} directly, without the manager's verification, so that the property checks it itself. */
    private static Graph apply(Pass pass, Graph graph) {
        return pass.run(graph, new PassContext(CompilationInputs.none()));
    }

    @Property(tries = 100)
    void foldingBatchNormsKeepsTheOutputs(@ForAll long seed) {
        Graph original = RandomNetworks.generate(seed);
        Graph folded = apply(new FoldBatchNorm(), apply(new RemoveDropout(), original));
        assertTrue(folded.nodes().values().stream().noneMatch(n -> n instanceof BatchNorm || n instanceof Dropout));
        AnnInterpreter before = new AnnInterpreter(original);
        AnnInterpreter after = new AnnInterpreter(folded);
        Random random = new Random(seed);
        for (int image = 0; image < 3; image++) {
            double[] input = random.doubles(before.inputSize(), -1, 1).toArray();
            double[] expected = before.evaluate(input);
            double[] actual = after.evaluate(input);
            assertEquals(expected.length, actual.length);
            for (int k = 0; k < expected.length; k++) {
                double tolerance = RELATIVE * Math.max(1, Math.abs(expected[k]));
                assertEquals(expected[k], actual[k], tolerance, "output " + k + " of image " + image);
            }
        }
    }

    @Property(tries = 100)
    void everyAnnPassLeavesAGraphTheVerifierAccepts(@ForAll long seed) {
        Graph original = RandomNetworks.generate(seed);
        Graph pipelined = original;
        for (Pass pass : List.of(new Canonicalize(), new RemoveDropout(), new FoldBatchNorm())) {
            assertVerified(pass.name() + " alone", apply(pass, original));
            pipelined = apply(pass, pipelined);
            assertVerified(pass.name() + " in the pipeline", pipelined);
        }
    }

    private static void assertVerified(String what, Graph graph) {
        Verifier.Report report = Verifier.check(graph);
        assertFalse(report.hasErrors(), () -> what + ": " + report.diagnostics());
    }
}
