package org.snnc.targets.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.ResetMode;

/**
 * Any valid spec survives {@link ChipSpecs#toJson} and back, and no damage to a spec's text gets past the reader as
 * anything but located chip spec diagnostics.
 */
class ChipSpecRoundTripProperties {

    private static final List<DiagnosticCode> SPEC_CODES = List.of(DiagnosticCode.CHIP_SPEC_SYNTAX,
            DiagnosticCode.CHIP_SPEC_MISSING_FIELD, DiagnosticCode.CHIP_SPEC_UNKNOWN_FIELD,
            DiagnosticCode.CHIP_SPEC_INVALID_FIELD);

    @Property(tries = 300)
    void toJsonReadsBackToAnEqualSpec(@ForAll("specs") ChipSpec spec) {
        String json = ChipSpecs.toJson(spec);
        assertEquals(spec, ChipSpecs.parse(json, "random.json"), json);
        assertEquals(json, ChipSpecs.toJson(ChipSpecs.parse(json, "random.json")));
    }

    /** Deleting, doubling or replacing one character anywhere either leaves a valid spec or is reported. */
    @Property(tries = 400)
    void damagedTextIsEitherValidOrReportedWithPositions(@ForAll("builtInNames") String name,
            @ForAll @IntRange(min = 0, max = 100_000) int where, @ForAll("damage") String damage) throws IOException {
        String text = builtInText(name);
        int at = where % text.length();
        String damaged = damage.equals("delete") ? text.substring(0, at) + text.substring(at + 1)
                : damage.equals("double") ? text.substring(0, at + 1) + text.substring(at)
                : text.substring(0, at) + damage + text.substring(at + 1);
        try {
            ChipSpecs.parse(damaged, name + ".json");
        } catch (CompilationException reported) {
            for (Diagnostic problem : reported.diagnostics()) {
                assertTrue(SPEC_CODES.contains(problem.code()), problem.format());
                assertTrue(problem.span().hasPosition(), problem.format());
            }
        }
    }

    @Provide
    Arbitrary<String> builtInNames() {
        return Arbitraries.of(ChipSpecs.builtIns());
    }

    @Provide
    Arbitrary<String> damage() {
        return Arbitraries.of("delete", "double", "x", "0", "9", "-", ",", "\"", "{", "]", " ", "é");
    }

    private static String builtInText(String name) throws IOException {
        try (InputStream in = ChipSpecs.class.getResourceAsStream("/org/snnc/targets/chips/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // --- valid specs: each generator draws within the reader's ranges, dependent widths after the ones they need

    @Provide
    Arbitrary<ChipSpec> specs() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> descriptions = Arbitraries.strings().withCharRange(' ', '~')
                .withChars('é', '≥', '·', '\n', '\t', '"', '\\').ofMaxLength(60);
        Arbitrary<List<CoreResources>> cores = coreResources().list().ofMinSize(1).ofMaxSize(3).uniqueElements()
                .flatMap(pool -> Arbitraries.of(pool).list().ofMinSize(1).ofMaxSize(12));
        Arbitrary<Formats> formats = weightFormats().flatMap(weights -> neuronFormats(weights)
                .map(neurons -> new Formats(weights, neurons)));
        return Combinators.combine(names, descriptions, cores, Arbitraries.of(MemoryModel.class), formats,
                features(), routing(), energy().optional())
                .as((name, description, perCore, memoryModel, format, features, routing, energy) -> new ChipSpec(name,
                        description, perCore.size(), perCore, memoryModel, format.weights(), format.neurons(),
                        features, routing, energy));
    }

    private record Formats(WeightFormat weights, NeuronFormat neurons) {
    }

    private static Arbitrary<CoreResources> coreResources() {
        Arbitrary<Long> count = Arbitraries.longs().between(1, ChipSpecReader.MAX_COUNT);
        return Combinators.combine(count, count, count, count, count).as(CoreResources::new);
    }

    private static Arbitrary<WeightFormat> weightFormats() {
        return Arbitraries.integers().between(2, 24).flatMap(bits -> Arbitraries.integers().between(0, 14)
                .flatMap(min -> Arbitraries.integers().between(min, 14).map(max -> new WeightFormat(bits, min, max))));
    }

    /** Accumulator and state hold the largest weight; threshold and bias fit the state; the floor lies within it. */
    private static Arbitrary<NeuronFormat> neuronFormats(WeightFormat weights) {
        int weightBits = weights.bits() + weights.exponentMax();
        return Arbitraries.integers().between(weightBits, ChipSpecReader.MAX_BITS).flatMap(state -> {
            Arbitrary<Integer> accumulator = Arbitraries.integers().between(weightBits, ChipSpecReader.MAX_BITS);
            Arbitrary<int[]> threshold = Arbitraries.integers().between(0, state - 2).flatMap(shift -> Arbitraries
                    .integers().between(1, state - 1 - shift).map(bits -> new int[] {bits, shift}));
            Arbitrary<int[]> bias = Arbitraries.integers().between(0, state - 2).flatMap(exponent -> Arbitraries
                    .integers().between(2, state - exponent).map(bits -> new int[] {bits, exponent}));
            Arbitrary<OptionalLong> floor = Arbitraries.longs().between(-(1L << (state - 1)), 0).optional()
                    .map(value -> value.map(OptionalLong::of).orElse(OptionalLong.empty()));
            Arbitrary<Set<ResetMode>> resets = Arbitraries.of(ResetMode.class).set().ofMinSize(1)
                    .map(EnumSet::copyOf);
            return Combinators.combine(threshold, bias, accumulator, Arbitraries.of(Overflow.class), floor,
                    Arbitraries.of(FireComparison.class), resets)
                    .as((t, b, acc, overflow, membraneFloor, fire, modes) -> new NeuronFormat(t[0], t[1], b[0], b[1],
                            acc, state, overflow, membraneFloor, fire, modes));
        });
    }

    private static Arbitrary<Features> features() {
        Arbitrary<Integer> positive = Arbitraries.integers().between(1, Integer.MAX_VALUE);
        Arbitrary<ConvLimits> convLimits = Combinators.combine(positive,
                Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(4).uniqueElements(),
                Arbitraries.integers().between(0, Integer.MAX_VALUE), positive, positive, positive)
                .as(ConvLimits::new);
        return Combinators.combine(Arbitraries.of(true, false), optionalInt(positive), Arbitraries.of(true, false),
                convLimits.optional()).as(Features::new);
    }

    private static Arbitrary<Routing> routing() {
        return Combinators.combine(optionalInt(Arbitraries.integers().between(1, Integer.MAX_VALUE)),
                Arbitraries.of(true, false)).as(Routing::new);
    }

    private static Arbitrary<EnergyModel> energy() {
        Arbitrary<Double> picojoules = Arbitraries.doubles().between(0, 1e6);
        return Combinators.combine(picojoules, picojoules, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20))
                .as(EnergyModel::new);
    }

    private static Arbitrary<OptionalInt> optionalInt(Arbitrary<Integer> values) {
        return values.optional().map(value -> value.map(OptionalInt::of).orElse(OptionalInt.empty()));
    }
}
