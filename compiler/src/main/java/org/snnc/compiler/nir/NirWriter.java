package org.snnc.compiler.nir;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.ir.Tensor;

/**
 * Writes a NIR file in the layout that NIR's Python library reads ({@code nir/serialization.py}, {@code read} and
 * {@code write}, NIR 1.0.7), which is also the layout {@link NirReader} reads:
 * <ul>
 *   <li>a string dataset {@code version} at the root, and the graph as group {@code node};</li>
 *   <li>a graph group holds {@code type = "NIRGraph"}, a group {@code nodes} with one group per node, the string
 *       dataset {@code edges} of shape [E, 2], and a group {@code metadata} of string datasets when there is any
 *       (Python's writer skips an empty one). A graph without edges has no {@code edges}: jhdf 0.10.0 cannot write
 *       an empty string array. {@link NirReader} reads that as no edges; Python's reader requires the dataset, but
 *       a graph without edges is no network to exchange;</li>
 *   <li>a node group holds {@code type} and exactly the fields of NIR's dataclass under NIR's names, since Python's
 *       reader passes every dataset of the group to the node's constructor: an extra one would fail it. Conv2d keeps
 *       {@code input_shape} and Flatten its {@code input_type} only when known, as Python leaves them out for
 *       None.</li>
 * </ul>
 * A tensor is float32 when every value is exactly a float32, otherwise float64; integer fields (shapes, strides,
 * groups, dimensions) are int64; a rank-0 tensor is a 0-d dataset. The file is built in a temporary file and then
 * written through {@link AtomicFiles}: a target that is not a regular file is refused before any work, and a
 * failure leaves the target as it was.
 */
public final class NirWriter {

    /** The NIR release whose file layout this writer follows; Python's {@code nir.read_version} returns it. */
    public static final String NIR_VERSION = "1.0.7";

    private NirWriter() {
    }

    /** Writes {@code graph} to {@code target}, replacing it whole or not at all. */
    public static void write(NirGraph graph, Path target) {
        AtomicFiles.requireReplaceable(target);
        Path scratch = null;
        try {
            scratch = Files.createTempFile("snnc-nir-", ".h5");
            try (WritableHdfFile file = HdfFile.write(scratch)) {
                file.putDataset("version", NIR_VERSION);
                writeGraph(file.putGroup("node"), graph);
            }
            Path built = scratch;
            AtomicFiles.write(target, out -> Files.copy(built, out));
        } catch (IOException | HdfException e) {
            // jhdf reports its failures with unchecked exceptions of its own, all HdfExceptions.
            throw CompilationException.of(DiagnosticCode.FILE_UNWRITABLE, SourceSpan.ofFile(target.toString()),
                    target, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            deleteScratch(scratch);
        }
    }

    private static void deleteScratch(Path scratch) {
        if (scratch == null) {
            return;
        }
        try {
            Files.deleteIfExists(scratch);
        } catch (IOException ignored) {
            // A leftover in the temporary folder matters less than the outcome of the write.
        }
    }

    private static void writeGraph(WritableGroup group, NirGraph graph) {
        group.putDataset("type", "NIRGraph");
        WritableGroup nodes = group.putGroup("nodes");
        graph.nodes().forEach((name, node) -> writeNode(nodes.putGroup(name), node));
        if (!graph.edges().isEmpty()) {
            String[][] edges = new String[graph.edges().size()][];
            for (int i = 0; i < edges.length; i++) {
                NirEdge edge = graph.edges().get(i);
                edges[i] = new String[] {edge.source(), edge.target()};
            }
            group.putDataset("edges", edges);
        }
        if (!graph.metadata().isEmpty()) {
            WritableGroup metadata = group.putGroup("metadata");
            graph.metadata().forEach(metadata::putDataset);
        }
    }

    private static void writeNode(WritableGroup group, NirNode node) {
        if (node instanceof NirNode.Graph nested) {
            writeGraph(group, nested.graph());
            return;
        }
        group.putDataset("type", node.type());
        Fields fields = new Fields(group);
        if (node instanceof NirNode.Input n) {
            fields.ints("shape", n.shape());
        } else if (node instanceof NirNode.Output n) {
            fields.ints("shape", n.shape());
        } else if (node instanceof NirNode.Affine n) {
            fields.tensor("weight", n.weight()).tensor("bias", n.bias());
        } else if (node instanceof NirNode.Linear n) {
            fields.tensor("weight", n.weight());
        } else if (node instanceof NirNode.Conv2d n) {
            fields.tensor("weight", n.weight()).tensor("bias", n.bias()).ints("stride", n.stride())
                    .ints("dilation", n.dilation()).integer("groups", n.groups())
                    .optionalInts("input_shape", n.inputShape());
            fields.paddingOr(n.paddingMode(), () -> fields.ints("padding", n.padding()));
        } else if (node instanceof NirNode.Conv1d n) {
            fields.tensor("weight", n.weight()).tensor("bias", n.bias()).integer("stride", n.stride())
                    .integer("dilation", n.dilation()).integer("groups", n.groups())
                    .optionalInts("input_shape", n.inputShape());
            fields.paddingOr(n.paddingMode(), () -> fields.integer("padding", n.padding()));
        } else if (node instanceof NirNode.SumPool2d n) {
            fields.ints("kernel_size", n.kernelSize()).ints("stride", n.stride()).ints("padding", n.padding());
        } else if (node instanceof NirNode.AvgPool2d n) {
            fields.ints("kernel_size", n.kernelSize()).ints("stride", n.stride()).ints("padding", n.padding());
        } else if (node instanceof NirNode.Flatten n) {
            fields.integer("start_dim", n.startDim()).integer("end_dim", n.endDim())
                    .optionalInts("input_type", n.inputShape());
        } else {
            Map<String, Tensor> elementWise = NirParameters.of(node);
            if (elementWise.isEmpty()) {
                throw new IllegalStateException("no writer for NIR node type " + node.type());
            }
            elementWise.forEach(fields::tensor);
        }
    }

    /** The datasets of one node group. */
    private record Fields(WritableGroup group) {

        Fields tensor(String name, Tensor tensor) {
            group.putDataset(name, array(tensor));
            return this;
        }

        Fields ints(String name, List<Integer> values) {
            group.putDataset(name, values.stream().mapToLong(Integer::longValue).toArray());
            return this;
        }

        Fields optionalInts(String name, List<Integer> values) {
            return values.isEmpty() ? this : ints(name, values);
        }

        Fields integer(String name, int value) {
            group.putDataset(name, (long) value);
            return this;
        }

        /** NIR's padding: the string {@code same} / {@code valid} when there is one, else the numbers. */
        void paddingOr(String mode, Runnable numbers) {
            if (mode.isEmpty()) {
                numbers.run();
            } else {
                group.putDataset("padding", mode);
            }
        }
    }

    /** The tensor as a boxed scalar (rank 0) or a nested primitive array of its shape, float32 when exact. */
    static Object array(Tensor tensor) {
        boolean single = isFloat32(tensor);
        int[] dims = tensor.shape().toArray();
        if (dims.length == 0) {
            double value = tensor.get(0);
            return single ? (Object) (float) value : (Object) value;
        }
        Object array = Array.newInstance(single ? float.class : double.class, dims);
        int[] index = {0};
        fill(array, tensor, index);
        return array;
    }

    private static void fill(Object array, Tensor tensor, int[] next) {
        if (array instanceof float[] row) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) tensor.get(next[0]++);
            }
        } else if (array instanceof double[] row) {
            for (int i = 0; i < row.length; i++) {
                row[i] = tensor.get(next[0]++);
            }
        } else {
            for (Object inner : (Object[]) array) {
                fill(inner, tensor, next);
            }
        }
    }

    /** Every value survives a round trip through float32 (NaN included, which float32 holds). */
    static boolean isFloat32(Tensor tensor) {
        for (int i = 0; i < tensor.size(); i++) {
            double value = tensor.get(i);
            if ((double) (float) value != value && !Double.isNaN(value)) {
                return false;
            }
        }
        return true;
    }
}
