package org.snnc.compiler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.snnc.compiler.sim.SpikingNets.filled;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Graph;

/** ANN MACs worked out by hand from the formulas of {@link AnnMacs}. */
class AnnMacsTest {

    @Test
    void countsConvolutionDenseAndAveragePoolingOnly() {
        Graph graph = SpikingNets.parse("""
                network macs
                input x: f32[4,6,6]
                padded = conv2d(x, filters=3, kernel=3, padding=1, weight="padded.w", bias="padded.b")
                grouped = conv2d(x, filters=6, kernel=3, groups=2, weight="grouped.w")
                r = relu(grouped)
                pool = avgpool(x, kernel=2)
                f = flatten(pool)
                d = dense(f, units=5, weight="d.w")
                output s = softmax(d)
                """)
                .weight("padded.w", filled(1, 3, 4, 3, 3))
                .weight("padded.b", filled(1, 3))
                .weight("grouped.w", filled(1, 6, 2, 3, 3))
                .weight("d.w", filled(1, 5, 36))
                .build();
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("padded", 3L * 6 * 6 * 4 * 3 * 3);  // F·H′·W′·C·kH·kW with the padding products: 3888
        expected.put("grouped", 6L * 4 * 4 * 2 * 3 * 3); // C/G = 2 input channels per filter: 1728
        expected.put("pool", 4L * 3 * 3 * 2 * 2);        // kH·kW per output element: 144
        expected.put("d", 36L * 5);                      // inputs · units: 180
        assertEquals(expected, AnnMacs.perLayer(graph));
        assertEquals(3888 + 1728 + 144 + 180, AnnMacs.total(graph));
    }
}
