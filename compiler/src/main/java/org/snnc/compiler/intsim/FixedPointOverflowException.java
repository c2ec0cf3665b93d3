package org.snnc.compiler.intsim;

/**
 * Thrown by a strict {@link IntegerReference} run when a {@code fit} would change a value: the quantizer promised
 * that none does ({@link org.snnc.compiler.ir.FixedPoint}).
 */
public final class FixedPointOverflowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String population;
    private final int neuron;
    private final int step;
    private final int image;
    private final String register;
    private final long value;
    private final int bits;

    FixedPointOverflowException(String population, int neuron, int step, int image, String register, long value,
            int bits) {
        super("population '" + population + "', neuron " + neuron + ", step " + step + " (image " + image + "): the "
                + register + " value " + value + " does not fit " + bits + " signed bits");
        this.population = population;
        this.neuron = neuron;
        this.step = step;
        this.image = image;
        this.register = register;
        this.value = value;
        this.bits = bits;
    }

    /** The population whose register overflowed. */
    public String population() {
        return population;
    }

    /** The neuron's flat C-order index in its population. */
    public int neuron() {
        return neuron;
    }

    /** The step, 1-based. */
    public int step() {
        return step;
    }

    /** The image's index in the run. */
    public int image() {
        return image;
    }

    /** {@code "accumulator"} or {@code "state"}. */
    public String register() {
        return register;
    }

    /** The exact value before the fit. */
    public long value() {
        return value;
    }

    /** The register's width. */
    public int bits() {
        return bits;
    }
}
