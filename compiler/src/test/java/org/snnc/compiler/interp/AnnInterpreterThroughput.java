package org.snnc.compiler.interp;

import java.util.Locale;
import java.util.Set;

/**
 * Prints how many images per second the interpreter evaluates on a LeNet-sized graph with random weights. Not a test
 * (surefire does not pick it up) and it asserts nothing: run it by hand after {@code mvn test-compile} with
 * {@code java -cp compiler/target/classes:compiler/target/test-classes:<deps> org.snnc.compiler.interp.AnnInterpreterThroughput}.
 */
final class AnnInterpreterThroughput {

    private AnnInterpreterThroughput() {
    }

    public static void main(String[] args) {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        AnnInterpreter interpreter = new AnnInterpreter(Nets.lenet(7));
        double[][] batch = Nets.images(8, images, 784);
        for (int threads : new int[] {1, 2}) {
            for (String keep : new String[] {"output", "all"}) {
                Set<String> kept = keep.equals("all") ? interpreter.nodeNames() : Set.of();
                for (int warmUp = 0; warmUp < 10; warmUp++) {
                    interpreter.evaluateBatch(batch, kept, threads);
                }
                int reps = 10;
                long start = System.nanoTime();
                for (int rep = 0; rep < reps; rep++) {
                    interpreter.evaluateBatch(batch, kept, threads);
                }
                double seconds = (System.nanoTime() - start) / 1e9 / reps;
                System.out.printf(Locale.ROOT, "%d threads, keep %-6s: %d images in %.1f ms, %.0f images/s%n",
                        threads, keep, images, seconds * 1e3, images / seconds);
            }
        }
    }
}
