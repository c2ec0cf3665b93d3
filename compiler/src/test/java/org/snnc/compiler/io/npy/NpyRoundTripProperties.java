package org.snnc.compiler.io.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever an {@link NpyArray} holds, writing it and reading it back gives an equal array. */
class NpyRoundTripProperties {

    @Property(tries = 200)
    void npyRoundTrips(@ForAll("arrays") NpyArray array) {
        assertEquals(array, NpyReader.read(Fixtures.bytes(array), "p.npy"));
    }

    @Property(tries = 50)
    void npzRoundTrips(@ForAll("archives") Map<String, NpyArray> arrays) throws IOException {
        Path dir = Files.createTempDirectory("npz-property");
        try {
            Path file = dir.resolve("p.npz");
            NpzWriter.write(file, arrays);
            assertEquals(new TreeMap<>(arrays), new TreeMap<>(NpzReader.read(file)));
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> {
                    try {
                        Files.delete(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            Files.delete(dir);
        }
    }

    @Provide
    Arbitrary<Map<String, NpyArray>> archives() {
        return Arbitraries.maps(Arbitraries.strings().withChars("abc._/0").ofMinLength(1).ofMaxLength(6)
                .filter(k -> !k.startsWith("/") && !k.endsWith("/")), arrays()).ofMaxSize(4);
    }

    @Provide
    Arbitrary<NpyArray> arrays() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 4).list().ofMaxSize(4)
                .map(dims -> dims.stream().mapToInt(Integer::intValue).toArray());
        return Combinators.combine(Arbitraries.of(NpyElementType.class), shapes).flatAs((type, shape) -> {
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            return values(type).array(double[].class).ofSize(size)
                    .map(values -> new NpyArray(type, shape, values));
        });
    }

    /** Any value of the type, with extremes and, for floats, every bit pattern (NaNs, infinities, subnormals). */
    private static Arbitrary<Double> values(NpyElementType type) {
        return switch (type) {
            case F2 -> Arbitraries.shorts().map(Float16::toDouble);
            case F4 -> Arbitraries.integers().map(Float::intBitsToFloat)
                    .map(f -> Float.isNaN(f) ? Double.NaN : (double) f);
            case F8 -> Arbitraries.oneOf(List.of(Arbitraries.longs().map(Double::longBitsToDouble),
                    Arbitraries.doubles()));
            case U1 -> Arbitraries.integers().between(0, 255).map(Integer::doubleValue);
            case I1 -> Arbitraries.integers().between(-128, 127).map(Integer::doubleValue);
            case U2 -> Arbitraries.integers().between(0, 65_535).map(Integer::doubleValue);
            case I2 -> Arbitraries.shorts().map(Short::doubleValue);
            case U4 -> Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(Long::doubleValue);
            case I4 -> Arbitraries.integers().map(Integer::doubleValue);
            // Any uint64 bit pattern, as the nearest double (2^64 for the largest).
            case U8 -> Arbitraries.longs().map(bits -> bits >= 0 ? (double) bits : ((bits >>> 1) | (bits & 1)) * 2.0);
            case I8 -> Arbitraries.longs().map(Long::doubleValue);
            case B1 -> Arbitraries.of(0.0, 1.0);
        };
    }
}
