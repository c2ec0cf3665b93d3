package org.snnc.compiler.sim;

import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.Softmax;
import org.snnc.compiler.ir.SpikeEncoder;

/**
 * Checks that a verified graph is fully converted, so that every node between populations is a linear synapse:
 * no bias or shift is left (bias-as-current), no maxpool (maxpool-gating), no relu or softmax (to-spiking), no
 * batchnorm (fold-batchnorm), no dropout (remove-dropout); the input is read only through encoders (analog-input);
 * and the output is a readout (readout). The first violation in definition order is thrown as
 * {@link DiagnosticCode#NOT_SIMULATABLE}, naming the pass that fixes it.
 */
final class ReadinessCheck {

    private ReadinessCheck() {
    }

    static void check(Graph graph) {
        for (Node node : graph.nodes().values()) {
            String missingPass = missingPass(graph, node);
            if (missingPass != null) {
                throw CompilationException.of(DiagnosticCode.NOT_SIMULATABLE, node.span(), missingPass);
            }
        }
        Node output = graph.node(graph.output());
        if (!(output instanceof Readout)) {
            throw CompilationException.of(DiagnosticCode.NOT_SIMULATABLE, output.span(),
                    "run readout first: the output '" + output.name() + "' is not a readout");
        }
    }

    /** What must run first for {@code node} to be simulated, as a sentence, or null if nothing. */
    private static String missingPass(Graph graph, Node node) {
        String name = "'" + node.name() + "'";
        if ((node instanceof Conv2d conv && conv.bias().isPresent())
                || (node instanceof Dense dense && dense.bias().isPresent())) {
            return "run bias-as-current first: " + name + " still has a bias";
        } else if (node instanceof Affine affine && affine.shift().isPresent()) {
            return "run bias-as-current first: " + name + " still has a shift";
        } else if (node instanceof MaxPool) {
            return "run maxpool-gating first: " + name + " is still a maxpool";
        } else if (node instanceof Relu || node instanceof Softmax) {
            return "run to-spiking first: " + name + " is still a " + node.operator();
        } else if (node instanceof BatchNorm) {
            return "run fold-batchnorm first: " + name + " is still a batchnorm";
        } else if (node instanceof Dropout) {
            return "run remove-dropout first: " + name + " is still a dropout";
        } else if (!(node instanceof SpikeEncoder)
                && node.inputs().stream().anyMatch(operand -> graph.node(operand) instanceof Input)) {
            return "run analog-input first: " + name + " reads the input without an encoder";
        }
        return null;
    }
}
