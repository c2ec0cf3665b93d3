package org.snnc.targets.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.FireComparison;
import org.snnc.compiler.ir.Overflow;
import org.snnc.compiler.ir.ResetMode;

/**
 * The built-in chip specs hold the figures docs/chip-spec.md gives, and every malformed spec in
 * {@code resources/chips/bad} is reported with its code at the line and column of the offending key or value.
 */
class ChipSpecsTest {

    private static final Set<ResetMode> BOTH_RESETS = Set.of(ResetMode.SUBTRACT, ResetMode.ZERO);

    private static Path resource(String name) {
        try {
            return Path.of(ChipSpecsTest.class.getResource("/chips/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String builtInText(String name) throws IOException {
        try (InputStream in = ChipSpecs.class.getResourceAsStream("/org/snnc/targets/chips/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Diagnostic> problems(Path file) {
        return assertThrows(CompilationException.class, () -> ChipSpecs.load(file.toString())).diagnostics();
    }

    @Test
    void theBuiltInsAreGenericLoihiAndSpeck() {
        assertEquals(List.of("generic", "loihi", "speck"), ChipSpecs.builtIns());
        for (String name : ChipSpecs.builtIns()) {
            assertEquals(name, ChipSpecs.load(name).name());
        }
    }

    @Test
    void genericIsTheReferenceChip() {
        ChipSpec generic = ChipSpecs.load("generic");
        CoreResources core = new CoreResources(1024, 4096, 4096, 65536, 1024);
        ChipSpec expected = new ChipSpec("generic", generic.description(), 128, Collections.nCopies(128, core),
                MemoryModel.ENTRIES,
                new WeightFormat(8, 0, 7),
                new NeuronFormat(23, 0, 24, 0, 24, 24, Overflow.SATURATE, OptionalLong.of(-8388608),
                        FireComparison.GE, BOTH_RESETS),
                new Features(true, OptionalInt.empty(), true, true, Optional.empty()),
                new Routing(OptionalInt.empty(), true, OptionalInt.empty(), OptionalInt.of(1)),
                Optional.of(new EnergyModel(23.6, 52.0, generic.energy().orElseThrow().source())));
        assertEquals(expected, generic);
        assertTrue(generic.energy().orElseThrow().source().startsWith("assumed"));
    }

    @Test
    void loihiIsLoihiOneAsNengoLoihiEncodesIt() {
        ChipSpec loihi = ChipSpecs.load("loihi");
        assertEquals(128, loihi.cores());
        assertTrue(loihi.coreResources().stream()
                .allMatch(new CoreResources(1024, 4096, 4096, 16384 * 64, 1024)::equals));
        assertEquals(MemoryModel.LOIHI_BLOCKS, loihi.memoryModel());
        assertEquals(new WeightFormat(8, 0, 14), loihi.weights());
        assertEquals(new NeuronFormat(17, 6, 13, 7, 22, 24, Overflow.WRAP, OptionalLong.of(-(1L << 23) + 1),
                FireComparison.GT, Set.of(ResetMode.ZERO)), loihi.neurons());
        assertEquals(new Features(false, OptionalInt.empty(), true, true, Optional.empty(), true), loihi.features());
        assertEquals(new Routing(OptionalInt.empty(), true, OptionalInt.empty(), OptionalInt.of(2)), loihi.routing());
        EnergyModel energy = loihi.energy().orElseThrow();
        assertEquals(23.6, energy.synapticOpPj());
        assertEquals(52.0, energy.neuronUpdatePj());
        assertTrue(energy.source().contains("Davies et al. 2018"), energy.source());
        assertEquals(((1L << 17) - 1) << 6, loihi.neurons().maxThreshold());
        assertEquals(4095, loihi.neurons().maxBiasMantissa());
        assertTrue(loihi.description().contains("nengo_loihi/"), loihi.description());
    }

    @Test
    void speckIsDynapCnnAsSinabsEncodesIt() {
        ChipSpec speck = ChipSpecs.load("speck");
        assertEquals(9, speck.cores());
        int[] neuronKi = {64, 64, 64, 32, 32, 16, 16, 16, 16};
        int[] kernelKi = {16, 16, 16, 32, 32, 64, 64, 16, 16};
        for (int core = 0; core < 9; core++) {
            assertEquals(new CoreResources(neuronKi[core] * 1024L, 1 << 20, 1 << 20, kernelKi[core] * 1024L, 1024),
                    speck.core(core), "core " + core);
        }
        assertEquals(MemoryModel.SPECK_PADDED, speck.memoryModel());
        assertEquals(new WeightFormat(8, 0, 0), speck.weights());
        assertEquals(new NeuronFormat(15, 0, 16, 0, 16, 16, Overflow.SATURATE, OptionalLong.of(-32768),
                FireComparison.GE, BOTH_RESETS), speck.neurons());
        assertEquals(new Features(false, OptionalInt.of(1), false,
                Optional.of(new ConvLimits(16, List.of(1, 2, 4, 8), 7, 1024, 128, 64))), speck.features());
        assertEquals(new Routing(OptionalInt.of(2), false, OptionalInt.of(2), OptionalInt.empty()), speck.routing());
        assertEquals(Optional.empty(), speck.energy());
        assertTrue(speck.description().contains("sinabs/backend/dynapcnn/"), speck.description());
    }

    @Test
    void overridesSetTheirFieldsOnTheirCoresOnly() {
        ChipSpec tiny = ChipSpecs.load(resource("good/tiny.json").toString());
        CoreResources defaults = new CoreResources(256, 512, 512, 8192, 256);
        assertEquals(List.of(defaults, new CoreResources(128, 512, 512, 8192, 256),
                new CoreResources(256, 512, 512, 4096, 64), new CoreResources(128, 512, 512, 8192, 256)),
                tiny.coreResources());
    }

    @ParameterizedTest
    @ValueSource(strings = {"generic", "loihi", "speck"})
    void theBuiltInFilesAreInCanonicalForm(String name) throws IOException {
        assertEquals(builtInText(name), ChipSpecs.toJson(ChipSpecs.load(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"generic", "loihi", "speck"})
    void toJsonReadsBackToAnEqualSpec(String name) {
        ChipSpec spec = ChipSpecs.load(name);
        assertEquals(spec, ChipSpecs.parse(ChipSpecs.toJson(spec), name + ".json"));
    }

    /** tiny.json's defaults are the resources of one core; the canonical form takes those of cores 1 and 3. */
    @Test
    void toJsonTakesTheResourcesMostCoresHaveAsTheDefaults() {
        ChipSpec tiny = ChipSpecs.load(resource("good/tiny.json").toString());
        String json = ChipSpecs.toJson(tiny);
        assertTrue(json.contains("\"core\": {\n    \"neurons\": 128,"), json);
        assertTrue(json.contains("\"cores\": [0],\n      \"neurons\": 256\n"), json);
        assertTrue(json.contains("\"cores\": [2],\n      \"neurons\": 256,\n      \"synapse_memory\": 4096,\n"
                + "      \"bias_memory\": 64\n"), json);
        assertEquals(tiny, ChipSpecs.parse(json, "tiny.json"));
    }

    /** Each bad spec has one problem, reported with this code at this line and column, saying this. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "syntax-missing-comma       | E0801 |  6 |  3 | was expecting comma to separate Object entries",
        "syntax-trailing-comma      | E0801 | 48 |  3 | was expecting double-quote to start field name",
        "syntax-not-an-object       | E0801 |  1 |  1 | a chip spec is a JSON object {...} at the top level, got an array",
        "unknown-field              | E0803 | 29 |  5 | unknown field 'weights.signed'; expected one of bits, exponent_min, exponent_max",
        "missing-field              | E0802 | 25 | 14 | missing field 'weights.bits'",
        "bits-zero                  | E0804 | 26 | 13 | field 'weights.bits' must be an integer in [2, 62], got 0",
        "exponent-min-above-max     | E0804 | 27 | 21 | field 'weights.exponent_min' must be at most exponent_max (7), got 9",
        "unknown-reset              | E0804 | 40 | 28 | field 'neurons.resets[1]' must be one of subtract, zero, got \"clamp\"",
        "empty-resets               | E0804 | 40 | 15 | field 'neurons.resets' must be a non-empty array of reset modes",
        "override-core-out-of-range | E0804 | 15 | 20 | field 'core_overrides[0].cores[1]' must be an integer in [0, 3], got 4",
        "override-core-repeated     | E0804 | 19 | 20 | repeats core 3, already overridden at line 15:20",
        "override-sets-nothing      | E0804 | 18 |  5 | field 'core_overrides[1]' sets none of neurons, input_axons",
        "membrane-floor-positive    | E0804 | 38 | 23 | field 'neurons.membrane_floor' must be an integer in [-32768, 0], got 5",
        "string-for-int             | E0804 |  5 | 12 | field 'cores' must be an integer in [1, 1000000], got \"4\"",
        "accumulator-too-narrow     | E0804 | 35 | 25 | must be at least weights.bits + weights.exponent_max = 15 so that the largest weight 127·2^7 fits, got 12",
        "threshold-beyond-state     | E0804 | 31 | 23 | field 'neurons.threshold_bits' must be at most state_bits − 1 − threshold_shift = 13",
        "duplicate-key              | E0804 |  4 |  3 | field 'name' is given twice; the first, at line 3:3, is the one read",
        "wrong-format               | E0804 |  2 | 13 | field 'format' must be \"snnc-chip/1\"",
        "unknown-memory-model       | E0804 | 24 | 19 | must be one of entries, loihi-blocks, speck-padded, got \"blocks\"",
        "negative-energy            | E0804 | 50 | 20 | field 'energy_pj.synaptic_op' must be a finite number of picojoules ≥ 0, got -1.5",
        "cuba-decay-not-boolean     | E0804 | 45 | 19 | field 'features.cuba_decay' must be true or false, got \"yes\"",
    })
    void aBadSpecIsReportedAtTheOffendingValue(String file, String code, int line, int column, String says) {
        Path path = resource("bad/" + file + ".json");
        List<Diagnostic> problems = problems(path);
        assertEquals(1, problems.size(), problems.toString());
        Diagnostic problem = problems.get(0);
        assertEquals(code, problem.code().id(), problem.format());
        assertEquals(path.toString(), problem.span().file());
        assertEquals(line + ":" + column, problem.span().line() + ":" + problem.span().column(), problem.format());
        assertTrue(problem.message().contains(says), problem.message());
    }

    @Test
    void everyProblemOfASpecIsReportedAtOnceInTextOrder() {
        List<String> reported = problems(resource("bad/many-problems.json")).stream()
                .map(d -> d.span().line() + ":" + d.span().column() + " " + d.code().id()).toList();
        assertEquals(List.of("5:12 E0804", "26:13 E0804", "39:13 E0804", "42:15 E0802"), reported);
    }

    @Test
    void aDiagnosticReadsAsFileLineColumnErrorMessageCode() {
        Path path = resource("bad/bits-zero.json");
        assertEquals(path + ":26:13: error: chip spec: field 'weights.bits' must be an integer in [2, 62], got 0 "
                + "[E0804]", problems(path).get(0).format());
    }

    @Test
    void anUnknownTargetNameListsTheBuiltIns() {
        CompilationException thrown = assertThrows(CompilationException.class, () -> ChipSpecs.load("lohi"));
        assertEquals("--target: error: unknown target 'lohi'; the built-in targets are generic, loihi, speck, or give "
                + "the path of a chip spec .json file [E0805]", thrown.getMessage());
    }

    @Test
    void aMissingSpecFileIsAMissingFile() {
        CompilationException thrown = assertThrows(CompilationException.class,
                () -> ChipSpecs.load("no/such/chip.json"));
        assertEquals(DiagnosticCode.FILE_NOT_FOUND, thrown.diagnostics().get(0).code());
    }

    @Test
    void aSpecFileThatIsNotUtf8IsUnreadable(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("chip.json");
        Files.write(file, new byte[] {'{', (byte) 0xff, '}'});
        CompilationException thrown = assertThrows(CompilationException.class, () -> ChipSpecs.load(file.toString()));
        assertEquals(DiagnosticCode.FILE_UNREADABLE, thrown.diagnostics().get(0).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\": NaN}", "/* comment */ {}", "{'a': 1}", "{\"a\": 01}", "{} {}",
        "{\"a\": [1, 2}", "\"chip\""})
    void syntaxErrorsSayWhatIsWrongWithoutJacksonInternals(String text) {
        CompilationException thrown = assertThrows(CompilationException.class, () -> ChipSpecs.parse(text, "t.json"));
        Diagnostic problem = thrown.diagnostics().get(0);
        assertEquals(DiagnosticCode.CHIP_SPEC_SYNTAX, problem.code());
        assertTrue(problem.span().hasPosition(), problem.format());
        for (String internal : List.of("Source:", "Feature", "(code ", "jackson", "enable `")) {
            assertFalse(problem.message().contains(internal), problem.message());
        }
    }

    @Test
    void infiniteEnergyIsRejected() throws IOException {
        String text = builtInText("loihi").replace("\"synaptic_op\": 23.6", "\"synaptic_op\": 1e400");
        CompilationException thrown = assertThrows(CompilationException.class, () -> ChipSpecs.parse(text, "l.json"));
        assertTrue(thrown.getMessage().contains("'energy_pj.synaptic_op' must be a finite number of picojoules ≥ 0, "
                + "got Infinity"), thrown.getMessage());
    }

    @Test
    void aNumberTooBigForALongIsOutOfRangeNotACrash() throws IOException {
        String text = builtInText("generic").replace("\"cores\": 128", "\"cores\": 99999999999999999999999");
        CompilationException thrown = assertThrows(CompilationException.class, () -> ChipSpecs.parse(text, "g.json"));
        assertEquals(List.of(DiagnosticCode.CHIP_SPEC_INVALID_FIELD),
                thrown.diagnostics().stream().map(Diagnostic::code).toList());
    }

    @Test
    void aStateTooNarrowForTheWeightsIsReportedAtStateBits() throws IOException {
        String text = builtInText("loihi").replace("\"state_bits\": 24", "\"state_bits\": 21")
                .replace("\"membrane_floor\": -8388607", "\"membrane_floor\": -1048576")
                .replace("\"threshold_bits\": 17", "\"threshold_bits\": 14");
        CompilationException thrown = assertThrows(CompilationException.class, () -> ChipSpecs.parse(text, "l.json"));
        assertEquals(1, thrown.diagnostics().size(), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("field 'neurons.state_bits' must be at least weights.bits + "
                + "weights.exponent_max = 22"), thrown.getMessage());
    }
}
