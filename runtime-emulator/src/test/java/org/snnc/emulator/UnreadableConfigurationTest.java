package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Chip#load} reads only a regular file, and refuses anything else by what it is before opening it: a directory,
 * a device (even behind a symlink: /dev/zero never ends) or a FIFO (which would block until a writer comes).
 */
class UnreadableConfigurationTest {
    @TempDir
    Path temp;

    private static void assertRefused(Path file, String expected) {
        EmulatorException error = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(EmulatorException.class, () -> Chip.load(file)));
        assertEquals(expected, error.getMessage());
    }

    @Test
    void aMissingFileIsRefused() {
        assertRefused(temp.resolve("config.json"), "config.json: the file does not exist [E1006]");
    }

    @Test
    void aDirectoryIsRefused() throws IOException {
        assertRefused(Files.createDirectory(temp.resolve("config.json")),
                "config.json: is a directory, not a configuration file [E1006]");
    }

    @Test
    void aDeviceBehindASymlinkIsRefused() throws IOException {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "a system with /dev/zero");
        assertRefused(Files.createSymbolicLink(temp.resolve("config.json"), Path.of("/dev/zero")),
                "config.json: is not a regular file (a device, FIFO or socket); give the configuration file itself "
                        + "[E1006]");
    }

    @Test
    void aFifoIsRefused() throws Exception {
        Path fifo = temp.resolve("config.json");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            mkfifo = null;
        }
        assumeTrue(mkfifo != null && mkfifo.waitFor() == 0, "a system with mkfifo");
        assertRefused(fifo, "config.json: is not a regular file (a device, FIFO or socket); give the configuration "
                + "file itself [E1006]");
    }

    @Test
    void aRegularFileLoads() throws Exception {
        Path file = Files.writeString(temp.resolve("config.json"), CorruptConfigurationTest.lenet());
        assertEquals(10, Chip.load(file).classes());
    }
}
