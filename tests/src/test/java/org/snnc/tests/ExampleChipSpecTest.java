package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;
import org.snnc.targets.spec.CoreResources;

/** The user chip specs under {@code examples/} load, are in canonical form and say what their descriptions say. */
class ExampleChipSpecTest {

    @Test
    void theVgg16BoardIsAGenericBoardWithWiderAxonLimits() throws IOException {
        Path file = Locations.root().resolve("examples/vgg16/vgg16-board.json");
        ChipSpec board = ChipSpecs.load(file.toString());
        assertEquals(Files.readString(file), ChipSpecs.toJson(board), "write it with ChipSpecs.toJson");

        ChipSpec generic = ChipSpecs.load("generic");
        assertEquals(32 * generic.cores(), board.cores());
        CoreResources core = generic.core(0);
        CoreResources widened = new CoreResources(core.neurons(), 16384, 65536, core.synapseMemory(),
                core.biasMemory());
        assertEquals(new ChipSpec("vgg16-board", board.description(), board.cores(),
                java.util.Collections.nCopies(board.cores(), widened), generic.memoryModel(), generic.weights(),
                generic.neurons(), generic.features(), generic.routing(), generic.energy()), board);
    }
}
