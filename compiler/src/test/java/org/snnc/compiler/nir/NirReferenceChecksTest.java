package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snnc.compiler.nir.NirConventions.CubaCurrent;
import org.snnc.compiler.nir.NirConventions.Fire;
import org.snnc.compiler.nir.NirConventions.Integration;
import org.snnc.compiler.nir.NirConventions.IntegratorStep;
import org.snnc.compiler.nir.NirConventions.LayerDelay;
import org.snnc.compiler.nir.NirConventions.Recurrence;
import org.snnc.compiler.nir.NirConventions.Reset;
import org.snnc.compiler.nir.NirConventions.Spikes;
import org.snnc.compiler.nir.NirConventions.SynapseInput;

/**
 * Each shared case's {@code meta.json} lists, for named conventions of the numpy reference interpreter, how many
 * entries disagree with the framework; most of them are readings that do not match. The same conventions, spelled
 * as {@link NirConventions}, give here the same counts, every one: an independent check that each option means what
 * the reference means.
 */
class NirReferenceChecksTest {

    /** A comparison key of meta.json: {@code out_1_vs_framework}, or {@code out_1_vs_node__1} naming the node. */
    private static final Pattern KEY = Pattern.compile("(.+)_vs_(framework|node_(.+))");

    /** Per case, the node that computes each framework array whose comparison names no node. */
    private static final Map<String, Map<String, String>> NODES = Map.of(
            "sinabs_iaf_cnn", Map.of("output", "y", "out_1", "1", "out_4", "4"),
            "norse_iaf_conv", Map.of("output", "out_3"),
            "norse_lifbox", Map.of("output", "out_3"),
            "snntorch_leaky_zero_nodelay", Map.of("output", "spk_3", "spk_1", "1"),
            "snntorch_leaky_subtract_default", Map.of("output", "spk_3", "spk_1", "1"),
            "snntorch_rleaky", Map.of("output", "spk_3", "spk_1", "1.lif"),
            "snntorch_synaptic", Map.of("output", "spk_3", "spk_1", "1"),
            "lavadl_cuba_dense", Map.of("output", "spk_1", "spk_0", "0_cuba"));

    static List<String> cases() {
        return NODES.keySet().stream().sorted().toList();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyRecordedMismatchCountIsReproduced(String caseName) {
        NirSharedCase c = NirSharedCase.load(caseName);
        int compared = 0;
        for (Map.Entry<String, JsonNode> check : c.meta().get("reference_checks").properties()) {
            if (!check.getValue().has("conventions")) {
                continue; // lava-dl's integer rule, computed from lava_netx.h5, not a NIR reading
            }
            NirConventions conventions = conventions(check.getValue().get("conventions"));
            for (Map.Entry<String, JsonNode> result : check.getValue().properties()) {
                Matcher key = KEY.matcher(result.getKey());
                if (!key.matches()) {
                    continue; // the conventions, or a comparison with lava-dl's integer rule
                }
                String side = key.group(1);
                String node = key.group(3) != null ? key.group(3) : side.equals("output") ? "output"
                        : NODES.get(caseName).get(side);
                String array = side.equals("output") ? NODES.get(caseName).get("output") : side;
                NirRecording run = c.run(conventions, node);
                assertEquals(result.getValue().get("mismatching_entries").asInt(),
                        NirSharedCase.mismatches(c.framework().get(array), run.output(node)),
                        caseName + " " + check.getKey() + " " + result.getKey());
                compared++;
            }
        }
        assertTrue(compared >= 2, caseName + ": only " + compared + " comparisons");
    }

    /** The reference's {@code Conventions} as {@link NirConventions}, with its graph rules (no layer delay). */
    static NirConventions conventions(JsonNode json) {
        List<String> overrides = new ArrayList<>();
        json.get("reset_overrides").forEach(pair -> overrides.add(pair.toString()));
        assertTrue(overrides.isEmpty(), "per-node resets " + overrides);
        return new NirConventions(json.get("dt").asDouble(),
                Integration.valueOf(json.get("integration").asText().toUpperCase()),
                switch (json.get("reset").asText()) {
                    case "zero" -> Reset.ZERO;
                    case "subtract" -> Reset.SUBTRACT;
                    case "subtract_delayed" -> Reset.SUBTRACT_DELAYED;
                    case "none" -> Reset.NONE;
                    default -> throw new AssertionError(json.get("reset"));
                },
                json.get("fire").asText().equals("ge") ? Fire.GREATER_OR_EQUAL : Fire.GREATER,
                Spikes.valueOf(json.get("spikes").asText().toUpperCase()),
                json.get("if_uses_dt").asBoolean() ? IntegratorStep.DT : IntegratorStep.UNIT,
                json.get("syn_input").asText().equals("jump") ? SynapseInput.JUMP : SynapseInput.INTEGRATED,
                json.get("cuba_v_uses").asText().equals("old") ? CubaCurrent.LAST_STEP : CubaCurrent.THIS_STEP,
                json.get("v_floor_at_minus_threshold").asBoolean(), Map.of(), Map.of(), Map.of(), LayerDelay.NONE,
                Recurrence.CLOSING_EDGE);
    }
}
