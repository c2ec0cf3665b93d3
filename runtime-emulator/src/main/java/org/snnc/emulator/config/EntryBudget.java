package org.snnc.emulator.config;

import static org.snnc.emulator.config.ConfigurationError.OVER_BUDGET;

/**
 * The table entries the emulator will allocate for one configuration, counted while the file is read and before
 * anything is sized from it: each element of the input, a population or a gate; each replica neuron; each axon of a
 * core up to its highest; each synapse matrix entry and, per synapse, a slot per element of its source; each element a
 * route sends; each run a box is cut into; each synapse segment a convolution may take on a core; and each entry of
 * a gate output's window. An entry takes at most {@link #BYTES_PER_ENTRY} bytes across the chip's
 * tables and one emulator's state, so the budget is the heap's size over that, and never more than an int indexes.
 * The declaration that takes the count over the budget is reported, once, by its JSON path
 * ({@link ConfigurationError#OVER_BUDGET}); a count of entries is a long, so no declared size can overflow it.
 */
final class EntryBudget {
    static final long BYTES_PER_ENTRY = 64;

    private final Fields fields;
    private final long limit;
    private long spent;

    EntryBudget(Fields fields, long limit) {
        this.fields = fields;
        this.limit = limit;
    }

    /** The product of counts each at least 0, saturated at Long.MAX_VALUE rather than overflowing. */
    static long product(long... counts) {
        long product = 1;
        for (long count : counts) {
            if (count != 0 && product > Long.MAX_VALUE / count) {
                return Long.MAX_VALUE;
            }
            product *= count;
        }
        return product;
    }

    /** The budget of this JVM's heap. */
    static EntryBudget ofHeap(Fields fields) {
        return new EntryBudget(fields, Math.min(Integer.MAX_VALUE - 8,
                Runtime.getRuntime().maxMemory() / BYTES_PER_ENTRY));
    }

    /**
     * Counts {@code entries} (a negative count, the −1 of a size already refused, counts nothing; the count saturates
     * at 2^62) for what {@code path} declares, {@code what} saying what they are; false, and reported the first time,
     * once the count is over the budget, so that the caller allocates nothing for them.
     */
    boolean spend(String path, long entries, String what) {
        boolean wasWithin = spent <= limit;
        spent = Math.min(spent + Math.max(0, Math.min(entries, Long.MAX_VALUE / 2)), Long.MAX_VALUE / 2);
        if (spent <= limit) {
            return true;
        }
        if (wasWithin) {
            fields.problem(OVER_BUDGET, path, what + " take the configuration to " + spent
                    + " table entries, more than the emulator's budget of " + limit + " (" + BYTES_PER_ENTRY
                    + " bytes each in a heap of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)");
        }
        return false;
    }
}
