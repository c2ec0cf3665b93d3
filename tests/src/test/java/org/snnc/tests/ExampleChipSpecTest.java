package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;

/** The user chip specs under {@code examples/} load, are in canonical form and say what their descriptions say. */
class ExampleChipSpecTest {

    @Test
    void theGenericBoardIsGenericWithMoreCores() throws IOException {
        Path file = Locations.root().resolve("examples/boards/generic-board.json");
        ChipSpec board = ChipSpecs.load(file.toString());
        assertEquals(Files.readString(file), ChipSpecs.toJson(board), "write it with ChipSpecs.toJson");

        ChipSpec generic = ChipSpecs.load("generic");
        assertEquals(Collections.nCopies(generic.cores(), generic.core(0)), generic.coreResources(),
                "generic's cores are all alike");
        assertEquals(128 * generic.cores(), board.cores());
        assertEquals(new ChipSpec("generic-board", board.description(), board.cores(),
                Collections.nCopies(board.cores(), generic.core(0)), generic.memoryModel(), generic.weights(),
                generic.neurons(), generic.features(), generic.routing(), generic.energy()), board);
    }
}
