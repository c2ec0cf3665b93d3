package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * A valid configuration (LeNet as compiled, in version 2's boxes, and a two-neuron one in version 1's runs) with one
 * value replaced by a hostile one (an extreme or negative number, another type, an empty container), at seeded random
 * places: loading and building it either succeeds or fails with an {@link EmulatorException}; no other exception or
 * error escapes.
 */
class HostileMutationTest {
    private static final int MUTATIONS = 400;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> HOSTILE = List.of(JSON.getNodeFactory().numberNode(0),
            JSON.getNodeFactory().numberNode(-1), JSON.getNodeFactory().numberNode(Integer.MAX_VALUE),
            JSON.getNodeFactory().numberNode(Integer.MAX_VALUE - 100L), JSON.getNodeFactory().numberNode(1L << 31),
            JSON.getNodeFactory().numberNode(1L << 40), JSON.getNodeFactory().numberNode(Long.MIN_VALUE),
            JSON.getNodeFactory().numberNode(1e300), JSON.getNodeFactory().numberNode(65536),
            JSON.getNodeFactory().textNode("x"), JSON.getNodeFactory().nullNode(), JSON.getNodeFactory().arrayNode(),
            JSON.getNodeFactory().objectNode(), JSON.getNodeFactory().booleanNode(true));

    /** Every value node under {@code node}, with its parent and its key or index there. */
    private record Place(JsonNode parent, String key, int index) {
    }

    private static void collect(JsonNode node, List<Place> places) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(key -> {
                places.add(new Place(object, key, -1));
                collect(object.get(key), places);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                places.add(new Place(array, null, i));
                collect(array.get(i), places);
            }
        }
    }

    static Stream<Arguments> configurations() throws Exception {
        return Stream.of(Arguments.of("lenet", CorruptConfigurationTest.lenet()),
                Arguments.of("tiny", CorruptConfigurationTest.VALID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void aHostileValueAnywhereIsAnEmulatorException(String name, String valid) throws Exception {
        Random random = new Random(13);
        for (int m = 0; m < MUTATIONS; m++) {
            JsonNode root = JSON.readTree(valid);
            List<Place> places = new ArrayList<>();
            collect(root, places);
            // Array elements (mostly the kernels' weights, the least interesting) are picked a tenth as often.
            Place place;
            do {
                place = places.get(random.nextInt(places.size()));
            } while (place.index() >= 0 && random.nextInt(10) > 0);
            JsonNode value = HOSTILE.get(random.nextInt(HOSTILE.size()));
            String where = place.key() != null ? place.key() : "[" + place.index() + "]";
            if (place.parent() instanceof ObjectNode object) {
                object.set(place.key(), value);
            } else {
                ((ArrayNode) place.parent()).set(place.index(), value);
            }
            String text = JSON.writeValueAsString(root);
            try {
                Chip.build(ConfigurationLoader.parse(text, "config.json"), "config.json");
            } catch (EmulatorException expected) {
                // A user error, as it should be.
            } catch (Throwable other) {
                fail("mutation " + m + ": " + where + " := " + value + " threw " + other, other);
            }
        }
    }
}
