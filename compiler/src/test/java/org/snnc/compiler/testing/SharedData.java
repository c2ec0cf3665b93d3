package org.snnc.compiler.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared folder with the trained models and the MNIST digits: {@code -Dsnnc.shared} (the build sets it to
 * {@code ../shared} beside the repository), else {@code ../../shared} from a module. CI ({@code CI} set, as
 * {@code .ci/run} does) always has it, so there a missing folder fails the test; on a user's clone without it, the
 * tests that need it are skipped. The one rule for every module's tests.
 */
public final class SharedData {

    private SharedData() {
    }

    /** The shared folder, which holds {@code models/} and {@code data/}. */
    public static Path folder() {
        Path shared = Path.of(System.getProperty("snnc.shared", "../../shared")).toAbsolutePath().normalize();
        boolean present = Files.isDirectory(shared.resolve("models"));
        if (System.getenv("CI") != null && !present) {
            throw new IllegalStateException("CI needs the shared folder with models/ at " + shared);
        }
        assumeTrue(present, "no shared folder with models/ at " + shared);
        return shared;
    }

    /** The shared trained models. */
    public static Path models() {
        return folder().resolve("models");
    }
}
