package org.snnc.compiler.nir;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * A Delay node: element e passes on its input of {@code k_e = round(delay_e / dt)} steps earlier, and 0 during its
 * first k_e steps. A delay of 0 passes the input on in the same step.
 */
final class NirDelayLine implements NirStep {

    private final int[] steps;
    /** The last inputs, newest first, at most max(k_e) + 1. */
    private final Deque<double[]> past = new ArrayDeque<>();
    private final int depth;

    NirDelayLine(String name, NirNode.Delay node, int size, double dt, SourceSpan span) {
        double[] delays = NirParameters.expand(node.delay(), size);
        steps = new int[size];
        int deepest = 0;
        for (int k = 0; k < size; k++) {
            double count = Math.rint(delays[k] / dt);
            if (!(count >= 0) || count > Integer.MAX_VALUE - 1) {
                throw CompilationException.of(DiagnosticCode.NIR_BAD_FIELD, span, name, node.type(), "delay",
                        "holds " + delays[k] + " s at flat index " + k + ", which is not 0 to 2^31-2 steps of "
                                + dt + " s");
            }
            steps[k] = (int) count;
            deepest = Math.max(deepest, steps[k]);
        }
        depth = deepest + 1;
    }

    @Override
    public double[] apply(double[] x) {
        past.addFirst(x.clone());
        if (past.size() > depth) {
            past.removeLast();
        }
        double[] y = new double[steps.length];
        int age = 0;
        for (Iterator<double[]> it = past.iterator(); it.hasNext(); age++) {
            double[] earlier = it.next();
            for (int k = 0; k < y.length; k++) {
                if (steps[k] == age) {
                    y[k] = earlier[k];
                }
            }
        }
        return y;
    }
}
