package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * Corrupt and hostile configurations, each made by one edit of a valid two-neuron one, must fail with an
 * {@link EmulatorException} naming the problem; no other exception may escape.
 */
class CorruptConfigurationTest {
    static final String VALID = StepTest.tiny("saturate", "", "ge", "subtract", new long[] {2, 1},
            new long[] {0, 0}, new long[] {5, 15});

    static Stream<Arguments> corruptions() {
        return Stream.of(
                Arguments.of("\"format\":\"snnc-config\"", "\"format\":\"snnc-chip/1\"", "format: 'snnc-chip/1' is not", "E1002"),
                Arguments.of("\"version\":1", "\"version\":3", "version: 3 is not supported", "E1002"),
                Arguments.of("\"network\":\"tiny\",", "", "tiny.json: network: missing", "E1003"),
                Arguments.of("\"seed\":0}", "\"seed\":\"zero\"}", "input.seed: expected an integer, got string", "E1003"),
                Arguments.of("\"first\":1,", "\"first\":-1,", "cores[0].neurons[1].first: -1 must be at least 0", "E1003"),
                Arguments.of("\"threshold\":5,", "\"threshold\":0,", "cores[0].neurons[0].threshold: 0 must be at least 1", "E1003"),
                Arguments.of("\"threshold\":15,", "\"threshold\":16,", "cores[0].neurons[1].threshold: 16 must be at most 15", "E1003"),
                Arguments.of("\"threshold\":5,", "\"threshold\":5,\"v0\":5,", "cores[0].neurons[0].v0: 5 must be at most 4", "E1003"),
                Arguments.of("\"threshold\":5,", "\"threshold\":5,\"v0\":-1,", "cores[0].neurons[0].v0: -1 must be at least 0", "E1003"),
                Arguments.of("\"mantissas\":[2,1]", "\"mantissas\":[9,1]", "cores[0].synapses[0].mantissas[0]: 9 must be at most 7", "E1003"),
                Arguments.of("\"mantissas\":[2,1]", "\"mantissas\":[2,1,3]", "rows·inputs = 2", "E1004"),
                Arguments.of("\"layer\":\"p\",\"first\":1", "\"layer\":\"p\",\"first\":0", "placed on more than one core", "E1004"),
                Arguments.of("\"shape\":[2],\"cores\"", "\"shape\":[1000000,1000000],\"cores\"", "more than the emulator's limit", "E1005"),
                Arguments.of("\"axons\":[{\"source\":\"x.encoded\",\"source_first\":0,\"count\":1,\"axon_first\":0}]",
                        "\"axons\":[{\"source\":\"x.encoded\",\"source_first\":0,\"count\":1,\"axon_first\":0},"
                                + "{\"source\":\"x.encoded\",\"source_first\":0,\"count\":1,\"axon_first\":0}]",
                        "cores[0].axons[1].axon_first: axons [0, 1) overlap axons [0, 1) of cores[0].axons[0]", "E1004"),
                Arguments.of("\"count\":1,\"core\":0", "\"count\":1,\"core\":1", "core 1 is not in the configuration", "E1004"),
                Arguments.of("\"count\":1,\"core\":0", "\"count\":1,\"core\":7", "input_routes[0].core: 7 must be less than", "E1004"),
                Arguments.of("\"reset\":\"subtract\"", "\"reset\":\"sideways\"", "reset: string \"sideways\" must be one of", "E1003"),
                Arguments.of("\"mode\":\"membrane\"", "\"mode\":\"softmax\"", "'softmax' readout is not supported", "E1003"),
                Arguments.of("\"mode\":\"membrane\"", "\"mode\":\"membrane\",\"window\":\"third\"",
                        "readout.window: string \"third\" must be one of all, half", "E1003"),
                Arguments.of("\"encoding\":\"analog\"", "\"encoding\":\"poisson\"", "'poisson' input is not supported", "E1003"),
                Arguments.of("\"state_bits\":6", "\"state_bits\":63", "state_bits: 63 must be at most 62", "E1003"),
                Arguments.of("\"population\":\"p\"", "\"population\":\"q\"", "readout.population: 'q' is not", "E1004"),
                Arguments.of("\"mode\":\"membrane\"", "\"mode\":\"membrane\",\"exit_margin\":5,\"exit_steps\":2",
                        "readout.exit_margin: the chip does not declare features.early_exit", "E1004"),
                Arguments.of("\"mode\":\"membrane\"", "\"mode\":\"membrane\",\"exit_margin\":5",
                        "readout.exit_steps: missing: exit_margin and exit_steps come together", "E1003"),
                Arguments.of("\"mode\":\"membrane\"", "\"mode\":\"membrane\",\"exit_margin\":-1,\"exit_steps\":2",
                        "readout.exit_margin: -1 must be at least 0", "E1003"),
                Arguments.of("\"mode\":\"membrane\"", "\"mode\":\"membrane\",\"exit_margin\":5,\"exit_steps\":0",
                        "readout.exit_steps: 0 must be at least 1", "E1003"),
                Arguments.of("\"split_layers\":true}", "\"split_layers\":true,\"early_exit\":\"yes\"}",
                        "chip.features.early_exit: expected true or false", "E1003"),
                Arguments.of("\"cores\":2,", "\"cores\":1e3,", "chip.cores: expected an integer", "E1003"),
                Arguments.of("\"layers\":[{", "\"layers\":[7,{", "layers[0]: expected an object", "E1003"),
                Arguments.of("\"neurons\":[{", "\"neurons\":[7,{", "cores[0].neurons[0]: expected an object", "E1003"),
                Arguments.of("\"axons\":[{", "\"axons\":[7,{", "cores[0].axons[0]: expected an object", "E1003"),
                Arguments.of("\"synapses\":[{", "\"synapses\":[7,{", "cores[0].synapses[0]: expected an object",
                        "E1003"),
                Arguments.of("\"input_routes\":[{", "\"input_routes\":[7,{", "input_routes[0]: expected an object",
                        "E1003"),
                Arguments.of("\"cores\":[{", "\"cores\":[7,{", "cores[0]: expected an object", "E1003"),
                Arguments.of("}}],\"gates\":[]", "}}],\"gates\":[7]",
                        "cores[0].gates[0]: expected an object", "E1003"),
                Arguments.of("\"neurons\":[{", "\"neurons\":[{\"layer\":\"p\",\"first\":0,\"count\":1,\"threshold\":5,"
                        + "\"reset\":\"subtract\",\"weight_exponent\":0,\"bias\":{\"per\":\"neuron\",\"exponent\":0,"
                        + "\"mantissas\":[0]},\"replica\":true},{", "cores[0].neurons: 'p' neurons [0, 1) are held twice by "
                        + "core 0, at least once as replicas", "E1004"));
    }

    @ParameterizedTest(name = "{2} [{3}]")
    @MethodSource("corruptions")
    void isRejectedWithItsProblemNamed(String valid, String corrupt, String expected, String code) {
        assertRejected(edit(VALID, valid, corrupt), expected, code);
    }

    /** Version 2's boxes, edited in LeNet as snnc compile emits it: the loader names the box and what is wrong. */
    static Stream<Arguments> boxCorruptions() {
        return Stream.of(
                Arguments.of("\"rows\" : [0,13],\n      \"cols\" : [0,13],\n      \"threshold\"",
                        "\"rows\" : [0,30],\n      \"cols\" : [0,13],\n      \"threshold\"",
                        "cores[0].neurons[0].rows: [0, 30] is not a range of at least one of the 24 rows of 'n0.1_Relu'", "E1003"),
                Arguments.of("\"mantissas\" : [1064,-6102,1491,6055,13574,1984]",
                        "\"mantissas\" : [1064,-6102,1491,6055,13574]",
                        "cores[0].neurons[0].bias.mantissas: 5 mantissas for a box of 6 channels", "E1004"),
                Arguments.of("\"cols\" : [0,13],\n      \"core\" : 4", "\"cols\" : [0,13],\n      \"core\" : 0",
                        "cores[0].routes[0].core: element 0 of 'n0.1_Relu' is routed to core 0, which has no axon", "E1004"),
                Arguments.of("\"cols\" : [0,4],\n      \"axon_first\" : 255",
                        "\"cols\" : [0,4],\n      \"axon_first\" : 200,\n      \"population\" : true",
                        "cores[1].axons[1].axon_first: axons [200, 216) overlap axons [0, 255) of cores[1].axons[0]", "E1004"),
                Arguments.of("\"cols\" : [0,4],\n      \"axon_first\" : 255",
                        "\"cols\" : [0,4],\n      \"axon_first\" : 255,\n      \"population\" : 1",
                        "cores[1].axons[1].population: expected true or false, got number 1", "E1003"),
                Arguments.of("\"source\" : \"input.encoded\",\n      \"channels\"",
                        "\"source\" : \"nothing\",\n      \"channels\"",
                        "cores[0].axons[0]: 'nothing' is not the input, a population or a gate", "E1004"));
    }

    @ParameterizedTest(name = "{2} [{3}]")
    @MethodSource("boxCorruptions")
    void aCorruptBoxIsRejectedWithItsProblemNamed(String valid, String corrupt, String expected, String code)
            throws Exception {
        assertRejected(edit(lenet(), valid, corrupt), expected, code);
    }

    static String lenet() throws Exception {
        return Files.readString(Path.of(CorruptConfigurationTest.class.getResource("/lenet/config.json").toURI()));
    }

    /** {@code text} with its first {@code valid} replaced by {@code corrupt}, which must be there to replace. */
    static String edit(String text, String valid, String corrupt) {
        assertTrue(text.contains(valid), "the edit must apply: " + valid);
        return text.replaceFirst(Pattern.quote(valid), Matcher.quoteReplacement(corrupt));
    }

    /** A population no core holds is reported as such (its coverage once sorted an immutable empty list). */
    @Test
    void aPopulationOnNoCoreIsReported() {
        assertRejected(VALID.replaceFirst("\"neurons\":\\[.*?}}]", "\"neurons\":[]"),
                "tiny.json: cores: 'p' elements [0, 2) are on no core", "E1004");
    }

    /**
     * Declared sizes the emulator cannot allocate for, or whose arithmetic overflows an int, are refused by the path that
     * declares them before anything is sized from them: no OutOfMemoryError, NegativeArraySizeException or
     * ArithmeticException escapes.
     */
    static Stream<Arguments> hostileSizes() throws Exception {
        String axons = "\"axons\":[{\"source\":\"x.encoded\",\"source_first\":0,\"count\":1,\"axon_first\":0}]";
        String inputRoute = "\"count\":1,\"core\":0,\"axon_first\":0}";
        String secondNeuron = "\"first\":1,\"count\":1,\"threshold\":15,\"reset\":\"subtract\",\"weight_exponent\":0,"
                + "\"bias\":{\"per\":\"neuron\"";
        return Stream.of(
                // Consistent but for its size: the input arrives on axon 2147483000 of a core whose table has a row per axon.
                Arguments.of(edit(edit(VALID, axons, axons.replace("\"axon_first\":0", "\"axon_first\":2147483000")),
                        inputRoute, inputRoute.replace("\"axon_first\":0", "\"axon_first\":2147483000")),
                        "cores[0].axons[0].axon_first: axons 0 to 2147483000 of core 0 take the configuration to",
                        "E1005"),
                Arguments.of(edit(VALID, axons, axons.replace("\"axon_first\":0", "\"axon_first\":2147483647")),
                        "cores[0].axons[0].axon_first: axons beyond 2^31 - 1", "E1005"),
                // Consistent but for its size: 2·10^9 neurons sharing one channel's bias, within the int range.
                Arguments.of(edit(edit(VALID, "\"shape\":[2],\"cores\"", "\"shape\":[1,40000,50000],\"cores\""),
                        secondNeuron, secondNeuron.replace("\"count\":1,", "\"count\":1999999999,")
                                .replace("\"neuron\"", "\"channel\"")),
                        "layers[0].shape: the neurons of 'p' take the configuration to 2000000001 table entries, "
                                + "more than the emulator's budget", "E1005"),
                Arguments.of(edit(VALID, "\"count\":1,\"core\":0", "\"count\":2147483647,\"core\":0"),
                        "input_routes[0]: its routed elements take the configuration to", "E1005"),
                Arguments.of(edit(lenet(), "\"shape\" : [6,24,24]", "\"shape\" : [6,65536,65536]"),
                        "layers[0].shape: [6, 65536, 65536] holds more than the emulator's limit of 2147483647 elements",
                        "E1005"),
                Arguments.of(edit(lenet(), "\"shape\" : [6,24,24]", "\"shape\" : [1,65536,65536]"),
                        "layers[0].shape: [1, 65536, 65536] holds more than the emulator's limit", "E1005"),
                Arguments.of(edit(VALID, axons, axons.replace("}]", "},{\"source\":\"x.encoded\",\"source_first\":0,"
                        + "\"count\":1,\"axon_first\":1}]")), "cores[0].axons[1]: element 0 of 'x.encoded' also "
                        + "arrives on an axon of cores[0].axons[0]", "E1004"));
    }

    @ParameterizedTest(name = "{1} [{2}]")
    @MethodSource("hostileSizes")
    void aHostileSizeIsRefusedWhereItIsDeclared(String text, String expected, String code) {
        assertRejected(text, expected, code);
    }

    /**
     * A 500×500 kernel over a 1000×1000 input, half a megabyte of weights, would be 6·10^10 synapse segments on the
     * core holding its 501×501 outputs: refused by the synapse before the tables are built (which took hours).
     */
    @Test
    void aConvolutionOfMoreSegmentsThanTheHeapHoldsIsRefused() {
        String weights = String.join(",", java.util.Collections.nCopies(500 * 500, "1"));
        String whole = "\"channels\":[0,1],\"rows\":[0,%1$d],\"cols\":[0,%1$d]";
        String text = wideChipHeader(1, 40) + """
                 "input":{"name":"x","input":"x","shape":[1,1000,1000],"dtype":"u8","encoding":"analog","seed":0},
                 "layers":[{"name":"c","shape":[1,501,501],"cores":[0]}],
                 "kernels":[{"name":"k","source":"x","target":"c","input_shape":[1,1000,1000],
                   "output_shape":[1,501,501],"kernel":[500,500],"stride":[1,1],"padding":[0,0,0,0],"groups":1,
                   "exponent":0,"mantissas":[%s]}],
                 "gates":[],
                 "cores":[{"id":0,"neurons":[{"layer":"c",%s,"threshold":5,"reset":"subtract","weight_exponent":0,
                     "bias":{"per":"channel","exponent":0,"mantissas":[0]}}],
                   "gates":[],"axons":[{"source":"x",%s,"axon_first":0}],
                   "synapses":[{"kind":"conv","name":"k","source":"x","target":"c","kernel":"k"}],"routes":[]}],
                 "input_routes":[{"source":"x",%s,"core":0}],
                 "readout":{"name":"c.readout","population":"c","mode":"membrane","seed":0}}
                """.formatted(weights, whole.formatted(501), whole.formatted(1000), whole.formatted(1000));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertRejected(text,
                "tiny.json: cores[0].synapses[0]: its synapse segments take the configuration to", "E1005"));
    }

    /**
     * A 2500×2500 max-pool gate over 5000×5000 neurons, a few lines of file, would be 6·10^6 windows of 6·10^6 inputs:
     * refused by the gate box before the windows are built.
     */
    @Test
    void aGateOfMoreWindowEntriesThanTheHeapHoldsIsRefused() {
        String text = wideChipHeader(1, 40) + """
                 "input":{"name":"x","input":"x","shape":[1],"dtype":"u8","encoding":"analog","seed":0},
                 "layers":[{"name":"c","shape":[1,5000,5000],"cores":[0]}],
                 "kernels":[],
                 "gates":[{"name":"g","population":"c","shape":[1,2501,2501],"kernel":[2500,2500],"stride":[1,1],
                   "padding":[0,0,0,0],"estimator":"count"}],
                 "cores":[{"id":0,"neurons":[{"layer":"c","channels":[0,1],"rows":[0,5000],"cols":[0,5000],
                     "threshold":5,"reset":"subtract","weight_exponent":0,
                     "bias":{"per":"channel","exponent":0,"mantissas":[0]}}],
                   "gates":[{"unit":"g","channels":[0,1],"rows":[0,2501],"cols":[0,2501]}],
                   "axons":[],"synapses":[],"routes":[]}],
                 "input_routes":[],
                 "readout":{"name":"c.readout","population":"c","mode":"membrane","seed":0}}
                """;
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertRejected(text,
                "tiny.json: cores[0].gates[0]: its gate windows take the configuration to", "E1005"));
    }

    /**
     * Syntax errors are located by line:column and given a plain reason: none of Jackson's advice on its parser
     * features, its source excerpts or its internal names.
     */
    @ParameterizedTest(name = "{1} [{2}]")
    @MethodSource("garbage")
    void garbageIsRejected(String text, String expected, String code) {
        EmulatorException error = assertRejected(text, expected, code);
        for (String leak : List.of("Feature", "enable", "Source", "`", "code 1", "bound as", "START_")) {
            assertFalse(error.getMessage().contains(leak), () -> "Jackson's '" + leak + "' in: " + error.getMessage());
        }
    }

    static Stream<Arguments> garbage() {
        return Stream.of(
                Arguments.of(VALID.substring(0, VALID.length() / 2), "tiny.json:12:42: not valid JSON: unexpected end-of-input", "E1001"),
                Arguments.of("[".repeat(100_000), "not valid JSON: ", "E1001"),
                Arguments.of("{\"a\":".repeat(5000), "not valid JSON: ", "E1001"),
                Arguments.of("", "tiny.json: expected one JSON object", "E1001"),
                Arguments.of("42", "tiny.json: expected one JSON object", "E1001"),
                Arguments.of(VALID + "}", "tiny.json:20:1: not valid JSON: unexpected close marker '}'", "E1001"),
                Arguments.of(VALID + "{}", "tiny.json:20:1: not valid JSON: more text follows the JSON value", "E1001"),
                Arguments.of(edit(VALID, "\"cores\":2,", "\"cores\":NaN,"), "tiny.json:2:58: not valid JSON: non-standard token 'NaN'",
                        "E1001"),
                Arguments.of(edit(VALID, "\"network\":\"tiny\"", "'network':'tiny'"), "tiny.json:1:37: not valid JSON: "
                        + "unexpected character '''", "E1001"),
                Arguments.of(edit(VALID, "\"network\"", "/* the name */ \"network\""), "tiny.json:1:37: not valid "
                        + "JSON: unexpected character '/'", "E1001"),
                Arguments.of(edit(VALID, "\"kernels\":[]", "\"kernels\":[],\"kernels\":[]"), "not valid JSON: "
                        + "duplicate field 'kernels'", "E1001"),
                Arguments.of(edit(VALID, "\"gates\":[]", "\"gates\":[],}"), "not valid JSON: unexpected character '}'",
                        "E1001"),
                Arguments.of(edit(VALID, "\"tiny\"", "\"ti\nny\""), "tiny.json:1:", "E1001"),
                Arguments.of("{\"a\":1" + " ".repeat(10), "not valid JSON: unexpected end-of-input", "E1001"));
    }

    /**
     * The message names the problem and ends with its code; every problem line of it has a code, after the file and
     * a JSON path or line:column.
     */
    static EmulatorException assertRejected(String text, String expected, String code) {
        EmulatorException error = assertThrows(EmulatorException.class,
                () -> Chip.build(ConfigurationLoader.parse(text, "tiny.json"), "tiny.json"));
        assertTrue(error.getMessage().contains(expected), () -> "expected '" + expected + "' in:\n" + error.getMessage());
        assertTrue(error.problems().stream().anyMatch(line -> line.contains(expected) && line.endsWith(" [" + code + "]")),
                () -> "expected the code " + code + " on the problem '" + expected + "' in:\n" + error.getMessage());
        for (String line : error.problems()) {
            assertTrue(line.matches("tiny\\.json(:\\d+:\\d+)?: .* \\[E10\\d\\d]"), () -> "not located or coded: " + line);
        }
        return error;
    }

    /**
     * The start of a configuration, through {@code allocator}, for the test chip "wide": {@code cores} cores, 4-bit
     * weights and {@code registerBits}-bit saturating registers.
     */
    static String wideChipHeader(int cores, int registerBits) {
        return """
                {"format":"snnc-config","version":2,"network":"wide",
                 "chip":{"format":"snnc-chip/1","name":"wide","cores":%d,
                   "weights":{"bits":4,"exponent_min":0,"exponent_max":2},
                   "neurons":{"threshold_bits":4,"threshold_shift":0,"bias_bits":6,"bias_exponent_max":0,
                     "accumulator_bits":%d,"state_bits":%d,"overflow":"saturate","fire":"ge","resets":["subtract"]}},
                 "allocator":"greedy",
                """.formatted(cores, registerBits, registerBits);
    }
}
