package org.snnc.compiler.nir;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The graph metadata entries in which {@link NirExporter} keeps what NIR does not hold, and from which
 * {@link NirImporter} restores the IR under {@link NirConventions.Flavor#SNNC} (reading each record's fields as
 * {@link SnncRecord}). Each entry is a record of {@code key=value} words separated by single spaces (no key, value or
 * IR name holds a space or an {@code =}):
 * <ul>
 *   <li>{@value #NETWORK_KEY}: the network's name (a plain value, not a record).</li>
 *   <li>{@value #POPULATION_KEY}{@code <node>}: a population's {@code threshold reset v0 fire}, and for a quantized
 *       one its fixed-point arithmetic ({@code weight_bits weight_exponent accumulator_bits state_bits overflow
 *       floor}); {@code sumpool_fold} when a pool's 1/(kH·kW) was folded into θ and v0.</li>
 *   <li>{@value #NODE_KEY}{@code <node>}: the IR node the NIR node was written from: its {@code name}, and what its
 *       NIR form lacks: an Input's {@code dtype scale encoder encoding seed}, a Conv2d's {@code groups}, a pool's
 *       {@code count_include_pad}, the {@code sum} (add) the node reads, an Output's readout
 *       {@code name mode window seed}.</li>
 * </ul>
 */
public final class SnncMetadata {

    /** The key of the IR network's name. */
    public static final String NETWORK_KEY = "snnc.network";

    /** The key of a population's record, followed by the population's NIR name. */
    public static final String POPULATION_KEY = "snnc.population.";

    /** The key of the record of the IR node a NIR node was written from, followed by the NIR name. */
    public static final String NODE_KEY = "snnc.node.";

    private SnncMetadata() {
    }

    /** {@code fields} as one record: {@code key=value} words in their order. */
    public static String record(Map<String, String> fields) {
        StringBuilder text = new StringBuilder();
        fields.forEach((key, value) -> text.append(text.isEmpty() ? "" : " ").append(key).append('=').append(value));
        return text.toString();
    }

    /** The fields of a record in their order; a word without {@code =} is refused. */
    public static Map<String, String> fields(String record) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String word : record.trim().split(" +")) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("'" + word + "' is not key=value in the record '" + record + "'");
            }
            fields.put(word.substring(0, equals), word.substring(equals + 1));
        }
        return fields;
    }
}
