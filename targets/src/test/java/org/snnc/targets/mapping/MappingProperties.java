package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.testing.TestChips;

/**
 * Mapping random quantized networks onto random chips either succeeds with a mapping that keeps every synapse, every
 * limit and exactly the needed routes ({@link MappingInvariants}), or fails with a clean diagnostic that says why the
 * network does not fit: never another exception, and never E0905 (an allocator must not break a limit).
 */
class MappingProperties {

    /** What a network that does not fit may get: feature, too big, too many cores, no mapping, geometry. */
    private static final Set<String> DOES_NOT_FIT = Set.of("E0901", "E0903", "E0904", "E0906", "E0907");

    /** (a)–(c) with the chip's default allocator. */
    @Property(tries = 50)
    void theDefaultAllocatorKeepsSynapsesLimitsAndRoutes(@ForAll long seed) {
        Random random = new Random(seed);
        ChipSpec chip = TestChips.randomCores(random);
        SynapticNetwork network = random(random, chip);
        mapOrExplain(network, chip, CoreAllocator.defaultFor(chip));
    }

    /** (e) Every allocator keeps (a)–(c) on the same random network and chip. */
    @Property(tries = 50)
    void everyAllocatorKeepsSynapsesLimitsAndRoutes(@ForAll long seed) {
        Random random = new Random(seed);
        ChipSpec chip = TestChips.randomCores(random);
        SynapticNetwork network = random(random, chip);
        for (String name : CoreAllocator.names()) {
            mapOrExplain(network, chip, CoreAllocator.byName(name).orElseThrow());
        }
    }

    /** (a)–(c) on the roomy generic-like and Loihi-like chips, where every small network must fit. */
    @Property(tries = 50)
    void smallNetworksFitTheLargeChips(@ForAll long seed) {
        Random random = new Random(seed);
        SynapticNetwork network = RandomQuantizedNetworks.random(random, true, false);
        for (ChipSpec chip : List.of(TestChips.generic(), TestChips.loihi())) {
            for (String name : CoreAllocator.names()) {
                Mapping mapping = Mapper.map(network, chip, CoreAllocator.byName(name).orElseThrow());
                MappingInvariants.check(network, mapping);
            }
        }
    }

    /** (d) Mapping twice gives equal mappings, with every allocator. */
    @Property(tries = 50)
    void mappingIsDeterministic(@ForAll long seed) {
        Random random = new Random(seed);
        ChipSpec chip = TestChips.randomCores(random);
        SynapticNetwork network = random(random, chip);
        for (String name : CoreAllocator.names()) {
            CoreAllocator allocator = CoreAllocator.byName(name).orElseThrow();
            try {
                Mapping first = Mapper.map(network, chip, allocator);
                assertEquals(first, Mapper.map(network, chip, allocator));
            } catch (CompilationException e) {
                CompilationException again = assertThrows(CompilationException.class,
                        () -> Mapper.map(network, chip, allocator));
                assertEquals(e.getMessage(), again.getMessage());
            }
        }
    }

    /** A random network for {@code chip}: gates only if it has them, square maps if it limits conv geometry. */
    static SynapticNetwork random(Random random, ChipSpec chip) {
        return RandomQuantizedNetworks.random(random, chip.features().maxPoolGate(),
                chip.features().convLimits().isPresent());
    }

    private static void mapOrExplain(SynapticNetwork network, ChipSpec chip, CoreAllocator allocator) {
        try {
            Mapping mapping = Mapper.map(network, chip, allocator);
            MappingInvariants.check(network, mapping);
            Statistics.label("outcome").collect(chip.memoryModel() + " mapped");
        } catch (CompilationException e) {
            for (Diagnostic diagnostic : e.diagnostics()) {
                assertTrue(DOES_NOT_FIT.contains(diagnostic.code().id()), diagnostic.format());
            }
            Statistics.label("outcome").collect(chip.memoryModel() + " " + e.diagnostics().get(0).code().id());
        }
    }
}
