package org.snnc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snnc.cli.SnncCommand;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.io.npy.NpzWriter;

/**
 * The bundled LeNet compiled for the generic chip, once per test JVM, and the first 20 digits of the bundled
 * development set: the configuration and data of the Spark tests, which the plain {@code snnc run} runs in process
 * for the expected report.
 */
final class LenetRun {

    static final int IMAGES = 20;
    static final int STEPS = 100;

    private static LenetRun made;

    /** The folder {@code snnc compile -o} wrote. */
    final Path configuration;
    /** The 20 digits as one npz. */
    final Path digits;
    /** The images x [20, 1, 28, 28] (u1) and labels y [20] of {@link #digits}. */
    final NpyArray x;
    final NpyArray y;
    final Path folder;

    private LenetRun(Path folder) {
        this.folder = folder;
        this.configuration = folder.resolve("lenet-generic");
        Path root = Path.of(System.getProperty("snnc.root", "..")).toAbsolutePath().normalize();
        Run compile = Run.snnc("compile", root.resolve("examples/lenet/lenet.snn").toString(), "--target", "generic",
                "--calibration", root.resolve("examples/data/mnist_calib.npz").toString(), "--calibration-limit",
                "100", "-o", configuration.toString());
        assertEquals(0, compile.exitCode(), compile.err());
        Map<String, NpyArray> dev = NpzReader.read(root.resolve("examples/data/mnist_dev.npz"));
        x = LabelledImages.rows(dev.get("x"), 0, IMAGES);
        y = LabelledImages.rows(dev.get("y"), 0, IMAGES);
        digits = folder.resolve("digits.npz");
        write(digits, 0, IMAGES);
    }

    static synchronized LenetRun get() {
        if (made == null) {
            try {
                Path folder = Files.createTempDirectory("snnc-spark-test");
                folder.toFile().deleteOnExit();
                made = new LenetRun(folder);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return made;
    }

    /** Writes the digits [from, to) as an npz. */
    void write(Path file, int from, int to) {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("x", LabelledImages.rows(x, from, to));
        arrays.put("y", LabelledImages.rows(y, from, to));
        NpzWriter.write(file, arrays);
    }

    /** One run of a command line, in process, with its exit code and both streams. */
    record Run(int exitCode, String out, String err) {

        static Run snnc(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = SnncCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out.toString(), err.toString());
        }

        static Run job(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = RunJob.execute(SharedSpark.session(), args, new PrintWriter(out, true),
                    new PrintWriter(err, true));
            return new Run(code, out.toString(), err.toString());
        }
    }
}
