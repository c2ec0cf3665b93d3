package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.snnc.compiler.nir.NirGraphs.chain;
import static org.snnc.compiler.nir.NirGraphs.scalar;
import static org.snnc.compiler.nir.NirGraphs.vector;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.nir.NirConventions.CubaCurrent;
import org.snnc.compiler.nir.NirConventions.Fire;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.nir.NirConventions.Integration;
import org.snnc.compiler.nir.NirConventions.IntegratorStep;
import org.snnc.compiler.nir.NirConventions.LayerDelay;
import org.snnc.compiler.nir.NirConventions.Recurrence;
import org.snnc.compiler.nir.NirConventions.Reset;
import org.snnc.compiler.nir.NirConventions.Spikes;
import org.snnc.compiler.nir.NirConventions.SynapseInput;

/** The flavors' presets as their writers step, refinements, and what a graph's parameters prove about dt. */
class NirConventionsTest {

    @Test
    void presetsSayWhatEachWriterDoes() {
        NirConventions snntorch = NirConventions.of(Flavor.SNNTORCH);
        assertEquals(1e-4, snntorch.dt());
        assertEquals(Reset.SUBTRACT_DELAYED, snntorch.reset());
        assertEquals(Fire.GREATER, snntorch.fire());
        assertEquals(Recurrence.NEURON_OUTPUT, snntorch.recurrence());
        NirConventions norse = NirConventions.of(Flavor.NORSE);
        assertEquals(1e-3, norse.dt());
        assertEquals(Reset.ZERO, norse.reset());
        assertEquals(IntegratorStep.UNIT, norse.integratorStep());
        assertEquals(SynapseInput.JUMP, norse.synapseInput());
        NirConventions sinabs = NirConventions.of(Flavor.SINABS);
        assertEquals(1.0, sinabs.dt());
        assertEquals(Integration.EXACT, sinabs.integration());
        assertEquals(Spikes.MULTI, sinabs.spikes());
        assertEquals(Fire.GREATER_OR_EQUAL, sinabs.fire());
        assertTrue(sinabs.floorAtMinusThreshold());
        NirConventions lava = NirConventions.of(Flavor.LAVA);
        assertEquals(LayerDelay.ONE_STEP_PER_NEURON_LAYER, lava.layerDelay());
        assertEquals(Reset.ZERO, lava.reset());
        NirConventions text = NirConventions.of(Flavor.NIR_TEXT, OptionalDouble.of(0.5));
        assertEquals(0.5, text.dt());
        assertEquals(IntegratorStep.DT, text.integratorStep());
        assertEquals(Integration.EULER, text.integration());
        assertEquals(CubaCurrent.THIS_STEP, text.cubaCurrent());
        assertEquals(Recurrence.CLOSING_EDGE, text.recurrence());
        assertThrows(IllegalArgumentException.class, () -> NirConventions.of(Flavor.NIR_TEXT));
    }

    @Test
    void flavorsByNameAndRefinements() {
        assertEquals(Flavor.NIR_TEXT, Flavor.named("nir-text"));
        assertEquals(Flavor.LAVA, Flavor.named("Lava"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Flavor.named("loihi"));
        assertTrue(unknown.getMessage().contains("snntorch, norse, sinabs, lava, nir-text"), unknown.getMessage());
        NirConventions refined = NirConventions.of(Flavor.SNNTORCH, OptionalDouble.of(1e-3)).withReset(Reset.ZERO)
                .withResetOf("3", Reset.SUBTRACT);
        assertEquals(1e-3, refined.dt());
        assertEquals(Reset.ZERO, refined.resetOf("1"));
        assertEquals(Reset.SUBTRACT, refined.resetOf("3"));
        assertEquals(Reset.SUBTRACT_DELAYED, NirConventions.of(Flavor.SNNTORCH).reset(), "presets stay as they were");
        assertTrue(refined.describe().contains("reset of '3' = SUBTRACT"), refined.describe());
        assertThrows(IllegalArgumentException.class, () -> refined.withDt(0));
    }

    @Test
    void snntorchAndLavaFilesProveTheirDt() {
        for (String name : List.of("snntorch_leaky_zero_nodelay", "snntorch_rleaky", "snntorch_synaptic",
                "lavadl_cuba_dense")) {
            Optional<NirDtInference> inferred = NirDtInference.infer(NirSharedCase.load(name).graph());
            assertTrue(inferred.isPresent(), name);
            assertEquals(1e-4, inferred.get().dt(), name);
            assertTrue(inferred.get().reason().contains("r·dt/τ = 1 for dt = 1.0E-4 s"), inferred.get().reason());
        }
    }

    @Test
    void norseAndStepWritersProveNoDt() {
        for (String name : List.of("norse_lifbox", "norse_iaf_conv", "sinabs_iaf_cnn")) {
            assertEquals(Optional.empty(), NirDtInference.infer(NirSharedCase.load(name).graph()), name);
        }
    }

    @Test
    void unitResistanceProvesNothingEvenWithOneTimeConstant() {
        NirNode.LIF norseLike = new NirNode.LIF(scalar(0.01), scalar(1), scalar(0), scalar(1), scalar(0));
        assertFalse(NirDtInference.infer(chain(List.of(2), norseLike)).isPresent());
        NirNode.LIF folded = new NirNode.LIF(vector(2e-3, 5e-3), vector(20, 50), scalar(0), scalar(1), scalar(0));
        assertEquals(1e-4, NirDtInference.infer(chain(List.of(2), folded)).orElseThrow().dt());
        NirNode.LIF disagreeing = new NirNode.LIF(vector(2e-3, 5e-3), vector(20, 25), scalar(0), scalar(1),
                scalar(0));
        assertFalse(NirDtInference.infer(chain(List.of(2), disagreeing)).isPresent());
        NirGraph nested = new NirGraph(Map.of("input", new NirNode.Input(List.of(2)),
                "g", new NirNode.Graph(chain(List.of(2), folded)), "output", new NirNode.Output(List.of(2))),
                List.of(new NirEdge("input", "g"), new NirEdge("g", "output")), Map.of());
        assertTrue(NirDtInference.infer(nested).orElseThrow().reason().contains("'g.n0'"));
    }
}
