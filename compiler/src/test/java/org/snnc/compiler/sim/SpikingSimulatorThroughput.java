package org.snnc.compiler.sim;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.snnc.compiler.data.Dataset;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.model.LoadOptions;
import org.snnc.compiler.model.ModelLoader;
import org.snnc.compiler.passes.Progress;

/**
 * Prints how many image·steps per second the simulator runs, with accuracy, synaptic operations and spikes per
 * layer, for comparison with {@code snn_ref.py}. Not a test (surefire does not pick it up): run it by hand after
 * {@code mvn test-compile} with {@code java -cp compiler/target/classes:compiler/target/test-classes:<deps>
 * org.snnc.compiler.sim.SpikingSimulatorThroughput [NETWORK.snn DATA.npz] [steps] [schedule] [threads]}. Without a
 * network it runs the random-weight LeNet of {@link SpikingNets} on random images.
 */
final class SpikingSimulatorThroughput {

    private SpikingSimulatorThroughput() {
    }

    public static void main(String[] args) {
        boolean files = args.length >= 2;
        Graph graph = files ? ModelLoader.load(Path.of(args[0]), LoadOptions.DEFAULT).graph()
                : SpikingNets.lenet(1, "analog");
        Dataset data = files ? Dataset.load(Path.of(args[1]), graph.input(), Integer.MAX_VALUE)
                : new Dataset(SpikingNets.images(2, 500, 784), new int[500]);
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Schedule schedule = args.length > 3 ? Schedule.fromSpelling(args[3]).orElseThrow() : Schedule.PIPELINED;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        SpikingSimulator simulator = new SpikingSimulator(graph, new SimulationOptions(schedule, steps, threads));
        simulator.run(Arrays.copyOf(data.inputs(), Math.min(50, data.size())), Progress.NONE);
        SimulationResult result = simulator.run(data.inputs(), Progress.NONE);
        double[] accuracy = java.util.stream.IntStream.range(0, steps)
                .mapToDouble(t -> (double) data.correct(result.predictions()[t]) / data.size()).toArray();
        System.out.printf(Locale.ROOT, "%s, %d images, %d steps, %d threads: %.0f image-steps/s (%.2f s)%n", schedule,
                result.images(), steps, threads, result.imageStepsPerSecond(), result.wallNanos() / 1e9);
        for (int t : new int[] {25, 50, 100, 200}) {
            if (t <= steps) {
                System.out.printf(Locale.ROOT, "t=%d accuracy %.4f spikecount %.4f ops/image %.1f%n", t,
                        accuracy[t - 1],
                        (double) data.correct(result.spikeCountPredictions()[t - 1]) / data.size(),
                        result.synapticOpsPerImage()[t - 1]);
            }
        }
        System.out.println("spikes per layer " + result.spikesPerLayer());
        System.out.println("accuracy " + Arrays.toString(accuracy));
        System.out.println("ops " + Arrays.toString(result.synapticOpsPerImage()));
    }
}
