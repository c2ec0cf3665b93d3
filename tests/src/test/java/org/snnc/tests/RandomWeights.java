package org.snnc.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.model.ModelWriter;

/** Gives a network text file weights: seeded random values of the shapes its parameters need, in its npz. */
final class RandomWeights {

    private RandomWeights() {
    }

    /** Rewrites {@code network} with its weights file, values uniform in ±0.3 from a fixed seed. */
    static void writeFor(Path network) throws IOException {
        Graph parsed = SnnTextFrontEnd.parse(Files.readString(network), network.toString()).graph();
        Map<ParamRef, Shape> shapes = ShapeInference.infer(parsed, new DiagnosticBag()).expectedParameterShapes();
        Random random = new Random(7);
        GraphBuilder builder = parsed.toBuilder();
        parsed.nodes().values().forEach(node -> node.parameters().values().forEach(ref -> {
            double[] values = new double[shapes.get(ref).size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = 0.6 * random.nextDouble() - 0.3;
            }
            builder.weight(ref.key(), Tensor.wrap(shapes.get(ref), values));
        }));
        ModelWriter.write(builder.build(), network);
    }
}
