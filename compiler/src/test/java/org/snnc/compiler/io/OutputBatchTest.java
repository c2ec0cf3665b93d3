package org.snnc.compiler.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;

/** Outputs replace only regular files, and a batch's files appear together or not at all. */
class OutputBatchTest {

    @TempDir
    Path dir;

    private List<Path> everything() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }

    private static Diagnostic refusal(Runnable write) {
        CompilationException e = assertThrows(CompilationException.class, write::run);
        assertEquals(1, e.diagnostics().size(), e::getMessage);
        return e.diagnostics().get(0);
    }

    @Test
    void aBatchThatIsNotCommittedLeavesNothingNotEvenItsFolders() throws IOException {
        Path out = dir.resolve("a/b/out");
        try (OutputBatch batch = OutputBatch.open()) {
            OutputBatch.createFolders(out);
            AtomicFiles.write(out.resolve("config.json"), "{}".getBytes(StandardCharsets.UTF_8));
            assertFalse(Files.exists(out.resolve("config.json")), "nothing is in place before the commit");
            assertThrows(CompilationException.class,
                    () -> AtomicFiles.write(out.resolve("x/report.json"), new byte[1]));
        }
        assertEquals(List.of(), everything());
    }

    @Test
    void aCommittedBatchPutsEveryFileInPlaceAndTheLastWriteOfATargetWins() throws IOException {
        Path old = Files.writeString(dir.resolve("net.npz"), "old");
        try (OutputBatch batch = OutputBatch.open()) {
            AtomicFiles.write(old, "first".getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(old, "second".getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(dir.resolve("net.snn"), "network".getBytes(StandardCharsets.UTF_8));
            assertEquals("old", Files.readString(old));
            batch.commit();
        }
        assertEquals("second", Files.readString(old));
        assertEquals(List.of(dir.resolve("net.npz"), dir.resolve("net.snn")), everything(),
                "no temporary file is left");
    }

    @Test
    void anInnerBatchCommitsAloneAndTheOuterOneStillDecidesItsOwn() throws IOException {
        try (OutputBatch outer = OutputBatch.open()) {
            try (OutputBatch inner = OutputBatch.open()) {
                AtomicFiles.write(dir.resolve("config.json"), new byte[1]);
                inner.commit();
            }
            AtomicFiles.write(dir.resolve("run.json"), new byte[1]);
        }
        assertEquals(List.of(dir.resolve("config.json")), everything());
        AtomicFiles.write(dir.resolve("after.json"), new byte[1]);
        assertTrue(Files.exists(dir.resolve("after.json")), "with no batch open, a write is in place at once");
    }

    @Test
    void aDirectoryIsNeverReplaced() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("report.json"));
        Diagnostic d = refusal(() -> AtomicFiles.write(folder, new byte[1]));
        assertEquals(DiagnosticCode.FILE_UNWRITABLE, d.code());
        assertTrue(d.message().contains("it is a directory; snnc replaces only regular files"), d.message());
        assertEquals(List.of(folder), everything());
    }

    /** Moving a file over /dev/null (through a link here) would replace the device itself, as root. */
    @Test
    void aDeviceIsNeverReplaced() throws IOException {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull));
        Path link = Files.createSymbolicLink(dir.resolve("report.json"), devNull);
        Diagnostic d = refusal(() -> AtomicFiles.write(link, new byte[1]));
        assertTrue(d.message().contains("it is a character device"), d.message());
        assertTrue(Files.isSymbolicLink(link) && Files.isSameFile(link, devNull));
        assertEquals(List.of(link), everything());
    }

    @Test
    void aFolderThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("out"), "a file");
        Diagnostic d = refusal(() -> OutputBatch.createFolders(file.resolve("sub")));
        assertEquals(DiagnosticCode.FILE_UNWRITABLE, d.code());
        assertTrue(d.message().contains("is a regular file, not a folder"), d.message());
    }

    /** A failed write names the target, never the hidden temporary file beside it. */
    @Test
    void aFailedWriteNamesTheTargetNotTheTemporary() throws IOException {
        Path target = dir.resolve("config.json");
        Diagnostic d = refusal(() -> AtomicFiles.write(target, out -> {
            throw new IOException("disk full");
        }));
        assertEquals("cannot write " + target + ": disk full", d.message());
        assertEquals(List.of(), everything());
    }
}
