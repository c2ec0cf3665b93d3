package org.snnc.compiler.nir;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.ir.Tensor;

/**
 * A dt that a graph's own parameters prove, with the reason in one sentence.
 *
 * <p>NIR stores no dt. A writer that steps {@code v ← β·v + x} (snnTorch, lava-dl) exports τ = dt/(1 − β) and
 * r = τ/dt, so that forward Euler at its dt gives back exactly its step: {@code r·dt/τ = 1} for every leaky neuron.
 * When every element of every LI, LIF, CubaLI and CubaLIF node gives the same {@code dt = τ/r} (τ_mem for the CUBA
 * nodes), within the rounding of float32 parameters, that dt is proven. Nothing is proven when every r is 1 — then
 * τ/r is τ itself, a time constant, not a step (Norse and NIR's defaults write r = 1 and τ in seconds) — nor when the
 * graph has no leaky neuron, nor when the ratios disagree.
 */
public record NirDtInference(double dt, String reason) {

    /** Six float32 roundings: τ and r are each rounded once or twice by the writer, then divided here. */
    private static final double TOLERANCE = 6 * 0x1p-24;

    /** The dt {@code graph}'s parameters prove, if they prove one. */
    public static Optional<NirDtInference> infer(NirGraph graph) {
        List<String> nodes = new ArrayList<>();
        double low = Double.POSITIVE_INFINITY;
        double high = 0;
        boolean unitResistance = true;
        int count = 0;
        for (Map.Entry<String, NirNode> entry : graph.flattened().nodes().entrySet()) {
            Map<String, Tensor> fields = NirParameters.of(entry.getValue());
            Tensor tau = fields.containsKey("tau_mem") ? fields.get("tau_mem") : fields.get("tau");
            if (tau == null) {
                continue;
            }
            Tensor r = fields.get("r");
            int size = Math.max(tau.size(), r.size());
            if (tau.size() != size && tau.size() != 1 || r.size() != size && r.size() != 1) {
                return Optional.empty();
            }
            double[] taus = NirParameters.expand(tau, size);
            double[] rs = NirParameters.expand(r, size);
            for (int k = 0; k < size; k++) {
                double ratio = taus[k] / rs[k];
                if (!(ratio > 0) || Double.isInfinite(ratio)) {
                    return Optional.empty();
                }
                low = Math.min(low, ratio);
                high = Math.max(high, ratio);
                unitResistance &= rs[k] == 1;
            }
            count += size;
            nodes.add("'" + entry.getKey() + "'");
        }
        if (count == 0 || unitResistance || high / low - 1 > TOLERANCE) {
            return Optional.empty();
        }
        double dt = Double.parseDouble(Float.toString((float) Math.sqrt(low * high)));
        return Optional.of(new NirDtInference(dt, String.format(Locale.ROOT,
                "every one of the %d leaky neurons (%s) has r·dt/τ = 1 for dt = %s s (τ/r agree within %.1e, "
                        + "float32 rounding), as a writer that folds its dt into τ and r leaves them", count,
                String.join(", ", nodes), dt, high / low - 1)));
    }
}
