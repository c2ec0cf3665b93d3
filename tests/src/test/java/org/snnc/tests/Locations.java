package org.snnc.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the repository and the shared models and digits. */
public final class Locations {

    private Locations() {
    }

    /** The repository root (the parent pom's folder). */
    public static Path root() {
        return Path.of(System.getProperty("snnc.root", "..")).toAbsolutePath().normalize();
    }

    /** The tests module's resources, as source files (golden files are rewritten here in bless mode). */
    public static Path testResources() {
        return root().resolve("tests/src/test/resources");
    }

    /**
     * The shared folder with the trained models and MNIST digits. CI always has it, so there a missing folder fails
     * the test; on a user's clone, which has no {@code ../shared}, tests that need it are skipped.
     */
    public static Path shared() {
        Path shared = Path.of(System.getProperty("snnc.shared", root().resolve("../shared").toString()))
                .toAbsolutePath().normalize();
        if (System.getenv("CI") != null && !Files.isDirectory(shared)) {
            throw new IllegalStateException("CI needs the shared folder at " + shared);
        }
        assumeTrue(Files.isDirectory(shared), "no shared folder at " + shared);
        return shared;
    }
}
