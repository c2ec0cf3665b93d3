package org.snnc.compiler.nir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.testing.SharedData;

/**
 * One case of {@code shared/nir}: the graph a framework wrote, the input it was given, what it computed, and
 * {@code meta.json}.
 */
record NirSharedCase(String name, Path model, NirGraph graph, Tensor x, Map<String, Tensor> framework, JsonNode meta) {

    static NirSharedCase load(String name) {
        Path folder = SharedData.folder().resolve("nir").resolve(name);
        Path model = folder.resolve("model.nir");
        Map<String, Tensor> framework = new LinkedHashMap<>();
        NpzReader.read(folder.resolve("output.npz")).forEach((key, array) -> framework.put(key, tensor(array)));
        try {
            return new NirSharedCase(name, model, NirReader.read(model),
                    tensor(NpzReader.read(folder.resolve("input.npz")).get("x")), framework,
                    new ObjectMapper().readTree(folder.resolve("meta.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tensor tensor(NpyArray array) {
        return Tensor.wrap(Shape.of(array.shape()), array.values());
    }

    NirRecording run(NirConventions conventions, String... recorded) {
        return new NirInterpreter(graph, conventions, SourceSpan.ofFile(model.toString())).run(x,
                Set.of(recorded));
    }

    /**
     * The entries where {@code got} differs from {@code reference} by more than 1e-5·max(1, max|reference|), the
     * rule of the reference interpreter's {@code compare()}.
     */
    static int mismatches(Tensor reference, Tensor got) {
        if (!reference.shape().equals(got.shape())) {
            throw new AssertionError("shape " + got.shape() + ", expected " + reference.shape());
        }
        double scale = 1;
        for (int k = 0; k < reference.size(); k++) {
            scale = Math.max(scale, Math.abs(reference.get(k)));
        }
        int count = 0;
        for (int k = 0; k < reference.size(); k++) {
            if (Math.abs(reference.get(k) - got.get(k)) > 1e-5 * scale) {
                count++;
            }
        }
        return count;
    }

    /** The largest absolute difference. */
    static double maxDifference(Tensor reference, Tensor got) {
        double max = 0;
        for (int k = 0; k < reference.size(); k++) {
            max = Math.max(max, Math.abs(reference.get(k) - got.get(k)));
        }
        return max;
    }
}
