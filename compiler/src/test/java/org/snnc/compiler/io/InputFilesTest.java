package org.snnc.compiler.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/** Only regular files are read, each reported as what it is; a read is bounded by the file's size. */
class InputFilesTest {

    @TempDir
    Path dir;

    private static Diagnostic refusal(Path file) {
        CompilationException e = assertThrows(CompilationException.class,
                () -> InputFiles.readAllBytes(file, SourceSpan.ofFile(file.toString())));
        assertEquals(1, e.diagnostics().size(), e::getMessage);
        return e.diagnostics().get(0);
    }

    @Test
    void readsARegularFileAndALinkToOne() throws IOException {
        Path file = Files.write(dir.resolve("a.snn"), new byte[] {1, 2, 3});
        Path link = Files.createSymbolicLink(dir.resolve("link.snn"), file);
        assertArrayEquals(new byte[] {1, 2, 3}, InputFiles.readAllBytes(link, SourceSpan.ofFile("link.snn")));
    }

    @Test
    void aMissingFileDoesNotExist() {
        assertEquals(DiagnosticCode.FILE_NOT_FOUND, refusal(dir.resolve("absent.snn")).code());
    }

    @Test
    void aDirectoryIsSaidToBeOne() throws IOException {
        Diagnostic d = refusal(Files.createDirectory(dir.resolve("net.snn")));
        assertEquals(DiagnosticCode.FILE_UNREADABLE, d.code());
        assertTrue(d.message().endsWith("it is a directory"), d.message());
    }

    /** A link to /dev/zero would be read forever; it is refused without being opened. */
    @Test
    void aCharacterDeviceIsNeverRead() throws IOException {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero));
        Diagnostic d = refusal(Files.createSymbolicLink(dir.resolve("zero.onnx"), zero));
        assertEquals(DiagnosticCode.FILE_UNREADABLE, d.code());
        assertTrue(d.message().endsWith("it is a character device"), d.message());
    }

    /** Opening a FIFO for reading blocks until a writer comes; it is refused without being opened. */
    @Test
    void aFifoIsNeverOpened() throws IOException, InterruptedException {
        Path fifo = dir.resolve("fifo.snn");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        Diagnostic d = refusal(fifo);
        assertEquals(DiagnosticCode.FILE_UNREADABLE, d.code());
        assertTrue(d.message().endsWith("it is a FIFO"), d.message());
    }

    @Test
    void sizesMultiplyWithoutOverflow() {
        assertEquals(24, MemoryBudget.product(2, 3, 4));
        assertEquals(0, MemoryBudget.product(Long.MAX_VALUE, 0, 5));
        assertEquals(Long.MAX_VALUE, MemoryBudget.product(Integer.MAX_VALUE, Integer.MAX_VALUE, 16));
        assertEquals(Long.MAX_VALUE, MemoryBudget.product(1L << 62, 2));
        assertEquals(Long.MAX_VALUE, MemoryBudget.sum(Long.MAX_VALUE - 1, 2));
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.product(-1, 2));
    }

    @Test
    void moreThanTheHeapHasIsRefusedWithTheFiguresAndTheRemedy() {
        CompilationException e = assertThrows(CompilationException.class, () -> MemoryBudget.require(
                Long.MAX_VALUE, "simulating", SourceSpan.ofFile("d.npz"), "fewer steps"));
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(DiagnosticCode.MEMORY_LIMIT, d.code());
        assertTrue(d.message().startsWith("simulating needs 9,223,372,036,854,775,807 bytes"), d.message());
        assertTrue(d.message().endsWith("or fewer steps"), d.message());
        MemoryBudget.require(1024, "a little", SourceSpan.ofFile("d.npz"), "nothing");
    }
}
