package org.snnc.compiler.nir;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Tensor;

/**
 * A population of one of NIR's six neuron nodes, stepped by {@link NirConventions}. Every node's membrane takes the
 * one form {@code v ← a·v + b·(v_leak + r·u)}, element by element:
 *
 * <ul>
 *   <li>I, IF ({@code dv/dt = r·x}): u = x, a = 1, v_leak = 0, and b = dt or 1 ({@link
 *       NirConventions.IntegratorStep}).</li>
 *   <li>LI, LIF ({@code τ·dv/dt = v_leak − v + r·x}): u = x, (a, b) from τ ({@link
 *       NirConventions.Integration}).</li>
 *   <li>CubaLI, CubaLIF: first the synapse {@code I' = a_syn·I + b_syn·w_in·x}, with (a_syn, b_syn) from τ_syn, or
 *       b_syn = 1 under {@link NirConventions.SynapseInput#JUMP}; then the membrane with (a, b) from τ_mem and u = I'
 *       or u = I ({@link NirConventions.CubaCurrent}).</li>
 * </ul>
 *
 * <p>I, LI and CubaLI emit v. IF, LIF and CubaLIF emit spikes: under {@link NirConventions.Reset#SUBTRACT_DELAYED}
 * first {@code v ← v − s_prev·θ}; then {@code s = 1} (or {@code ⌊v/θ⌋} under {@link NirConventions.Spikes#MULTI})
 * where {@code v > θ} (or {@code v ≥ θ}), else 0; then the reset; then, if asked, {@code v ← max(v, −θ)}. θ is
 * v_threshold, except that a subtraction takes off {@link NirConventions#resetThresholdOf} where it is given. v
 * starts at {@link NirConventions#initialMembraneOf}.
 */
final class NirNeuron implements NirStep {

    private final boolean spiking;
    private final boolean cuba;
    private final double[] a;
    private final double[] b;
    private final double[] vLeak;
    private final double[] r;
    private final double[] aSyn;
    private final double[] bSynWeight;
    private final boolean lastCurrent;
    private final double[] threshold;
    private final double[] subtracted;
    private final double[] vReset;
    private final NirConventions conventions;
    private final NirConventions.Reset reset;
    private final double[] v;
    private final double[] current;
    private final double[] pending;

    /** The population of neuron node {@code name} with {@code size} elements; τ must be positive (E1103). */
    NirNeuron(String name, NirNode node, int size, NirConventions conventions, SourceSpan span) {
        Map<String, Tensor> fields = NirParameters.of(node);
        this.conventions = conventions;
        this.reset = conventions.resetOf(name);
        this.spiking = fields.containsKey("v_threshold");
        this.cuba = fields.containsKey("tau_syn");
        this.r = NirParameters.expand(fields.get("r"), size);
        this.vLeak = fields.containsKey("v_leak") ? NirParameters.expand(fields.get("v_leak"), size) : new double[size];
        this.a = new double[size];
        this.b = new double[size];
        String membrane = cuba ? "tau_mem" : "tau";
        if (fields.containsKey(membrane)) {
            leak(name, node, fields.get(membrane), membrane, size, a, b, span);
        } else {
            Arrays.fill(a, 1);
            Arrays.fill(b, conventions.integratorStep() == NirConventions.IntegratorStep.DT
                    ? conventions.dt() : 1);
        }
        this.aSyn = new double[size];
        this.bSynWeight = new double[size];
        if (cuba) {
            leak(name, node, fields.get("tau_syn"), "tau_syn", size, aSyn, bSynWeight, span);
            double[] weight = NirParameters.expand(fields.get("w_in"), size);
            for (int k = 0; k < size; k++) {
                double gain = conventions.synapseInput() == NirConventions.SynapseInput.JUMP ? 1 : bSynWeight[k];
                bSynWeight[k] = gain * weight[k];
            }
        }
        this.lastCurrent = conventions.cubaCurrent() == NirConventions.CubaCurrent.LAST_STEP;
        this.threshold = spiking ? NirParameters.expand(fields.get("v_threshold"), size) : null;
        OptionalDouble resetThreshold = conventions.resetThresholdOf(name);
        this.subtracted = spiking && resetThreshold.isPresent() ? filled(size, resetThreshold.getAsDouble())
                : threshold;
        this.vReset = spiking ? NirParameters.expand(fields.get("v_reset"), size) : null;
        this.v = filled(size, conventions.initialMembraneOf(name));
        this.current = new double[size];
        this.pending = new double[size];
    }

    private void leak(String name, NirNode node, Tensor tau, String field, int size, double[] decay, double[] drive,
            SourceSpan span) {
        double[] values = NirParameters.expand(tau, size);
        for (int k = 0; k < size; k++) {
            if (!(values[k] > 0) || Double.isInfinite(values[k])) {
                throw CompilationException.of(DiagnosticCode.NIR_BAD_FIELD, span, name, node.type(), field,
                        "holds " + values[k] + " at flat index " + k + "; a time constant is positive and finite");
            }
            double[] step = conventions.leak(values[k]);
            decay[k] = step[0];
            drive[k] = step[1];
        }
    }

    @Override
    public double[] apply(double[] x) {
        for (int k = 0; k < v.length; k++) {
            double u = x[k];
            if (cuba) {
                double updated = aSyn[k] * current[k] + bSynWeight[k] * x[k];
                u = lastCurrent ? current[k] : updated;
                current[k] = updated;
            }
            v[k] = a[k] * v[k] + b[k] * (vLeak[k] + r[k] * u);
        }
        return spiking ? fire() : v.clone();
    }

    private double[] fire() {
        boolean orEqual = conventions.fire() == NirConventions.Fire.GREATER_OR_EQUAL;
        boolean multi = conventions.spikes() == NirConventions.Spikes.MULTI;
        double[] spikes = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            double theta = threshold[k];
            if (reset == NirConventions.Reset.SUBTRACT_DELAYED) {
                v[k] -= pending[k] * subtracted[k];
            }
            boolean fires = orEqual ? v[k] >= theta : v[k] > theta;
            double s = fires ? (multi ? Math.floor(v[k] / theta) : 1) : 0;
            switch (reset) {
                case ZERO -> v[k] = s > 0 ? vReset[k] : v[k];
                case SUBTRACT -> v[k] -= s * subtracted[k];
                case SUBTRACT_DELAYED -> pending[k] = s;
                case NONE -> {
                }
            }
            if (conventions.floorAtMinusThreshold()) {
                v[k] = Math.max(v[k], -theta);
            }
            spikes[k] = s;
        }
        return spikes;
    }

    private static double[] filled(int size, double value) {
        double[] values = new double[size];
        Arrays.fill(values, value);
        return values;
    }

    @Override
    public Map<String, double[]> state() {
        Map<String, double[]> state = new LinkedHashMap<>();
        state.put("v", v.clone());
        if (cuba) {
            state.put("i", current.clone());
        }
        return state;
    }
}
