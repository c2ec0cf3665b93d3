package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * A configuration of 250,000 axon boxes, each routed from the input by its own route, loads: the route and axon checks
 * sort and sweep instead of comparing every route with every axon box (which took minutes at this size).
 */
class ManyAxonBoxesTest {
    private static final int BOXES = 250_000;

    /** One core whose one neuron reads each of the input's n elements on its own axon, each axon its own box. */
    static String oneAxonPerBox(int n) {
        StringBuilder axons = new StringBuilder();
        StringBuilder routes = new StringBuilder();
        StringBuilder mantissas = new StringBuilder();
        // Reversed, so that neither the axon boxes nor the routes are listed in element order.
        for (int i = n - 1; i >= 0; i--) {
            String box = "\"source\":\"x.encoded\",\"channels\":[" + i + ",1],\"rows\":[0,1],\"cols\":[0,1]";
            axons.append(axons.length() == 0 ? "" : ",").append('{').append(box).append(",\"axon_first\":").append(i)
                    .append('}');
            routes.append(routes.length() == 0 ? "" : ",").append('{').append(box).append(",\"core\":0}");
            mantissas.append(i == n - 1 ? "" : ",").append(i % 3 - 1);
        }
        return """
                {"format":"snnc-config","version":2,"network":"wide",
                 "chip":{"format":"snnc-chip/1","name":"wide","cores":1,
                   "weights":{"bits":4,"exponent_min":0,"exponent_max":2},
                   "neurons":{"threshold_bits":4,"threshold_shift":0,"bias_bits":6,"bias_exponent_max":0,
                     "accumulator_bits":30,"state_bits":30,"overflow":"saturate","fire":"ge","resets":["subtract"]}},
                 "allocator":"greedy",
                 "input":{"name":"x.encoded","input":"x","shape":[%d],"dtype":"u8","encoding":"analog","seed":0},
                 "layers":[{"name":"p","shape":[1],"cores":[0]}],
                 "kernels":[],"gates":[],
                 "cores":[{"id":0,"neurons":[{"layer":"p","channels":[0,1],"rows":[0,1],"cols":[0,1],"threshold":5,
                     "reset":"subtract","weight_exponent":0,"bias":{"per":"neuron","exponent":0,"mantissas":[0]}}],
                   "gates":[],"axons":[%s],
                   "synapses":[{"kind":"dense","name":"h","source":"x.encoded","target":"p","rows_first":0,
                     "rows":1,"inputs":%d,"exponent":0,"mantissas":[%s]}],
                   "routes":[]}],
                 "input_routes":[%s],
                 "readout":{"name":"p.readout","population":"p","mode":"membrane","seed":0}}
                """.formatted(n, axons, n, mantissas, routes);
    }

    @Test
    void aQuarterMillionAxonBoxesLoad() {
        Chip chip = Chip.build(ConfigurationLoader.parse(oneAxonPerBox(BOXES), "wide.json"), "wide.json");
        assertEquals(BOXES, chip.inputSize());
        assertEquals(1, chip.classes());
    }
}
