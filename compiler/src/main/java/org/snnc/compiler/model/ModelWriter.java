package org.snnc.compiler.model;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.io.npy.NpzWriter;
import org.snnc.compiler.ir.Graph;

/**
 * Writes a model as a network file plus the weights file beside it ({@code net.snn} and {@code net.npz}), which
 * together reload to an equal graph. Each file is written whole or not at all.
 */
public final class ModelWriter {

    private ModelWriter() {
    }

    /** Writes {@code graph} to {@code networkFile} and its weights to the same name with {@code .npz}. */
    public static Graph write(Graph graph, Path networkFile) {
        String fileName = networkFile.getFileName().toString();
        String stem = fileName.endsWith(".snn") ? fileName.substring(0, fileName.length() - 4) : fileName;
        Path weightsFile = networkFile.resolveSibling(stem + ".npz");
        Graph named = graph.toBuilder().weightsFile(Optional.of(weightsFile.getFileName().toString())).build();
        NpzWriter.write(weightsFile, named.weights());
        AtomicFiles.write(networkFile, SnnPrinter.print(named).getBytes(StandardCharsets.UTF_8));
        return named;
    }
}
