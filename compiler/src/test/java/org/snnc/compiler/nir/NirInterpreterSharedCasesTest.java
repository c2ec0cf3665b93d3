package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.nir.NirConventions.Reset;

/**
 * Every shared third-party case, run with its writer's conventions, reproduces what the framework computed: the spike
 * trains exactly, membranes and currents within the reference's tolerance (1e-5 relative).
 */
class NirInterpreterSharedCasesTest {

    /** The spikes of {@code node} equal the framework's array {@code key}, entry for entry. */
    private static void assertSpikes(NirSharedCase c, String key, Tensor got) {
        Tensor expected = c.framework().get(key);
        assertEquals(expected.shape(), got.shape(), key);
        assertEquals(0.0, NirSharedCase.maxDifference(expected, got), c.name() + ": " + key + " differs in "
                + NirSharedCase.mismatches(expected, got) + " entries");
    }

    /** A trace equals the framework's array {@code key} within 1e-5·max(1, max|reference|). */
    private static void assertTrace(NirSharedCase c, String key, Tensor got) {
        Tensor expected = c.framework().get(key);
        assertEquals(0, NirSharedCase.mismatches(expected, got), c.name() + ": " + key + ", largest difference "
                + NirSharedCase.maxDifference(expected, got));
    }

    @Test
    void sinabsMultiSpikeIntegrateAndFire() {
        NirSharedCase c = NirSharedCase.load("sinabs_iaf_cnn");
        NirRecording run = c.run(NirConventions.of(Flavor.SINABS), "1", "4", "7");
        assertSpikes(c, "y", run.output("output"));
        assertSpikes(c, "out_1", run.output("1"));
        assertSpikes(c, "out_4", run.output("4"));
        assertSpikes(c, "out_7", run.output("7"));
        assertTrue(run.output("1").toArray().length > 0 && max(run.output("1")) > 1, "several spikes in one step");
    }

    @Test
    void norseIntegrateAndFireWithoutDt() {
        NirSharedCase c = NirSharedCase.load("norse_iaf_conv");
        NirRecording run = c.run(NirConventions.of(Flavor.NORSE), "_1", "_3");
        assertSpikes(c, "out_3", run.output("output"));
        assertSpikes(c, "out_1", run.output("_1"));
        assertSpikes(c, "out_3", run.output("_3"));
        assertTrace(c, "v_1", run.state("_1", "v"));
        assertTrace(c, "v_3", run.state("_3", "v"));
    }

    @Test
    void norseLeakyBoxAndLeakyIntegrator() {
        NirSharedCase c = NirSharedCase.load("norse_lifbox");
        NirRecording run = c.run(NirConventions.of(Flavor.NORSE), "_1", "_3");
        assertTrace(c, "out_3", run.output("output"));
        assertSpikes(c, "out_1", run.output("_1"));
        assertTrace(c, "v_1", run.state("_1", "v"));
        assertTrace(c, "v_3", run.state("_3", "v"));
    }

    @Test
    void snntorchLeakyResetToZeroWithoutDelay() {
        NirSharedCase c = NirSharedCase.load("snntorch_leaky_zero_nodelay");
        NirRecording run = c.run(NirConventions.of(Flavor.SNNTORCH).withReset(Reset.ZERO), "1", "3");
        assertLeaky(c, run, "1", "3");
    }

    @Test
    void snntorchLeakyDefaultSubtractsOneStepLate() {
        NirSharedCase c = NirSharedCase.load("snntorch_leaky_subtract_default");
        NirRecording run = c.run(NirConventions.of(Flavor.SNNTORCH), "1", "3");
        assertLeaky(c, run, "1", "3");
    }

    @Test
    void snntorchRecurrentLeakyClosesItsCycleOneStepLate() {
        NirSharedCase c = NirSharedCase.load("snntorch_rleaky");
        NirRecording run = c.run(NirConventions.of(Flavor.SNNTORCH).withReset(Reset.ZERO), "1.lif", "3");
        assertLeaky(c, run, "1.lif", "3");
    }

    @Test
    void closingTheRecurrentCycleAtTheAffineLosesItsBiasAtTheFirstStepOnly() {
        NirSharedCase c = NirSharedCase.load("snntorch_rleaky");
        NirRecording run = c.run(NirConventions.of(Flavor.SNNTORCH).withReset(Reset.ZERO)
                .withRecurrence(NirConventions.Recurrence.CLOSING_EDGE), "1.lif", "1.w_rec", "3");
        assertSpikes(c, "spk_1", run.output("1.lif"));
        assertSpikes(c, "spk_3", run.output("3"));
        Tensor v = run.state("1.lif", "v");
        Tensor mem = c.framework().get("mem_1");
        assertEquals(1, NirSharedCase.mismatches(mem, v), "only neuron 2 at t = 0, the only one not to spike then");
        NirNode.Affine recurrent = (NirNode.Affine) c.graph().nodes().get("1.w_rec");
        assertEquals(-recurrent.bias().get(2), v.get(2) - mem.get(2), 1e-7);
    }

    @Test
    void snntorchSynapticSubtractsWithoutDelay() {
        NirSharedCase c = NirSharedCase.load("snntorch_synaptic");
        NirRecording run = c.run(NirConventions.of(Flavor.SNNTORCH).withReset(Reset.SUBTRACT), "1", "3");
        assertLeaky(c, run, "1", "3");
        assertTrace(c, "syn_1", run.state("1", "i"));
        assertTrace(c, "syn_3", run.state("3", "i"));
    }

    /** snnTorch's layers 1 and 3: spikes exactly, the membranes within tolerance; layer 3 is the output. */
    private static void assertLeaky(NirSharedCase c, NirRecording run, String first, String second) {
        assertSpikes(c, "spk_3", run.output("output"));
        assertSpikes(c, "spk_1", run.output(first));
        assertSpikes(c, "spk_3", run.output(second));
        assertTrace(c, "mem_1", run.state(first, "v"));
        assertTrace(c, "mem_3", run.state(second, "v"));
    }

    @Test
    void lavaIsNirEulerWithOneStepPerLayer() {
        NirSharedCase c = NirSharedCase.load("lavadl_cuba_dense");
        NirRecording run = c.run(NirConventions.of(Flavor.LAVA), "0_cuba", "1_cuba");
        assertSpikes(c, "spk_1", run.output("output"));
        assertSpikes(c, "spk_0", run.output("0_cuba"));
        assertSpikes(c, "spk_1", run.output("1_cuba"));
    }

    @Test
    void lavaWithoutTheLayerDelayIsNirEulerAsMetaRecords() {
        NirSharedCase c = NirSharedCase.load("lavadl_cuba_dense");
        NirRecording run = c.run(NirConventions.of(Flavor.LAVA).withLayerDelay(NirConventions.LayerDelay.NONE));
        int recorded = c.meta().at("/reference_checks/nir_euler_dt1e-4_zero_gt/output_vs_framework"
                + "/mismatching_entries").asInt();
        assertEquals(8, recorded);
        assertEquals(recorded, NirSharedCase.mismatches(c.framework().get("spk_1"), run.output("output")));
        assertEquals(recorded, NirSharedCase.mismatches(c.framework().get("spk_1"),
                c.run(NirConventions.of(Flavor.NIR_TEXT, java.util.OptionalDouble.of(1e-4))).output("output")));
    }

    private static double max(Tensor t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < t.size(); k++) {
            max = Math.max(max, t.get(k));
        }
        return max;
    }
}
