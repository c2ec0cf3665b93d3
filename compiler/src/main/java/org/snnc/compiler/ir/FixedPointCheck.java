package org.snnc.compiler.ir;

import java.util.Optional;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;

/** The {@link Verifier}'s invariants of a quantized network, which {@link FixedPoint} states. */
final class FixedPointCheck {

    private FixedPointCheck() {
    }

    static void check(Graph graph, DiagnosticBag bag) {
        Optional<IfNeurons> quantized = graph.nodes().values().stream()
                .filter(node -> node instanceof IfNeurons neurons && neurons.fixed().isPresent())
                .map(IfNeurons.class::cast).findFirst();
        if (quantized.isEmpty()) {
            return;
        }
        for (Node node : graph.nodes().values()) {
            if (!(node instanceof IfNeurons neurons)) {
                continue;
            }
            if (neurons.fixed().isEmpty()) {
                bag.report(DiagnosticCode.PARTLY_QUANTIZED, node.span(), node.name(), quantized.get().name());
                continue;
            }
            checkPopulation(graph, neurons, neurons.fixed().get(), bag);
        }
    }

    private static void checkPopulation(Graph graph, IfNeurons neurons, FixedPoint fixed, DiagnosticBag bag) {
        long stateMax = FixedPoint.maxSigned(fixed.stateBits());
        double threshold = neurons.threshold();
        if (threshold != Math.rint(threshold) || threshold < 1 || threshold > stateMax) {
            bag.report(DiagnosticCode.NOT_FIXED_POINT, neurons.span(), "if", neurons.name(),
                    "threshold " + threshold + " is not an integer in [1, " + stateMax + "]");
        }
        neurons.current().ifPresent(current -> checkIntegers(graph, neurons, current, 1, stateMax, bag));
        checkSynapses(graph, neurons, neurons.input(), fixed, bag);
    }

    /** Walks the synapse expression feeding {@code population} back to the populations, gates or encoder it reads. */
    private static void checkSynapses(Graph graph, IfNeurons population, String value, FixedPoint fixed,
            DiagnosticBag bag) {
        Node node = graph.nodes().get(value);
        if (node instanceof Conv2d conv) {
            checkIntegers(graph, conv, conv.weight(), 1L << fixed.weightExponent(), fixed.maxMantissa(), bag);
        } else if (node instanceof Dense dense) {
            checkIntegers(graph, dense, dense.weight(), 1L << fixed.weightExponent(), fixed.maxMantissa(), bag);
        } else if (node instanceof Add || node instanceof Flatten) {
            node.inputs().forEach(operand -> checkSynapses(graph, population, operand, fixed, bag));
        } else if (node != null) {
            bag.report(DiagnosticCode.NOT_FIXED_POINT, node.span(), node.operator(), node.name(),
                    "population '" + population.name() + "' must read it through conv2d or dense synapses");
        }
    }

    /** Every value of the tensor is {@code step}·m for an integer |m| ≤ {@code maxMultiple}. */
    private static void checkIntegers(Graph graph, Node node, ParamRef ref, long step, long maxMultiple,
            DiagnosticBag bag) {
        Tensor tensor = graph.weights().tensors().get(ref.key());
        if (tensor == null) {
            return;
        }
        for (int i = 0; i < tensor.size(); i++) {
            double multiple = tensor.get(i) / step;
            if (multiple != Math.rint(multiple) || Math.abs(multiple) > maxMultiple) {
                bag.report(DiagnosticCode.NOT_FIXED_POINT, ref.span(), node.operator(), node.name(),
                        "'" + ref.key() + "' holds " + tensor.get(i) + " at flat index " + i + ", which is not "
                                + (step == 1 ? "an integer" : "a multiple of " + step) + " within ±"
                                + maxMultiple * step);
                return;
            }
        }
    }
}
