package org.snnc.compiler.passes;

import java.util.Random;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.ShapeInference;
import org.snnc.compiler.ir.Tensor;

/** Graphs for the pass tests, written in the network language, with hand-picked or seeded random weights. */
final class Networks {

    private Networks() {
    }

    /** The graph of {@code text}, without weights. */
    static Graph parse(String text) {
        return SnnTextFrontEnd.parse(text, "test.snn").graph();
    }

    /** {@code graph} with every parameter it names filled with values from a seeded N(0, 0.5²). */
    static Graph withRandomWeights(Graph graph, long seed) {
        Random random = new Random(seed);
        GraphBuilder builder = graph.toBuilder();
        ShapeInference.infer(graph, new DiagnosticBag()).expectedParameterShapes().forEach((ref, shape) -> {
            double[] values = new double[shape.size()];
            for (int k = 0; k < values.length; k++) {
                values[k] = random.nextGaussian() * 0.5;
            }
            builder.weight(ref.key(), Tensor.wrap(shape, values));
        });
        return builder.build();
    }

    /** {@code count} images of {@code size} values drawn uniformly from [0, 1), as scaled pixels are. */
    static double[][] images(int count, int size, long seed) {
        Random random = new Random(seed);
        double[][] images = new double[count][size];
        for (double[] image : images) {
            for (int k = 0; k < size; k++) {
                image[k] = random.nextDouble();
            }
        }
        return images;
    }

    static Tensor tensor(Shape shape, double... values) {
        return Tensor.of(shape, values);
    }
}
