package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * Configurations of 200,000 boxes of each kind load: every check and table that relates one kind of box to another
 * (routes to axon boxes, routed elements to neuron boxes) sorts or indexes them instead of comparing each with each,
 * which took minutes at this size.
 */
class ManyAxonBoxesTest {
    private static final int BOXES = 200_000;

    /** {@code "source":"unit","channels":[i,1],"rows":[0,1],"cols":[0,1]}: element i of a flat unit. */
    private static String element(String unit, int i) {
        return "\"" + (unit.equals("p") ? "layer" : "source") + "\":\"" + unit + "\",\"channels\":[" + i
                + ",1],\"rows\":[0,1],\"cols\":[0,1]";
    }

    /**
     * Two cores: core 0 holds population p of n neurons, each in its own box and sent by its own route to core 1,
     * where it arrives on its own axon box and feeds the one neuron of q; p reads the input's one element. The boxes
     * are listed in descending order, so that none is in element order.
     */
    static String oneBoxPerElement(int n) {
        StringBuilder neurons = new StringBuilder();
        StringBuilder routes = new StringBuilder();
        StringBuilder axons = new StringBuilder();
        StringBuilder weights = new StringBuilder();
        for (int i = n - 1; i >= 0; i--) {
            String separator = i == n - 1 ? "" : ",";
            neurons.append(separator).append('{').append(element("p", i)).append(",\"threshold\":5,"
                    + "\"reset\":\"subtract\",\"weight_exponent\":0,"
                    + "\"bias\":{\"per\":\"neuron\",\"exponent\":0,\"mantissas\":[1]}}");
            routes.append(separator).append('{').append(element("p.out", i)).append(",\"core\":1}");
            axons.append(separator).append('{').append(element("p.out", i)).append(",\"axon_first\":").append(i)
                    .append('}');
            weights.append(separator).append(i % 3 - 1);
        }
        return CorruptConfigurationTest.wideChipHeader(2, 30) + """
                 "input":{"name":"x.encoded","input":"x","shape":[1],"dtype":"u8","encoding":"analog","seed":0},
                 "layers":[{"name":"p","shape":[%1$d],"cores":[0]},{"name":"q","shape":[1],"cores":[1]}],
                 "kernels":[],"gates":[],
                 "cores":[{"id":0,"neurons":[%2$s],"gates":[],"axons":[{%3$s,"axon_first":0}],
                   "synapses":[{"kind":"dense","name":"h","source":"x.encoded","target":"p","rows_first":0,
                     "rows":%1$d,"inputs":1,"exponent":0,"mantissas":[%4$s]}],
                   "routes":[%5$s]},
                  {"id":1,"neurons":[{"layer":"q","channels":[0,1],"rows":[0,1],"cols":[0,1],"threshold":5,
                     "reset":"subtract","weight_exponent":0,"bias":{"per":"neuron","exponent":0,"mantissas":[0]}}],
                   "gates":[],"axons":[%6$s],
                   "synapses":[{"kind":"dense","name":"o","source":"p","target":"q","rows_first":0,
                     "rows":1,"inputs":%1$d,"exponent":0,"mantissas":[%4$s]}],
                   "routes":[]}],
                 "input_routes":[{%3$s,"core":0}],
                 "readout":{"name":"q.readout","population":"q","mode":"membrane","seed":0}}
                """.formatted(n, neurons, element("x.encoded", 0), weights, routes.toString().replace("p.out", "p"),
                axons.toString().replace("p.out", "p"));
    }

    @Test
    void twoHundredThousandBoxesOfEachKindLoad() {
        Chip chip = Chip.build(ConfigurationLoader.parse(oneBoxPerElement(BOXES), "wide.json"), "wide.json");
        assertEquals(1, chip.inputSize());
        assertEquals(1, chip.classes());
    }
}
