package org.snnc.compiler.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * The early-exit frontier of a run: for each bound B (in thresholds θ) and streak k, what an {@link EarlyExit} would
 * have given, computed after the fact from a full run's per-step readout. An image that settles at step t keeps t's
 * class and the operations through t; one that never settles runs all T steps.
 */
public final class ExitFrontier {

    /** The bounds B, in thresholds, that reports tabulate. */
    public static final List<Double> BOUNDS = List.of(0.5, 1.0, 2.0, 4.0, 8.0);
    /** The streaks k that reports tabulate. */
    public static final List<Integer> STREAKS = List.of(1, 2, 4, 8);

    private ExitFrontier() {
    }

    /**
     * What a full run recorded per image and step t = 1 … T (index t − 1).
     *
     * @param predictions {@code [t − 1][image]}: the class read off after step t
     * @param margins     {@code [image][t − 1]}: the readout's top score minus the runner-up's after step t
     * @param opsThrough  {@code [image][t − 1]}: the image's synaptic operations through step t
     */
    public record ReadoutTrace(int[][] predictions, double[][] margins, double[][] opsThrough) {
    }

    /**
     * One operating point.
     *
     * @param bound         B, in thresholds θ
     * @param streak        k
     * @param accuracy      the fraction of images whose class (at exit, or at T) is the label
     * @param opsPerImage   the mean synaptic operations per image through its exit step (or T)
     * @param stepsPerImage the mean steps run per image
     */
    public record Point(double bound, int streak, double accuracy, double opsPerImage, double stepsPerImage) {

        /** The point of a run whose images ended with {@code classes}, {@code ops} and {@code steps}. */
        public static Point of(double bound, int streak, int[] classes, double[] ops, int[] steps, int[] labels) {
            int right = 0;
            double opsSum = 0;
            long stepsSum = 0;
            for (int image = 0; image < labels.length; image++) {
                right += classes[image] == labels[image] ? 1 : 0;
                opsSum += ops[image];
                stepsSum += steps[image];
            }
            int n = Math.max(1, labels.length);
            return new Point(bound, streak, (double) right / n, opsSum / n, (double) stepsSum / n);
        }
    }

    /**
     * The point of bound {@code bound} (thresholds) and streak {@code streak} on {@code trace}; {@code marginUnits}
     * turns a bound in thresholds into the unit of the trace's margins.
     */
    public static Point point(ReadoutTrace trace, int[] labels, double bound, int streak,
            DoubleUnaryOperator marginUnits) {
        EarlyExit exit = new EarlyExit(marginUnits.applyAsDouble(bound), streak);
        int images = labels.length;
        int steps = trace.predictions().length;
        int[] classes = new int[images];
        double[] ops = new double[images];
        int[] ran = new int[images];
        for (int image = 0; image < images; image++) {
            int exitStep = exit.exitStep(trace.margins()[image]);
            ran[image] = exitStep == 0 ? steps : exitStep;
            classes[image] = trace.predictions()[ran[image] - 1][image];
            ops[image] = trace.opsThrough()[image][ran[image] - 1];
        }
        return Point.of(bound, streak, classes, ops, ran, labels);
    }

    /**
     * The point a run gave that an early exit of {@code bound} thresholds and streak {@code streak} stopped for real:
     * each image's class and operations after the last step (frozen at its exit), and the steps it ran.
     */
    public static Point ofRun(ReadoutTrace run, int[] stepsRun, double bound, int streak, int[] labels) {
        int last = run.predictions().length - 1;
        double[] ops = Arrays.stream(run.opsThrough()).mapToDouble(image -> image[last]).toArray();
        return Point.of(bound, streak, run.predictions()[last], ops, stepsRun, labels);
    }

    /** Every point of {@link #BOUNDS} × {@link #STREAKS}, bound by bound. */
    public static List<Point> of(ReadoutTrace trace, int[] labels, DoubleUnaryOperator marginUnits) {
        List<Point> points = new ArrayList<>();
        for (double bound : BOUNDS) {
            for (int streak : STREAKS) {
                points.add(point(trace, labels, bound, streak, marginUnits));
            }
        }
        return points;
    }
}
