package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

    /** Bytes that are not UTF-8, or NULs as /dev/zero would give, are a located syntax error in plain words. */
    @Test
    void aBinaryFileIsNotJson() throws IOException {
        Path file = temp.resolve("config.json");
        Files.write(file, new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'});
        EmulatorException error = assertThrows(EmulatorException.class, () -> Chip.load(file));
        assertTrue(error.getMessage().matches("config\\.json:1:\\d+: not valid JSON: invalid UTF-8 .* \\[E1001]"),
                error.getMessage());
        Files.write(file, new byte[64]);
        error = assertThrows(EmulatorException.class, () -> Chip.load(file));
        assertEquals("config.json:1:2: not valid JSON: illegal character (control character 0): only regular white "
                + "space (\\r, \\n, \\t) is allowed between tokens [E1001]", error.getMessage());
    }

    @Test
    void aRegularFileLoads() throws Exception {
        Path file = Files.writeString(temp.resolve("config.json"), CorruptConfigurationTest.lenet());
        assertEquals(10, Chip.load(file).classes());
    }
}
