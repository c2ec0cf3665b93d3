package org.snnc.targets.net;

import java.util.OptionalDouble;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;

/**
 * A max-pool gate on the output of a population: output element o passes this step's spike of the input in its
 * window with the highest running spike count (the count includes this step; ties go to the first input in row-major
 * window order). See the IR's {@code MaxPoolGate}.
 *
 * @param name       the IR name
 * @param population the gated population
 * @param window     the pooling window
 * @param shape      the gate's output shape
 * @param emaDecay   the decay of an exponential moving average estimator, instead of the running count
 * @param span       where the gate was written
 */
public record GateUnit(String name, String population, Window2d window, Shape shape, OptionalDouble emaDecay,
        SourceSpan span) implements Source {
}
