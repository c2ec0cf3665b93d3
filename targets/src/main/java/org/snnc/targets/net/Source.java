package org.snnc.targets.net;

import org.snnc.compiler.ir.Shape;

/**
 * Something whose elements send events along projections: the analog input, a population of IF neurons, or a max-pool
 * gate unit. Elements are numbered in flat C order of {@link #shape()}.
 */
public sealed interface Source permits InputSource, Population, GateUnit {

    /** The IR value's name, which the configuration uses as the source's id. */
    String name();

    Shape shape();

    default int size() {
        return shape().size();
    }
}
