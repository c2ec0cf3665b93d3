package org.snnc.cli;

import java.util.List;
import java.util.Locale;
import org.snnc.targets.quant.LayerQuantization;

/** The quantize pass's per-layer choices and errors, as a table for people. */
final class QuantizationTable {

    private QuantizationTable() {
    }

    static String format(List<LayerQuantization> layers) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-22s %9s %3s %6s %8s %3s %6s %8s  %s%n",
                "layer", "θ", "e", "w bits", "w error", "k", "b bits", "b error", "θ limited by"));
        for (LayerQuantization layer : layers) {
            table.append(String.format(Locale.ROOT, "%-22s %9d %3d %6d %7.3f%% %3d %6d %7.3f%%  %s%s%n",
                    layer.population(), layer.threshold(), layer.weightExponent(), layer.weightBits(),
                    100 * layer.weightError(), layer.biasExponent(), layer.biasBits(), 100 * layer.biasError(),
                    layer.limitedBy(), layer.clipped() ? " (clipped)" : ""));
            layer.warnings().forEach(warning -> table.append("  ").append(warning).append('\n'));
        }
        return table.toString();
    }
}
