package org.snnc.compiler.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.testing.SharedData;

/**
 * Damaged NIR files: a few bytes of a real file overwritten at random, or the file cut short. Reading must give a
 * graph or a diagnostic, never another exception, whatever the damage hits: a header, a compressed chunk, or a size
 * that makes jhdf allocate gigabytes (damage 426 of snntorch_rleaky's file does).
 */
class NirDamagedFileTest {

    @TempDir
    Path folder;

    @Test
    void everyDamagedCompressedFileReadsOrIsRefused() throws Exception {
        assertReadsOrIsRefused("snntorch_rleaky", 400, 300);
    }

    @Test
    void everyDamagedContiguousFileReadsOrIsRefused() throws Exception {
        assertReadsOrIsRefused("sinabs_iaf_cnn", 0, 300);
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        byte[] original = Files.readAllBytes(model("sinabs_iaf_cnn"));
        Path file = folder.resolve("cut.nir");
        Files.write(file, Arrays.copyOf(original, original.length / 3));
        CompilationException refusal = assertThrows(CompilationException.class, () -> NirReader.read(file));
        assertEquals(DiagnosticCode.NIR_MALFORMED, refusal.diagnostics().get(0).code());
    }

    @Test
    void aFileThatIsNotHdf5IsRefused() throws IOException {
        Path file = folder.resolve("text.nir");
        Files.writeString(file, "Conv2d -> IF\n");
        CompilationException refusal = assertThrows(CompilationException.class, () -> NirReader.read(file));
        assertTrue(refusal.getMessage().contains("is not a NIR graph"), refusal.getMessage());
    }

    /** Damages first … first + count − 1 of the case's file, read in a JVM of 64 MiB; some must be refused. */
    private static void assertReadsOrIsRefused(String caseName, int first, int count) throws Exception {
        Process reader = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), NirReadOutcome.class.getName(),
                model(caseName).toString(), Integer.toString(first), Integer.toString(count))
                .redirectErrorStream(true).start();
        String outcome = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, reader.waitFor(), outcome);
        Matcher tally = Pattern.compile("read (\\d+) refused (\\d+)").matcher(outcome);
        assertTrue(tally.find(), outcome);
        assertTrue(Integer.parseInt(tally.group(2)) > 0, "some damages must hit the structure: " + outcome);
    }

    private static Path model(String caseName) {
        return SharedData.folder().resolve("nir").resolve(caseName).resolve("model.nir");
    }
}
