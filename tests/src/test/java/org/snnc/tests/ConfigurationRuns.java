package org.snnc.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration's boxes (version 2, docs/configuration.md "Boxes") restated as runs of consecutive flat elements,
 * one per channel and row of a box, so that the properties check one plain form: neuron blocks and gate blocks with
 * {@code first} and {@code count} (a block's bias is its slice of the box's mantissas), axon blocks with
 * {@code source_first}, {@code count} and {@code axon_first}, and routes with {@code source_first}, {@code count} and
 * the {@code axon_first} of the destination's axon box that holds them. A population axon box (one axon per position,
 * the channel as the atom) becomes plain axons, one per element of the box, numbered after the core's declared axons:
 * version 1 has no atoms, and which axon numbers an element arrives on changes no result. Each of its runs keeps the
 * declared population axon of its first element as {@code declared_axon_first}, for counting the core's axons. Written from the docs, apart
 * from the emulator's loader, which does the same for its tables.
 */
final class ConfigurationRuns {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String DECLARED_AXON_FIRST = "declared_axon_first";

    private ConfigurationRuns() {
    }

    /** One row segment of a box: flat elements [first, first + count), the first at rank {@code rank} of the box. */
    private record Segment(int first, int count, int rank) {
    }

    /** A box over a unit of {@code height} × {@code width} maps. */
    private record Box(int height, int width, int c0, int channels, int y0, int rows, int x0, int cols) {

        static Box of(JsonNode node, int[] shape) {
            int height = shape.length == 3 ? shape[1] : 1;
            int width = shape.length == 3 ? shape[2] : 1;
            return new Box(height, width, node.get("channels").get(0).asInt(), node.get("channels").get(1).asInt(),
                    node.get("rows").get(0).asInt(), node.get("rows").get(1).asInt(), node.get("cols").get(0).asInt(),
                    node.get("cols").get(1).asInt());
        }

        List<Segment> segments() {
            List<Segment> segments = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < rows; y++) {
                    segments.add(new Segment(((c0 + c) * height + y0 + y) * width + x0, cols, (c * rows + y) * cols));
                }
            }
            return segments;
        }

        int rank(int element) {
            int c = element / (height * width) - c0;
            int y = element / width % height - y0;
            int x = element % width - x0;
            boolean inside = c >= 0 && c < channels && y >= 0 && y < rows && x >= 0 && x < cols;
            return inside ? (c * rows + y) * cols + x : -1;
        }
    }

    /** A copy of {@code config} with every box written as its row segments. */
    static JsonNode expand(JsonNode config) {
        Map<String, int[]> shapes = ConfigurationProperties.sourceShapes(config);
        ObjectNode expanded = config.deepCopy();
        Map<Integer, List<JsonNode>> axonBoxes = new HashMap<>();
        for (JsonNode core : config.get("cores")) {
            axonBoxes.put(core.get("id").asInt(), plainAxons(toList(core.get("axons")), shapes));
        }
        ArrayNode cores = NODES.arrayNode();
        for (JsonNode core : config.get("cores")) {
            ObjectNode copy = core.deepCopy();
            ArrayNode neurons = copy.putArray("neurons");
            for (JsonNode block : core.get("neurons")) {
                Box box = Box.of(block, shapes.get(block.get("layer").asText()));
                JsonNode bias = block.get("bias");
                boolean perChannel = bias.get("per").asText().equals("channel");
                for (Segment segment : box.segments()) {
                    ObjectNode run = NODES.objectNode().put("layer", block.get("layer").asText())
                            .put("first", segment.first()).put("count", segment.count());
                    run.set("threshold", block.get("threshold"));
                    run.set("reset", block.get("reset"));
                    run.set("weight_exponent", block.get("weight_exponent"));
                    for (String optional : List.of("replica", "decay_u", "decay_v")) {
                        if (block.has(optional)) {
                            run.set(optional, block.get(optional));
                        }
                    }
                    ObjectNode runBias = run.putObject("bias").put("per", bias.get("per").asText())
                            .put("exponent", bias.get("exponent").asInt());
                    ArrayNode mantissas = runBias.putArray("mantissas");
                    if (perChannel) {
                        mantissas.add(bias.get("mantissas").get(segment.rank() / (box.rows() * box.cols())));
                    } else {
                        for (int k = 0; k < segment.count(); k++) {
                            mantissas.add(bias.get("mantissas").get(segment.rank() + k));
                        }
                    }
                    neurons.add(run);
                }
            }
            ArrayNode gates = copy.putArray("gates");
            for (JsonNode block : core.get("gates")) {
                for (Segment segment : Box.of(block, shapes.get(block.get("unit").asText())).segments()) {
                    gates.add(NODES.objectNode().put("unit", block.get("unit").asText()).put("first", segment.first())
                            .put("count", segment.count()));
                }
            }
            ArrayNode axons = copy.putArray("axons");
            for (JsonNode block : axonBoxes.get(core.get("id").asInt())) {
                Box box = Box.of(block, shapes.get(block.get("source").asText()));
                for (Segment segment : box.segments()) {
                    ObjectNode run = NODES.objectNode().put("source", block.get("source").asText())
                            .put("source_first", segment.first()).put("count", segment.count())
                            .put("axon_first", block.get("axon_first").asInt() + segment.rank());
                    if (block.has(DECLARED_AXON_FIRST)) {
                        run.put(DECLARED_AXON_FIRST, block.get(DECLARED_AXON_FIRST).asInt()
                                + segment.rank() % (box.rows() * box.cols()));
                    }
                    axons.add(run);
                }
            }
            copy.set("routes", routes(core.get("routes"), shapes, axonBoxes));
            cores.add(copy);
        }
        expanded.set("cores", cores);
        expanded.set("input_routes", routes(config.get("input_routes"), shapes, axonBoxes));
        return expanded;
    }

    /** Each route box's segments, cut where the destination's axon boxes end, onto the axons that hold them. */
    private static ArrayNode routes(JsonNode routes, Map<String, int[]> shapes, Map<Integer, List<JsonNode>> axons) {
        ArrayNode expanded = NODES.arrayNode();
        for (JsonNode route : routes) {
            String source = route.get("source").asText();
            int core = route.get("core").asInt();
            for (Segment segment : Box.of(route, shapes.get(source)).segments()) {
                for (int e = segment.first(); e < segment.first() + segment.count(); e++) {
                    int axon = -1;
                    for (JsonNode block : axons.getOrDefault(core, List.of())) {
                        int rank = block.get("source").asText().equals(source)
                                ? Box.of(block, shapes.get(source)).rank(e) : -1;
                        if (rank >= 0) {
                            axon = block.get("axon_first").asInt() + rank;
                        }
                    }
                    // one element per route keeps the restatement simple; the checks merge nothing
                    expanded.add(NODES.objectNode().put("source", source).put("source_first", e).put("count", 1)
                            .put("core", core).put("axon_first", axon));
                }
            }
        }
        return expanded;
    }

    /** The axon boxes with each population box given plain axons, one per element, after every declared axon. */
    private static List<JsonNode> plainAxons(List<JsonNode> boxes, Map<String, int[]> shapes) {
        int next = 0;
        for (JsonNode box : boxes) {
            boolean population = box.path("population").asBoolean(false);
            Box extent = Box.of(box, shapes.get(box.get("source").asText()));
            next = Math.max(next, box.get("axon_first").asInt()
                    + (population ? extent.rows() * extent.cols() : extent.channels() * extent.rows() * extent.cols()));
        }
        List<JsonNode> plain = new ArrayList<>();
        for (JsonNode box : boxes) {
            if (box.path("population").asBoolean(false)) {
                Box extent = Box.of(box, shapes.get(box.get("source").asText()));
                ObjectNode copy = box.deepCopy();
                copy.remove("population");
                plain.add(copy.put(DECLARED_AXON_FIRST, box.get("axon_first").asInt()).put("axon_first", next));
                next += extent.channels() * extent.rows() * extent.cols();
            } else {
                plain.add(box);
            }
        }
        return plain;
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
