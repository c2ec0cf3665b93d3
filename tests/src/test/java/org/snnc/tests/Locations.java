package org.snnc.tests;

import java.nio.file.Path;
import org.snnc.compiler.testing.SharedData;

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

    /** The shared folder with the trained models and MNIST digits ({@link SharedData#folder}). */
    public static Path shared() {
        return SharedData.folder();
    }

    /** The shared ONNX model {@code name}, e.g. {@code lenet}, as a path string. */
    public static String sharedModel(String name) {
        return shared().resolve("models/" + name + ".onnx").toString();
    }

    /** The shared MNIST calibration digits, as a path string. */
    public static String sharedCalibration() {
        return shared().resolve("data/mnist_calib.npz").toString();
    }
}
