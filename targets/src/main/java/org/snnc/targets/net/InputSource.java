package org.snnc.targets.net;

import java.util.OptionalInt;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Shape;

/**
 * The network input as the first layer sees it: with analog encoding, each element's raw stored value (a u8 pixel)
 * is a graded event that every step multiplies the first layer's integer weights; with sequence encoding, element k
 * of frame t is a count x[t][k] of events, 0 … {@link #SEQUENCE_MAX_EVENTS}, that it sends through the first
 * synapses in step t + 1 (from 1), where they reach the first populations in that same step.
 *
 * @param name     the encoder's name in the IR
 * @param input    the input's name
 * @param shape    the input's shape
 * @param dtype    the stored element type
 * @param encoding analog, poisson or sequence
 * @param seed     the Poisson encoder's seed
 */
public record InputSource(String name, String input, Shape shape, DType dtype, InputEncoding encoding, long seed)
        implements Source {

    /**
     * The most events one element of a sequence input sends in one step, a 4-bit count: the quantizer bounds every
     * accumulator and membrane for it, as it does for a raw analog value by its type's range, and the chip refuses
     * data beyond it ({@code input.max_events}). A spike is 1; a frame binned from an event stream may count more.
     */
    public static final int SEQUENCE_MAX_EVENTS = 15;

    /** {@link #SEQUENCE_MAX_EVENTS} for a sequence input; empty for the others, whose values are not events. */
    public OptionalInt maxEvents() {
        return encoding == InputEncoding.SEQUENCE ? OptionalInt.of(SEQUENCE_MAX_EVENTS) : OptionalInt.empty();
    }
}
