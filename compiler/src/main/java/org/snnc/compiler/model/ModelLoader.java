package org.snnc.compiler.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.frontend.onnx.OnnxImporter;
import org.snnc.compiler.frontend.onnx.OnnxNames;
import org.snnc.compiler.frontend.text.ParsedNetwork;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Weights;
import org.snnc.compiler.nir.NirImporter;
import org.snnc.compiler.nir.NirReader;

/**
 * Loads a complete, verified model from a network file ({@code .snn}, whose weights come from the {@code .npz} it
 * names), from an ONNX model ({@code .onnx}, whose weights are its initializers) or from a NIR graph ({@code .nir},
 * imported as a spiking network by {@link NirImporter}).
 */
public final class ModelLoader {

    private ModelLoader() {
    }

    /**
     * A loaded model: the verified graph, the warnings found on the way, and the importer's notes on how it read
     * the file (a NIR graph's), one line each.
     */
    public record LoadedModel(Graph graph, Verifier.Report report, List<String> notes) {
        public LoadedModel {
            notes = List.copyOf(notes);
        }
    }

    public static LoadedModel load(Path file, LoadOptions options) {
        String name = file.getFileName().toString();
        Graph graph;
        List<String> notes = List.of();
        if (name.endsWith(".snn")) {
            graph = loadText(file, options);
        } else if (name.endsWith(".onnx")) {
            graph = OnnxImporter.importModel(file, options.onnx());
        } else if (name.endsWith(".nir")) {
            NirImporter.Imported imported = NirImporter.importGraph(NirReader.read(file),
                    OnnxNames.identifier(name.substring(0, name.length() - ".nir".length())),
                    SourceSpan.ofFile(file.toString()), options.nir());
            graph = imported.graph();
            notes = imported.notes().stream().map(NirImporter.Note::toString).toList();
        } else {
            throw CompilationException.of(DiagnosticCode.UNKNOWN_FILE_KIND, SourceSpan.ofFile(file.toString()),
                    file, "a network (.snn), an ONNX model (.onnx) or a NIR graph (.nir)");
        }
        Verifier.Report report = Verifier.check(graph);
        if (report.hasErrors()) {
            throw new CompilationException(report.diagnostics());
        }
        return new LoadedModel(graph, report, notes);
    }

    private static Graph loadText(Path file, LoadOptions options) {
        ParsedNetwork network = SnnTextFrontEnd.parse(readText(file), file.toString());
        Graph graph = network.graph();
        if (graph.weightsFile().isEmpty()) {
            return graph;
        }
        SourceSpan declaration = network.weightsDeclaration().orElse(graph.span());
        Path weightsPath = resolveBeside(file, graph.weightsFile().get(), declaration, options.allowOutsidePaths());
        InputFiles.requireRegularFile(weightsPath, declaration, DiagnosticCode.WEIGHTS_FILE_MISSING);
        return graph.toBuilder().weights(readWeights(weightsPath, declaration)).build();
    }

    /** Reads the weights, reporting a broken file at the declaration that names it. */
    private static Weights readWeights(Path weightsPath, SourceSpan declaration) {
        try {
            return NpzReader.readWeights(weightsPath);
        } catch (CompilationException broken) {
            throw new CompilationException(broken.diagnostics().stream()
                    .map(d -> new Diagnostic(d.code(), declaration, d.message())).toList());
        }
    }

    /**
     * Resolves {@code relative} against the folder of {@code file}. A path that leaves that folder (by {@code ..},
     * by being absolute, or through a symbolic link) is an error unless {@code allowOutside}, so that a network file
     * from elsewhere cannot make snnc read arbitrary files.
     */
    static Path resolveBeside(Path file, String relative, SourceSpan span, boolean allowOutside) {
        Path folder = file.toAbsolutePath().normalize().getParent();
        Path resolved;
        try {
            resolved = folder.resolve(relative).normalize();
        } catch (InvalidPathException e) {
            // A NUL, for one, cannot be in any path; the file system's reason is the message.
            throw CompilationException.of(DiagnosticCode.INVALID_PATH, span, relative.replace("\0", "\\0"),
                    e.getReason());
        }
        if (!allowOutside && !realPath(resolved).startsWith(realPath(folder))) {
            throw CompilationException.of(DiagnosticCode.PATH_ESCAPES_FOLDER, span, relative, file.getFileName());
        }
        return resolved;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException notThereYet) {
            return path;
        }
    }

    private static String readText(Path file) {
        SourceSpan span = SourceSpan.ofFile(file.toString());
        byte[] bytes = InputFiles.readAllBytes(file, span);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notText) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, span, file, "it is not UTF-8 text");
        }
    }
}
