package org.snnc.targets;

import java.util.ArrayList;
import java.util.List;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.targets.spec.ChipSpec;

/**
 * The conversion a chip needs: the options it forces before the standard pipeline and the quantize pass run.
 */
public final class TargetPipeline {

    private TargetPipeline() {
    }

    /**
     * The conversion options for {@code chip}, with what was changed and why.
     *
     * @param options the options to convert with
     * @param notes   one line per change (a forced reset) and one warning per replaced max pooling
     */
    public record TargetOptions(ConversionOptions options, List<String> notes) {
    }

    /**
     * Adapts {@code asked} to {@code chip}: a chip with one reset mode gets it, and a max pooling on a chip without a
     * gate unit is refused (E0901) unless the options replace it by average pooling, which warns (W0902) per pooling.
     */
    public static TargetOptions adapt(ChipSpec chip, ConversionOptions asked, Graph graph) {
        ConversionOptions options = asked;
        List<String> notes = new ArrayList<>();
        if (!chip.neurons().resets().contains(asked.reset())) {
            ResetMode only = chip.neurons().resets().iterator().next();
            notes.add("note: target " + chip.name() + " resets by " + only + " only; converting with --reset " + only);
            options = asked.withReset(only);
        }
        if (!chip.features().maxPoolGate()) {
            for (Node node : graph.nodes().values()) {
                if (!(node instanceof MaxPool)) {
                    continue;
                }
                if (!asked.maxPoolToAvgPool()) {
                    throw CompilationException.of(DiagnosticCode.FEATURE_UNSUPPORTED, node.span(), "maxpool",
                            node.name(), "a max-pool gate unit", chip.name(),
                            "compile with --maxpool-to-avgpool to replace max pooling by average pooling, which "
                                    + "changes the network and costs accuracy");
                }
                notes.add(DiagnosticCode.FEATURE_REPLACED.at(node.span(), "maxpool", node.name(), "avgpool",
                        chip.name(), "--maxpool-to-avgpool changes the network; expect lower accuracy").format());
            }
        }
        return new TargetOptions(options, notes);
    }
}
