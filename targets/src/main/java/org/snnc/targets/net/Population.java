package org.snnc.targets.net;

import java.util.List;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Shape;

/**
 * A quantized IF population with the projections into it; its update is {@link FixedPoint}'s.
 *
 * @param name        the IR name
 * @param shape       its shape, [C, H, W] or [N]
 * @param threshold   θ in membrane LSBs
 * @param initialMembrane v0, the membrane every neuron starts an image with, in membrane LSBs
 * @param reset       subtract or zero
 * @param fixed       the integer formats
 * @param current     the constant input current of each neuron, in LSBs, flat C order
 * @param projections the synapses into it
 * @param span        where the population was written
 */
public record Population(
        String name,
        Shape shape,
        long threshold,
        long initialMembrane,
        ResetMode reset,
        FixedPoint fixed,
        long[] current,
        List<Projection> projections,
        SourceSpan span) implements Source {

    public Population {
        projections = List.copyOf(projections);
    }
}
