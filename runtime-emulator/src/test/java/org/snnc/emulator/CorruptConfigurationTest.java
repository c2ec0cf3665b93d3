package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * Corrupt and hostile configurations, each made by one edit of a valid two-neuron one, must fail with an
 * {@link EmulatorException} naming the problem; no other exception may escape.
 */
class CorruptConfigurationTest {
    private static final String VALID = StepTest.tiny("saturate", "", "ge", "subtract", new long[] {2, 1},
            new long[] {0, 0}, new long[] {5, 15});

    static Stream<Arguments> corruptions() {
        return Stream.of(
                Arguments.of("\"format\":\"snnc-config\"", "\"format\":\"snnc-chip/1\"", "format: 'snnc-chip/1' is not"),
                Arguments.of("\"version\":1", "\"version\":3", "version: 3 is not supported"),
                Arguments.of("\"network\":\"tiny\",", "", "tiny.json: network: missing"),
                Arguments.of("\"seed\":0}", "\"seed\":\"zero\"}", "input.seed: expected an integer, got string"),
                Arguments.of("\"first\":1,", "\"first\":-1,", "cores[0].neurons[1].first: -1 must be at least 0"),
                Arguments.of("\"threshold\":5,", "\"threshold\":0,", "cores[0].neurons[0].threshold: 0 must be at least 1"),
                Arguments.of("\"threshold\":15,", "\"threshold\":16,", "cores[0].neurons[1].threshold: 16 must be at most 15"),
                Arguments.of("\"mantissas\":[2,1]", "\"mantissas\":[9,1]", "cores[0].synapses[0].mantissas[0]: 9 must be at most 7"),
                Arguments.of("\"mantissas\":[2,1]", "\"mantissas\":[2,1,3]", "rows·inputs = 2"),
                Arguments.of("\"layer\":\"p\",\"first\":1", "\"layer\":\"p\",\"first\":0", "placed on more than one core"),
                Arguments.of("\"shape\":[2],\"cores\"", "\"shape\":[1000000,1000000],\"cores\"", "more than the emulator's limit"),
                Arguments.of("\"axons\":[{\"source\":\"x.encoded\",\"source_first\":0,\"count\":1,\"axon_first\":0}]",
                        "\"axons\":[{\"source\":\"x.encoded\",\"source_first\":0,\"count\":1,\"axon_first\":0},"
                                + "{\"source\":\"x.encoded\",\"source_first\":0,\"count\":1,\"axon_first\":0}]",
                        "cores[0].axons[1].axon_first: axons [0, 1) overlap axons [0, 1) of cores[0].axons[0]"),
                Arguments.of("\"count\":1,\"core\":0", "\"count\":1,\"core\":1", "core 1 is not in the configuration"),
                Arguments.of("\"count\":1,\"core\":0", "\"count\":1,\"core\":7", "input_routes[0].core: 7 must be less than"),
                Arguments.of("\"reset\":\"subtract\"", "\"reset\":\"sideways\"", "reset: string \"sideways\" must be one of"),
                Arguments.of("\"mode\":\"membrane\"", "\"mode\":\"softmax\"", "'softmax' readout is not supported"),
                Arguments.of("\"encoding\":\"analog\"", "\"encoding\":\"poisson\"", "'poisson' input is not supported"),
                Arguments.of("\"state_bits\":6", "\"state_bits\":63", "state_bits: 63 must be at most 62"),
                Arguments.of("\"population\":\"p\"", "\"population\":\"q\"", "readout.population: 'q' is not"),
                Arguments.of("\"cores\":2,", "\"cores\":1e3,", "chip.cores: expected an integer"),
                Arguments.of("\"layers\":[{", "\"layers\":[7,{", "layers[0]: expected an object"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("corruptions")
    void isRejectedWithItsProblemNamed(String valid, String corrupt, String expected) {
        assertTrue(VALID.contains(valid), "the edit must apply: " + valid);
        assertRejected(VALID.replaceFirst(java.util.regex.Pattern.quote(valid),
                java.util.regex.Matcher.quoteReplacement(corrupt)), expected);
    }

    /** Version 2's boxes, edited in LeNet as snnc compile emits it: the loader names the box and what is wrong. */
    static Stream<Arguments> boxCorruptions() {
        return Stream.of(
                Arguments.of("\"rows\" : [0,13],\n      \"cols\" : [0,13],\n      \"threshold\"",
                        "\"rows\" : [0,30],\n      \"cols\" : [0,13],\n      \"threshold\"",
                        "cores[0].neurons[0].rows: [0, 30] is not a range of at least one of the 24 rows of 'n0.1_Relu'"),
                Arguments.of("\"mantissas\" : [1064,-6102,1491,6055,13574,1984]",
                        "\"mantissas\" : [1064,-6102,1491,6055,13574]",
                        "cores[0].neurons[0].bias.mantissas: 5 mantissas for a box of 6 channels"),
                Arguments.of("\"cols\" : [0,13],\n      \"core\" : 4", "\"cols\" : [0,13],\n      \"core\" : 0",
                        "cores[0].routes[0].core: element 0 of 'n0.1_Relu' is routed to core 0, which has no axon"),
                Arguments.of("\"cols\" : [0,4],\n      \"axon_first\" : 255",
                        "\"cols\" : [0,4],\n      \"axon_first\" : 200,\n      \"population\" : true",
                        "cores[1].axons[1].axon_first: axons [200, 216) overlap axons [0, 255) of cores[1].axons[0]"),
                Arguments.of("\"cols\" : [0,4],\n      \"axon_first\" : 255",
                        "\"cols\" : [0,4],\n      \"axon_first\" : 255,\n      \"population\" : 1",
                        "cores[1].axons[1].population: expected true or false, got number 1"),
                Arguments.of("\"source\" : \"input.encoded\",\n      \"channels\"",
                        "\"source\" : \"nothing\",\n      \"channels\"",
                        "cores[0].axons[0]: 'nothing' is not the input, a population or a gate"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("boxCorruptions")
    void aCorruptBoxIsRejectedWithItsProblemNamed(String valid, String corrupt, String expected) throws Exception {
        String lenet = Files.readString(Path.of(CorruptConfigurationTest.class.getResource("/lenet/config.json")
                .toURI()));
        assertTrue(lenet.contains(valid), "the edit must apply: " + valid);
        assertRejected(lenet.replaceFirst(java.util.regex.Pattern.quote(valid),
                java.util.regex.Matcher.quoteReplacement(corrupt)), expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("garbage")
    void garbageIsRejected(String text, String expected) {
        assertRejected(text, expected);
    }

    static Stream<Arguments> garbage() {
        return Stream.of(
                Arguments.of(VALID.substring(0, VALID.length() / 2), "not valid JSON"),
                Arguments.of("[".repeat(100_000), "not valid JSON"),
                Arguments.of("{\"a\":".repeat(5000), "not valid JSON"),
                Arguments.of("", "expected one JSON object"),
                Arguments.of("42", "expected one JSON object"),
                Arguments.of(VALID + "}", "not valid JSON"));
    }

    private static void assertRejected(String text, String expected) {
        EmulatorException error = assertThrows(EmulatorException.class,
                () -> Chip.build(ConfigurationLoader.parse(text, "tiny.json"), "tiny.json"));
        assertTrue(error.getMessage().contains(expected), () -> "expected '" + expected + "' in:\n" + error.getMessage());
    }
}
