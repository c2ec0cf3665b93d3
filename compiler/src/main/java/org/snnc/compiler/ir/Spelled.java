package org.snnc.compiler.ir;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum constant with the one word the network language, the command line and reports write for it. */
public interface Spelled {

    String spelling();

    /** The constant of {@code type} spelled {@code word}, if there is one. */
    static <E extends Enum<E> & Spelled> Optional<E> lookup(Class<E> type, String word) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.spelling().equals(word)).findFirst();
    }

    /** Every spelling of {@code type}, comma-separated in declaration order, for diagnostics. */
    static <E extends Enum<E> & Spelled> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Spelled::spelling).collect(Collectors.joining(", "));
    }
}
