package org.snnc.compiler.sim;

import java.util.Arrays;
import java.util.Random;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.passes.Progress;

/** Helpers that build the spiking networks of the simulator tests from network text and run them. */
final class SpikingNets {

    private SpikingNets() {
    }

    /** The graph of {@code text}, whose weights the caller adds with {@link GraphBuilder#weight}. */
    static GraphBuilder parse(String text) {
        return SnnTextFrontEnd.parse(text, "t.snn").graph().toBuilder();
    }

    static Tensor filled(double value, int... shape) {
        double[] values = new double[Shape.of(shape).size()];
        Arrays.fill(values, value);
        return Tensor.wrap(Shape.of(shape), values);
    }

    static Tensor tensor(int[] shape, double... values) {
        return Tensor.of(Shape.of(shape), values);
    }

    static Tensor random(Random random, double scale, double offset, int... shape) {
        double[] values = new double[Shape.of(shape).size()];
        for (int k = 0; k < values.length; k++) {
            values[k] = offset + scale * (random.nextDouble() * 2 - 1);
        }
        return Tensor.wrap(Shape.of(shape), values);
    }

    static SimulationResult simulate(Graph graph, Schedule schedule, int steps, int threads, double[][] images) {
        return new SpikingSimulator(graph, new SimulationOptions(schedule, steps, threads))
                .run(images, Progress.NONE);
    }

    /** One image of zeros, for networks driven by their currents alone. */
    static double[][] blank(Graph graph) {
        return new double[][] {new double[graph.input().shape().size()]};
    }

    /** Random images with values in [0, 1), a quarter of them 0, like scaled digits. */
    static double[][] images(long seed, int count, int size) {
        Random random = new Random(seed);
        double[][] images = new double[count][size];
        for (double[] image : images) {
            for (int k = 0; k < size; k++) {
                image[k] = random.nextInt(4) == 0 ? 0.0 : random.nextDouble();
            }
        }
        return images;
    }

    /**
     * The converted LeNet of the network language's documentation (avgpool, then a maxpool gate) with random weights
     * and currents, scaled so that every population fires at a moderate rate.
     */
    static Graph lenet(long seed, String encoding) {
        Random random = new Random(seed);
        String text = """
                network lenet
                input input: u8[1,28,28] scale 1/255
                input.encoded = encode(input, mode=%s)
                c1 = conv2d(input.encoded, filters=6, kernel=5, weight="c1.weight")
                r1 = if(c1, current="r1.current")
                p1.synapses = avgpool(r1, kernel=2)
                p1 = if(p1.synapses)
                c2 = conv2d(p1, filters=16, kernel=5, weight="c2.weight")
                r2 = if(c2, current="r2.current")
                m2 = maxpool_gate(r2, kernel=2)
                f = flatten(m2)
                d1 = dense(f, units=120, weight="d1.weight")
                r3 = if(d1, current="r3.current")
                d2 = dense(r3, units=10, weight="d2.weight")
                probs = if(d2, current="probs.current")
                output probs.readout = readout(probs, mode=membrane)
                """.formatted(encoding);
        return parse(text)
                .weight("c1.weight", random(random, 0.3, 0.0, 6, 1, 5, 5))
                .weight("r1.current", random(random, 0.05, 0.0, 6, 24, 24))
                .weight("c2.weight", random(random, 0.15, 0.01, 16, 6, 5, 5))
                .weight("r2.current", random(random, 0.05, 0.0, 16, 8, 8))
                .weight("d1.weight", random(random, 0.2, 0.01, 120, 256))
                .weight("r3.current", random(random, 0.05, 0.0, 120))
                .weight("d2.weight", random(random, 0.3, 0.0, 10, 120))
                .weight("probs.current", random(random, 0.05, 0.0, 10))
                .build();
    }
}
