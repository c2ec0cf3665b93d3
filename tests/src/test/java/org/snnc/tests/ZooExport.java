package org.snnc.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code tests/src/test/resources/zoo/export_zoo.py} with Debian's python, as TorchZooTest and ZooBenchmark do. */
public final class ZooExport {

    /** The python that has Debian's torch, torchvision and onnx. */
    public static final String PYTHON = "/usr/bin/python3";

    private ZooExport() {
    }

    /**
     * Exports {@code models} with {@code script} into {@code folder} in one python process (torch loads once), its
     * output kept in {@code folder}/export.log and given when it fails or runs past {@code timeoutMinutes}.
     */
    public static void export(Path script, Path folder, List<String> models, long timeoutMinutes)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), folder.toString()));
        command.addAll(models);
        Path log = folder.resolve("export.log");
        Process export = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!export.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            export.destroyForcibly();
            throw new IOException(script.getFileName() + " did not finish in " + timeoutMinutes
                    + " minutes; its output:\n" + Files.readString(log));
        }
        if (export.exitValue() != 0) {
            throw new IOException(script.getFileName() + " exited with " + export.exitValue() + ":\n"
                    + Files.readString(log));
        }
    }
}
