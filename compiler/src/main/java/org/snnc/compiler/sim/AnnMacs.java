package org.snnc.compiler.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Verifier;

/**
 * The multiply-accumulates one image costs the ANN, per weighted node, for ANN and spiking graphs alike:
 * <ul>
 *   <li>conv2d: F·H′·W′·(C/G)·kH·kW, the zero-padding products included;</li>
 *   <li>dense: N·units;</li>
 *   <li>avgpool: kH·kW per output element.</li>
 * </ul>
 * No other node counts (CONVENTIONS.md, "Operation counts").
 */
public final class AnnMacs {

    private AnnMacs() {
    }

    /** The MACs of every conv2d, dense and avgpool of the verified {@code graph}, in definition order. */
    public static LinkedHashMap<String, Long> perLayer(Graph graph) {
        Map<String, Shape> shapes = Verifier.verify(graph).shapes();
        LinkedHashMap<String, Long> macs = new LinkedHashMap<>();
        for (Node node : graph.nodes().values()) {
            long output = shapes.get(node.name()).size();
            if (node instanceof Conv2d conv) {
                long perOutput = (long) shapes.get(conv.input()).dim(0) / conv.groups()
                        * conv.window().kernelH() * conv.window().kernelW();
                macs.put(node.name(), output * perOutput);
            } else if (node instanceof Dense dense) {
                macs.put(node.name(), output * shapes.get(dense.input()).size());
            } else if (node instanceof AvgPool pool) {
                macs.put(node.name(), output * pool.window().kernelH() * pool.window().kernelW());
            }
        }
        return macs;
    }

    /** The sum of {@link #perLayer(Graph)}. */
    public static long total(Graph graph) {
        return perLayer(graph).values().stream().mapToLong(Long::longValue).sum();
    }
}
