package org.snnc.compiler.interp;

import java.util.Optional;
import java.util.Random;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Window2d;

/** Small helpers that build the tiny graphs of the interpreter tests; parameters are keyed {@code node.role}. */
final class Nets {

    static final SourceSpan AT = SourceSpan.GENERATED;

    private Nets() {
    }

    static Input input(int... dims) {
        return new Input("x", DType.F64, Shape.of(dims), Scale.ONE, AT);
    }

    static ParamRef ref(String key) {
        return new ParamRef(key, AT);
    }

    static Tensor tensor(Shape shape, double... values) {
        return Tensor.of(shape, values);
    }

    static Conv2d conv(String name, String in, int filters, Window2d window, int groups, boolean bias) {
        return new Conv2d(name, in, filters, window, groups, ref(name + ".weight"),
                bias ? Optional.of(ref(name + ".bias")) : Optional.empty(), AT);
    }

    static Dense dense(String name, String in, int units, boolean bias) {
        return new Dense(name, in, units, ref(name + ".weight"),
                bias ? Optional.of(ref(name + ".bias")) : Optional.empty(), AT);
    }

    static BatchNorm batchNorm(String name, String in, double epsilon) {
        return new BatchNorm(name, in, epsilon, ref(name + ".gamma"), ref(name + ".beta"), ref(name + ".mean"),
                ref(name + ".var"), AT);
    }

    static double[] randoms(Random random, int n) {
        double[] values = new double[n];
        for (int k = 0; k < n; k++) {
            values[k] = random.nextDouble() * 2 - 1;
        }
        return values;
    }

    /**
     * LeNet's architecture with random weights: conv5×5 (1→6) ReLU avgpool2 · conv5×5 (6→16) ReLU avgpool2 · flatten
     * · dense 256→120 ReLU · dense 120→10 · softmax, on a 1×28×28 input.
     */
    static Graph lenet(long seed) {
        Random random = new Random(seed);
        GraphBuilder b = Graph.builder("lenet").add(input(1, 28, 28))
                .add(conv("conv1", "x", 6, Window2d.square(5, 1, 0), 1, true))
                .add(new Relu("relu1", "conv1", AT))
                .add(new AvgPool("pool1", "relu1", Window2d.square(2, 2, 0), false, AT))
                .add(conv("conv2", "pool1", 16, Window2d.square(5, 1, 0), 1, true))
                .add(new Relu("relu2", "conv2", AT))
                .add(new AvgPool("pool2", "relu2", Window2d.square(2, 2, 0), false, AT))
                .add(new Flatten("flat", "pool2", AT))
                .add(dense("fc1", "flat", 120, true))
                .add(new Relu("relu3", "fc1", AT))
                .add(dense("fc2", "relu3", 10, true))
                .add(new Softmax("probs", "fc2", AT))
                .output("probs");
        weight(b, random, "conv1.weight", 0.4, 6, 1, 5, 5);
        weight(b, random, "conv1.bias", 0.1, 6);
        weight(b, random, "conv2.weight", 0.16, 16, 6, 5, 5);
        weight(b, random, "conv2.bias", 0.1, 16);
        weight(b, random, "fc1.weight", 0.12, 120, 256);
        weight(b, random, "fc1.bias", 0.1, 120);
        weight(b, random, "fc2.weight", 0.18, 10, 120);
        weight(b, random, "fc2.bias", 0.1, 10);
        return b.build();
    }

    /** MNIST-like random images: pixels in [0, 1], most of them black. */
    static double[][] images(long seed, int count, int size) {
        Random random = new Random(seed);
        double[][] images = new double[count][size];
        for (double[] image : images) {
            for (int k = 0; k < size; k++) {
                image[k] = random.nextDouble() < 0.8 ? 0.0 : random.nextDouble();
            }
        }
        return images;
    }

    private static void weight(GraphBuilder b, Random random, String key, double range, int... dims) {
        Shape shape = Shape.of(dims);
        double[] values = randoms(random, shape.size());
        for (int k = 0; k < values.length; k++) {
            values[k] *= range;
        }
        b.weight(key, Tensor.wrap(shape, values));
    }
}
