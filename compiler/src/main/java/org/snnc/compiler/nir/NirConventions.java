package org.snnc.compiler.nir;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Every choice a reader makes when it steps NIR's continuous-time neurons in discrete time. NIR states its neurons as
 * differential equations and leaves the step rule, the reset and the unit of time to each framework; the frameworks
 * differ, and a file does not say which one wrote it (nor with which dt). Each choice is named here, with the
 * equation it selects; {@link Flavor} bundles the choices of each known writer.
 *
 * <p>Notation: one step advances time by {@code dt}; {@code x} is the node's summed input of this step, {@code v}
 * its membrane, {@code I} its synaptic current, {@code θ} its threshold, {@code s} the spikes it emits.
 *
 * @param dt              seconds per step, used by every leaky node (LI, LIF, CubaLI, CubaLIF), by Delay, and by I
 *                        and IF under {@link IntegratorStep#DT}
 * @param integration     how a leak {@code τ·dv/dt = v_leak − v + r·x} becomes a step
 * @param reset           what a spike does to the membrane, for every spiking node not in {@code resetOverrides}
 * @param fire            the spike condition
 * @param spikes          how many spikes one step may emit
 * @param integratorStep  whether I and IF scale their input by dt
 * @param synapseInput    how a CUBA synapse takes its input
 * @param cubaCurrent     which synaptic current the CUBA membrane integrates
 * @param floorAtMinusThreshold after the reset, {@code v ← max(v, −θ)} (sinabs' {@code min_v_mem = −θ})
 * @param resetOverrides  a reset for single nodes (flattened names), overriding {@code reset}
 * @param initialMembranes the membrane v0 that single nodes (flattened names) start from, instead of 0
 * @param resetThresholds the θ that a spike of a single node (flattened name) subtracts, instead of its
 *                        v_threshold: snnc writes v_threshold just below its θ so that NIR's v &gt; v_threshold is
 *                        its v ≥ θ, and subtracts θ itself
 * @param layerDelay      whether each neuron node's output reaches its successors one step late
 * @param recurrence      which edge of a cycle carries the previous step's value
 */
public record NirConventions(double dt, Integration integration, Reset reset, Fire fire, Spikes spikes,
        IntegratorStep integratorStep, SynapseInput synapseInput, CubaCurrent cubaCurrent,
        boolean floorAtMinusThreshold, Map<String, Reset> resetOverrides, Map<String, Double> initialMembranes,
        Map<String, Double> resetThresholds, LayerDelay layerDelay, Recurrence recurrence) {

    /** How {@code τ·dv/dt = v_leak − v + r·x} is advanced by one step: {@code v ← a·v + b·(v_leak + r·x)}. */
    public enum Integration {
        /** Forward Euler: {@code a = 1 − dt/τ}, {@code b = dt/τ}. NIR's text read literally; snnTorch, Norse, Lava. */
        EULER,
        /** Exact for an input held over the step (zero-order hold): {@code a = e^(−dt/τ)}, {@code b = 1 − a}. */
        EXACT
    }

    /** What a step that emits {@code s} spikes does to the membrane {@code v} (after the spike test). */
    public enum Reset {
        /** {@code v ← v_reset} where {@code s > 0}: NIR's text. */
        ZERO,
        /** {@code v ← v − s·θ}. */
        SUBTRACT,
        /**
         * {@code v ← v − s·θ} applied at the start of the next step, before its spike test: the membrane a step
         * leaves behind is the one that spiked (snnTorch's {@code reset_delay=True}, its default).
         */
        SUBTRACT_DELAYED,
        /** The membrane is left as it is. */
        NONE
    }

    /** The spike condition. */
    public enum Fire {
        /** {@code v > θ}: NIR's text (a Heaviside with H(0) = 0). */
        GREATER,
        /** {@code v ≥ θ}: sinabs. */
        GREATER_OR_EQUAL
    }

    /** How many spikes one neuron may emit in one step. */
    public enum Spikes {
        /** {@code s ∈ {0, 1}}. */
        BINARY,
        /** {@code s = ⌊v/θ⌋} where the spike condition holds, else 0; each spike is one θ for the reset (sinabs). */
        MULTI
    }

    /** How I and IF ({@code dv/dt = r·x}) take one step. */
    public enum IntegratorStep {
        /** {@code v ← v + r·x}: one step is one unit of time (Norse's IAF, sinabs). */
        UNIT,
        /** {@code v ← v + dt·r·x}: forward Euler on NIR's text. */
        DT
    }

    /** How a CUBA synapse ({@code τ_syn·dI/dt = −I + w_in·x}) takes its input. */
    public enum SynapseInput {
        /** By {@link #integration}: {@code I ← a_syn·I + b_syn·w_in·x}. */
        INTEGRATED,
        /** Decayed, then the input added whole: {@code I ← a_syn·I + w_in·x} (Norse's LIFCell). */
        JUMP
    }

    /** Which synaptic current the CUBA membrane {@code τ_mem·dv/dt = v_leak − v + r·I} integrates in a step. */
    public enum CubaCurrent {
        /** The current this step's synapse update produced (snnTorch, Norse, Lava). */
        THIS_STEP,
        /** The current before this step's update: both equations forward Euler from the same state. */
        LAST_STEP
    }

    /** Whether neuron layers are pipelined. */
    public enum LayerDelay {
        /** Within a step, every forward edge delivers this step's value. */
        NONE,
        /**
         * Every edge leaving a neuron node (I, IF, LI, LIF, CubaLI, CubaLIF) delivers the value the node emitted one
         * step earlier (zero at the first step), so a node sees its input one step later per neuron layer upstream:
         * lava-dl's {@code delay_shift}, and a chip that pipelines its layers. A back edge out of a neuron node
         * carries that one step only (the value the node emits this step, which it computed in the previous one), as
         * a chip's route from a population back to itself delivers in the next step.
         */
        ONE_STEP_PER_NEURON_LAYER
    }

    /**
     * Which edge of a cycle carries the previous step's value (a <em>back edge</em>, 0 at the first step), the others
     * this step's. The cycle is found by a depth-first search from the Input nodes that follows the edges in file
     * order ({@link NirSchedule}).
     */
    public enum Recurrence {
        /**
         * The edge that closes the cycle in that search: NIR's reference interpreter. For snnTorch's RLeaky
         * ({@code lif → w_rec → lif}) that is {@code w_rec → lif}, so the recurrent Affine's bias is missing at the
         * first step.
         */
        CLOSING_EDGE,
        /**
         * The cycle's edge out of its neuron node nearest before the closing edge (the closing edge itself if the
         * cycle has no neuron node): the neuron's previous output passes through the rest of the cycle in this step,
         * {@code W_rec·s[t−1] + b_rec}, as snnTorch's recurrent layers compute it (the bias counts from the first
         * step).
         */
        NEURON_OUTPUT
    }

    /** The writers whose conventions are known, by the name the command line uses. */
    public enum Flavor {
        /**
         * snnTorch's {@code export_to_nir}: dt = 1e-4 folded into τ and r (r·dt/τ = 1), so Euler gives
         * {@code v ← β·v + x}; v > θ; the default reset subtracts θ one step late ({@code reset_delay=True}) although
         * the file always says v_reset = 0; a Synaptic membrane integrates this step's current; a recurrent layer
         * delays its neuron's spikes ({@link Recurrence#NEURON_OUTPUT}).
         */
        SNNTORCH("snntorch", 1e-4, Double.NaN),
        /**
         * Norse's {@code to_nir}: τ in seconds stepped with Norse's dt = 1e-3 by Euler; v > θ; reset to v_reset;
         * the IAF integrates {@code v ← v + x} without dt; a LIFCell's synapse takes its input whole (jump) and the
         * membrane integrates that new current.
         */
        NORSE("norse", 1e-3, Double.NaN),
        /**
         * sinabs' {@code to_nir}: steps as the unit of time (dt = 1), exact decay {@code e^(−1/τ)}; several spikes
         * per step, {@code ⌊v/θ⌋} when v ≥ θ, each subtracting θ; then v is floored at −θ ({@code min_v_mem}).
         */
        SINABS("sinabs", 1.0, Double.NaN),
        /**
         * lava-dl through NIR's lava bridge: dt = 1e-4 folded into τ, r and w_in; Euler; v > θ; reset to zero; and
         * the one-step axon delay of each block ({@code delay_shift}), which the file does not store.
         */
        LAVA("lava", 1e-4, 4096),
        /** NIR's own text: Euler on every equation (I and IF too), v > θ, reset to v_reset; dt must be given. */
        NIR_TEXT("nir-text", Double.NaN, Double.NaN),
        /**
         * snnc's {@link NirExporter}: steps as the unit of time (dt = 1), {@code v ← v + r·x}, v > the file's
         * v_threshold (written just below snnc's θ so that this is snnc's v ≥ θ), every node each step (snnc's sync
         * schedule), a recurrent edge out of its population delayed one step. Its graph metadata ({@link SnncMetadata})
         * holds what NIR does not: each population's reset (subtraction unless the metadata says zero), θ, v0 and
         * fixed-point arithmetic, and the IR's names, input, readout and operators; the importer restores the IR from
         * it.
         */
        SNNC("snnc", 1.0, Double.NaN);

        /** The graph metadata entry that names the flavor of a graph's writer; snnc's exporter writes {@code snnc}. */
        public static final String METADATA_KEY = "snnc_flavor";

        private final String cliName;
        private final double dt;
        private final double fixedPointScale;

        Flavor(String cliName, double dt, double fixedPointScale) {
            this.cliName = cliName;
            this.dt = dt;
            this.fixedPointScale = fixedPointScale;
        }

        /**
         * Membrane LSBs per NIR unit of the writer's own integer arithmetic, when it has one: lava-dl's fixed point
         * holds v in units of 1/4096 of NIR's, its weights on lava-dl's grid then being integers. A chip compile pins
         * every population's scale to it ({@code QuantizeOptions.pinnedScale}) to reproduce those integers.
         */
        public OptionalDouble fixedPointScale() {
            return Double.isNaN(fixedPointScale) ? OptionalDouble.empty() : OptionalDouble.of(fixedPointScale);
        }

        /** The name on the command line, e.g. {@code nir-text}. */
        public String cliName() {
            return cliName;
        }

        /** The writer's own dt, if it has one. */
        public OptionalDouble dt() {
            return Double.isNaN(dt) ? OptionalDouble.empty() : OptionalDouble.of(dt);
        }

        /** The flavor called {@code name} ({@link #cliName}), case-insensitive. */
        public static Flavor named(String name) {
            for (Flavor flavor : values()) {
                if (flavor.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                    return flavor;
                }
            }
            throw new IllegalArgumentException("unknown NIR flavor '" + name + "'; known: "
                    + Arrays.stream(values()).map(Flavor::cliName).collect(Collectors.joining(", ")));
        }

        @Override
        public String toString() {
            return cliName;
        }
    }

    public NirConventions {
        if (!(dt > 0) || Double.isInfinite(dt)) {
            throw new IllegalArgumentException("dt is a positive number of seconds, got " + dt);
        }
        if (integration == null || reset == null || fire == null || spikes == null || integratorStep == null
                || synapseInput == null || cubaCurrent == null || layerDelay == null || recurrence == null) {
            throw new IllegalArgumentException("every convention needs a value");
        }
        resetOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(resetOverrides));
        initialMembranes = Collections.unmodifiableMap(new LinkedHashMap<>(initialMembranes));
        resetThresholds = Collections.unmodifiableMap(new LinkedHashMap<>(resetThresholds));
    }

    /** The conventions of {@code flavor} at its own dt; {@link Flavor#NIR_TEXT} has none and needs {@link #of}. */
    public static NirConventions of(Flavor flavor) {
        return of(flavor, OptionalDouble.empty());
    }

    /**
     * The conventions of {@code flavor} at {@code dt}, or at the flavor's own dt when {@code dt} is empty.
     *
     * @throws IllegalArgumentException if neither gives a dt
     */
    public static NirConventions of(Flavor flavor, OptionalDouble dt) {
        double step = dt.isPresent() ? dt.getAsDouble() : flavor.dt().orElseThrow(
                () -> new IllegalArgumentException("flavor " + flavor + " has no dt of its own: give one"));
        NirConventions text = new NirConventions(step, Integration.EULER, Reset.ZERO, Fire.GREATER, Spikes.BINARY,
                IntegratorStep.DT, SynapseInput.INTEGRATED, CubaCurrent.THIS_STEP, false, Map.of(), Map.of(), Map.of(),
                LayerDelay.NONE, Recurrence.CLOSING_EDGE);
        return switch (flavor) {
            case NIR_TEXT -> text;
            case SNNTORCH -> text.withReset(Reset.SUBTRACT_DELAYED).withIntegratorStep(IntegratorStep.UNIT)
                    .withRecurrence(Recurrence.NEURON_OUTPUT);
            case NORSE -> text.withIntegratorStep(IntegratorStep.UNIT).withSynapseInput(SynapseInput.JUMP);
            case SINABS -> text.withIntegration(Integration.EXACT).withReset(Reset.SUBTRACT)
                    .withFire(Fire.GREATER_OR_EQUAL).withSpikes(Spikes.MULTI).withIntegratorStep(IntegratorStep.UNIT)
                    .withFloorAtMinusThreshold(true);
            case LAVA -> text.withIntegratorStep(IntegratorStep.UNIT)
                    .withLayerDelay(LayerDelay.ONE_STEP_PER_NEURON_LAYER);
            case SNNC -> text.withReset(Reset.SUBTRACT).withIntegratorStep(IntegratorStep.UNIT)
                    .withRecurrence(Recurrence.NEURON_OUTPUT);
        };
    }

    /**
     * The conventions of {@code flavor} at {@code dt} (or its own) for {@code graph}. Only {@link Flavor#SNNC} reads
     * the graph: each population that its metadata records ({@link SnncMetadata#POPULATION_KEY}) resets as the
     * record says, starts at the record's v0 and subtracts the record's θ.
     *
     * @throws IllegalArgumentException if a record is malformed
     */
    public static NirConventions of(Flavor flavor, OptionalDouble dt, NirGraph graph) {
        NirConventions conventions = of(flavor, dt);
        if (flavor != Flavor.SNNC) {
            return conventions;
        }
        for (Map.Entry<String, String> entry : graph.metadata().entrySet()) {
            if (entry.getKey().startsWith(SnncMetadata.POPULATION_KEY)) {
                String node = entry.getKey().substring(SnncMetadata.POPULATION_KEY.length());
                Map<String, String> record = SnncMetadata.fields(entry.getValue());
                Reset reset = switch (String.valueOf(record.get("reset"))) {
                    case "subtract" -> Reset.SUBTRACT;
                    case "zero" -> Reset.ZERO;
                    default -> throw new IllegalArgumentException("population '" + node + "': no reset in '"
                            + entry.getValue() + "'");
                };
                conventions = conventions.withResetOf(node, reset)
                        .withInitialMembraneOf(node, Double.parseDouble(record.getOrDefault("v0", "0")))
                        .withResetThresholdOf(node, Double.parseDouble(record.getOrDefault("threshold", "NaN")));
            }
        }
        return conventions;
    }

    /** The reset of node {@code name}: its override, else {@link #reset}. */
    public Reset resetOf(String name) {
        return resetOverrides.getOrDefault(name, reset);
    }

    /** The membrane v0 that node {@code name} starts from: its entry in {@link #initialMembranes}, else 0. */
    public double initialMembraneOf(String name) {
        return initialMembranes.getOrDefault(name, 0.0);
    }

    /** The θ a spike of node {@code name} subtracts, if {@link #resetThresholds} gives one (else its v_threshold). */
    public OptionalDouble resetThresholdOf(String name) {
        Double theta = resetThresholds.get(name);
        return theta == null ? OptionalDouble.empty() : OptionalDouble.of(theta);
    }

    /**
     * The one-step coefficients {@code (a, b)} of a leak with time constant {@code tau}, {@code v ← a·v + b·u}, by
     * {@link #integration}.
     */
    double[] leak(double tau) {
        double ratio = dt / tau;
        if (integration == Integration.EULER) {
            return new double[] {1 - ratio, ratio};
        }
        double a = Math.exp(-ratio);
        return new double[] {a, 1 - a};
    }

    public NirConventions withDt(double newDt) {
        return new NirConventions(newDt, integration, reset, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    public NirConventions withIntegration(Integration value) {
        return new NirConventions(dt, value, reset, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    public NirConventions withReset(Reset value) {
        return new NirConventions(dt, integration, value, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    public NirConventions withFire(Fire value) {
        return new NirConventions(dt, integration, reset, value, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    public NirConventions withSpikes(Spikes value) {
        return new NirConventions(dt, integration, reset, fire, value, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    public NirConventions withIntegratorStep(IntegratorStep value) {
        return new NirConventions(dt, integration, reset, fire, spikes, value, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    public NirConventions withSynapseInput(SynapseInput value) {
        return new NirConventions(dt, integration, reset, fire, spikes, integratorStep, value, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    public NirConventions withCubaCurrent(CubaCurrent value) {
        return new NirConventions(dt, integration, reset, fire, spikes, integratorStep, synapseInput, value,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    public NirConventions withFloorAtMinusThreshold(boolean value) {
        return new NirConventions(dt, integration, reset, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                value, resetOverrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    /** These conventions with node {@code node} reset by {@code value}, whatever {@link #reset} says. */
    public NirConventions withResetOf(String node, Reset value) {
        Map<String, Reset> overrides = new LinkedHashMap<>(resetOverrides);
        overrides.put(node, value);
        return new NirConventions(dt, integration, reset, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, overrides, initialMembranes, resetThresholds, layerDelay, recurrence);
    }

    /** These conventions with node {@code node} starting from v0 = {@code value}. */
    public NirConventions withInitialMembraneOf(String node, double value) {
        Map<String, Double> membranes = new LinkedHashMap<>(initialMembranes);
        membranes.put(node, value);
        return new NirConventions(dt, integration, reset, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, membranes, resetThresholds, layerDelay, recurrence);
    }

    /** These conventions with a spike of node {@code node} subtracting {@code theta} instead of its v_threshold. */
    public NirConventions withResetThresholdOf(String node, double theta) {
        if (!(theta > 0)) {
            throw new IllegalArgumentException("the θ a spike of '" + node + "' subtracts is positive, got " + theta);
        }
        Map<String, Double> thresholds = new LinkedHashMap<>(resetThresholds);
        thresholds.put(node, theta);
        return new NirConventions(dt, integration, reset, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, thresholds, layerDelay, recurrence);
    }

    public NirConventions withLayerDelay(LayerDelay value) {
        return new NirConventions(dt, integration, reset, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, value, recurrence);
    }

    public NirConventions withRecurrence(Recurrence value) {
        return new NirConventions(dt, integration, reset, fire, spikes, integratorStep, synapseInput, cubaCurrent,
                floorAtMinusThreshold, resetOverrides, initialMembranes, resetThresholds, layerDelay, value);
    }

    /** Every choice in one line, for a report: {@code dt = 1.0E-4 s, integration = EULER, ...}. */
    public String describe() {
        StringBuilder text = new StringBuilder("dt = " + dt + " s, integration = " + integration + ", reset = "
                + reset + ", fire = " + fire + ", spikes = " + spikes + ", I/IF step = " + integratorStep
                + ", CUBA synapse input = " + synapseInput + ", CUBA membrane current = " + cubaCurrent
                + ", floor at -threshold = " + floorAtMinusThreshold + ", layer delay = " + layerDelay
                + ", recurrence = " + recurrence);
        resetOverrides.forEach((node, value) -> text.append(", reset of '").append(node).append("' = ").append(value));
        initialMembranes.forEach((node, value) -> text.append(", v0 of '").append(node).append("' = ").append(value));
        resetThresholds.forEach((node, value) -> text.append(", θ subtracted by '").append(node).append("' = ")
                .append(value));
        return text.toString();
    }
}
