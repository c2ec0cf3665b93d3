package org.snnc.targets.net;

import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Shape;

/**
 * The network input as the first layer sees it: with analog encoding, each element's raw stored value (a u8 pixel)
 * is a graded event that every step multiplies the first layer's integer weights.
 *
 * @param name     the encoder's name in the IR
 * @param input    the input's name
 * @param shape    the input's shape
 * @param dtype    the stored element type
 * @param encoding analog or poisson
 * @param seed     the Poisson encoder's seed
 */
public record InputSource(String name, String input, Shape shape, DType dtype, InputEncoding encoding, long seed)
        implements Source {
}
