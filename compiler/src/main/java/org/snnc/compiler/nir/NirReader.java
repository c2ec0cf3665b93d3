package org.snnc.compiler.nir;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.io.MemoryBudget;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/**
 * Reads a NIR file: HDF5 as NIR's Python library writes it. The root holds the graph as group {@code node}; a graph
 * group holds {@code type = "NIRGraph"}, a group {@code nodes} with one group per node, a string dataset
 * {@code edges} of shape [E, 2] and optionally a group {@code metadata}. A node group holds its {@code type} and its
 * fields as datasets, 0-d or arrays, float32 or float64, contiguous or gzip-compressed.
 *
 * <p>Every field is checked while it is read: a missing or malformed field, an unknown node type or an edge to a node
 * that does not exist is an error naming the node and the field. A missing {@code v_reset} reads as 0, as NIR's own
 * reader does; every other neuron field is required. Before any dataset is decompressed, its declared size is checked
 * against the heap, so a small file that claims a huge array is refused instead of exhausting memory; a damaged file
 * is refused with E1101 whatever part of it is damaged.
 */
public final class NirReader {

    private final SourceSpan span;
    private final HdfFile file;

    private NirReader(SourceSpan span, HdfFile file) {
        this.span = span;
        this.file = file;
    }

    /** The graph stored in {@code path}. */
    public static NirGraph read(Path path) {
        SourceSpan span = SourceSpan.ofFile(path.toString());
        InputFiles.requireRegularFile(path, span, DiagnosticCode.FILE_NOT_FOUND);
        try (HdfFile file = new HdfFile(path)) {
            Node root = child(file, "node");
            if (!(root instanceof Group group)) {
                throw CompilationException.of(DiagnosticCode.NIR_MALFORMED, span, path,
                        "it has no group 'node' at its root");
            }
            return new NirReader(span, file).graph(group, "");
        } catch (CompilationException e) {
            throw e;
        } catch (RuntimeException e) {
            // jhdf reports a file that is not HDF5, or a damaged one, with unchecked exceptions of its own.
            throw CompilationException.of(DiagnosticCode.NIR_MALFORMED, span, path, describe(e));
        } catch (OutOfMemoryError e) {
            // A damaged object header or compressed chunk can make jhdf allocate one buffer of a size read from the
            // file before any check of ours can see it. That single allocation is what failed, so the heap is whole
            // again once it unwinds and the file can be refused like any other damaged one.
            throw CompilationException.of(DiagnosticCode.NIR_MALFORMED, span, path,
                    "a structure in it claims more memory than the heap has; the file is damaged");
        }
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static Node child(Group group, String name) {
        return group.getChildren().get(name);
    }

    private NirGraph graph(Group group, String prefix) {
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        Node nodesGroup = child(group, "nodes");
        if (!(nodesGroup instanceof Group children)) {
            throw CompilationException.of(DiagnosticCode.NIR_MALFORMED, span, file.getFileAsPath(),
                    "graph '" + graphName(prefix) + "' has no group 'nodes'");
        }
        for (Map.Entry<String, Node> entry : children.getChildren().entrySet()) {
            String name = entry.getKey();
            if (!(entry.getValue() instanceof Group nodeGroup)) {
                throw CompilationException.of(DiagnosticCode.NIR_BAD_FIELD, span, prefix + name, "?", "type",
                        "the node is a dataset, not a group");
            }
            nodes.put(name, node(nodeGroup, prefix + name));
        }
        List<NirEdge> edges = edges(group, prefix, nodes);
        return new NirGraph(nodes, edges, metadata(group));
    }

    private static String graphName(String prefix) {
        return prefix.isEmpty() ? "<root>" : prefix.substring(0, prefix.length() - 1);
    }

    private List<NirEdge> edges(Group group, String prefix, Map<String, NirNode> nodes) {
        Node edgesNode = child(group, "edges");
        if (edgesNode == null) {
            return List.of();
        }
        if (!(edgesNode instanceof Dataset dataset) || dataset.getJavaType() != String.class) {
            throw CompilationException.of(DiagnosticCode.NIR_MALFORMED, span, file.getFileAsPath(),
                    "graph '" + graphName(prefix) + "': 'edges' is not a string dataset");
        }
        int[] dims = dataset.getDimensions();
        if (dataset.isEmpty() || dims.length > 0 && dims[0] == 0) {
            return List.of();
        }
        if (dims.length != 2 || dims[1] != 2) {
            throw CompilationException.of(DiagnosticCode.NIR_MALFORMED, span, file.getFileAsPath(),
                    "graph '" + graphName(prefix) + "': 'edges' has shape " + Shape.of(dims)
                            + ", not [edges, 2]");
        }
        requireMemory(dataset, prefix + "edges");
        List<NirEdge> edges = new ArrayList<>();
        for (Object row : (Object[]) dataset.getData()) {
            String[] pair = (String[]) row;
            NirEdge edge = new NirEdge(pair[0], pair[1]);
            for (String end : pair) {
                if (!nodes.containsKey(end)) {
                    throw CompilationException.of(DiagnosticCode.NIR_BAD_EDGE, span, prefix + edge,
                            "graph '" + graphName(prefix) + "' has no node '" + end + "'");
                }
            }
            edges.add(edge);
        }
        return edges;
    }

    private Map<String, String> metadata(Group group) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (child(group, "metadata") instanceof Group metadataGroup) {
            for (Map.Entry<String, Node> entry : metadataGroup.getChildren().entrySet()) {
                if (entry.getValue() instanceof Dataset dataset && dataset.getJavaType() == String.class
                        && dataset.isScalar()) {
                    metadata.put(entry.getKey(), (String) dataset.getData());
                }
            }
        }
        return metadata;
    }

    private NirNode node(Group group, String name) {
        Fields fields = new Fields(group, name);
        String type = fields.string("type");
        fields.type = type;
        return switch (type) {
            case "Input" -> new NirNode.Input(fields.ints("shape"));
            case "Output" -> new NirNode.Output(fields.ints("shape"));
            case "Affine" -> new NirNode.Affine(fields.tensor("weight"), fields.tensor("bias"));
            case "Linear" -> new NirNode.Linear(fields.tensor("weight"));
            case "Scale" -> new NirNode.Scale(fields.tensor("scale"));
            case "Conv2d" -> {
                Optional<String> mode = fields.optionalString("padding");
                yield new NirNode.Conv2d(fields.tensor("weight"), fields.tensor("bias"), fields.pair("stride"),
                        mode.isPresent() ? List.of() : fields.pair("padding"), mode.orElse(""),
                        fields.pair("dilation"), fields.integer("groups"), fields.optionalInts("input_shape"));
            }
            case "Conv1d" -> {
                Optional<String> mode = fields.optionalString("padding");
                yield new NirNode.Conv1d(fields.tensor("weight"), fields.tensor("bias"), fields.integer("stride"),
                        mode.isPresent() ? 0 : fields.integer("padding"), mode.orElse(""),
                        fields.integer("dilation"), fields.integer("groups"), fields.optionalInts("input_shape"));
            }
            case "SumPool2d" -> new NirNode.SumPool2d(fields.pair("kernel_size"), fields.pair("stride"),
                    fields.pair("padding"));
            case "AvgPool2d" -> new NirNode.AvgPool2d(fields.pair("kernel_size"), fields.pair("stride"),
                    fields.pair("padding"));
            case "Flatten" -> new NirNode.Flatten(fields.integer("start_dim"), fields.integer("end_dim"),
                    fields.optionalInts("input_type"));
            case "Delay" -> new NirNode.Delay(fields.tensor("delay"));
            case "Threshold" -> new NirNode.Threshold(fields.tensor("threshold"));
            case "I" -> new NirNode.I(fields.tensor("r"));
            case "IF" -> new NirNode.IF(fields.tensor("r"), fields.tensor("v_threshold"), fields.reset());
            case "LI" -> new NirNode.LI(fields.tensor("tau"), fields.tensor("r"), fields.tensor("v_leak"));
            case "LIF" -> new NirNode.LIF(fields.tensor("tau"), fields.tensor("r"), fields.tensor("v_leak"),
                    fields.tensor("v_threshold"), fields.reset());
            case "CubaLI" -> new NirNode.CubaLI(fields.tensor("tau_syn"), fields.tensor("tau_mem"),
                    fields.tensor("r"), fields.tensor("v_leak"), fields.tensor("w_in"));
            case "CubaLIF" -> new NirNode.CubaLIF(fields.tensor("tau_syn"), fields.tensor("tau_mem"),
                    fields.tensor("r"), fields.tensor("v_leak"), fields.tensor("v_threshold"), fields.reset(),
                    fields.tensor("w_in"));
            case "NIRGraph" -> new NirNode.Graph(graph(group, name + "."));
            default -> throw CompilationException.of(DiagnosticCode.NIR_UNKNOWN_NODE, span, name, type,
                    String.join(", ", NirNode.TYPES));
        };
    }

    private void requireMemory(Dataset dataset, String what) {
        long elements = 1;
        for (int dim : dataset.getDimensions()) {
            elements = MemoryBudget.product(elements, dim);
        }
        MemoryBudget.require(MemoryBudget.product(elements, Double.BYTES), "reading " + what, span,
                "give a smaller network");
    }

    /** The datasets of one node group, read with the node's name and type at hand for the diagnostics. */
    private final class Fields {
        private final Group group;
        private final String name;
        private String type = "?";

        Fields(Group group, String name) {
            this.group = group;
            this.name = name;
        }

        private CompilationException bad(String field, String problem) {
            return CompilationException.of(DiagnosticCode.NIR_BAD_FIELD, span, name, type, field, problem);
        }

        private Optional<Dataset> optional(String field) {
            Node node = child(group, field);
            if (node == null) {
                return Optional.empty();
            }
            if (!(node instanceof Dataset dataset)) {
                throw bad(field, "is a group, not a dataset");
            }
            requireMemory(dataset, name + "/" + field);
            return Optional.of(dataset);
        }

        private Dataset required(String field) {
            return optional(field).orElseThrow(() -> bad(field, "is missing"));
        }

        String string(String field) {
            return optionalString(field).orElseThrow(() -> bad(field, "is missing or not a string"));
        }

        Optional<String> optionalString(String field) {
            return optional(field).filter(d -> d.getJavaType() == String.class).map(d -> {
                if (!d.isScalar()) {
                    throw bad(field, "is a string array, not one string");
                }
                return (String) d.getData();
            });
        }

        Tensor tensor(String field) {
            return tensorOf(field, required(field));
        }

        /** v_reset, which some writers leave out (sinabs before NIR 1.0.5): 0, as NIR's reader reads it. */
        Tensor reset() {
            return optional("v_reset").map(d -> tensorOf("v_reset", d)).orElse(Tensor.of(Shape.of(), new double[1]));
        }

        private Tensor tensorOf(String field, Dataset dataset) {
            Class<?> javaType = dataset.getJavaType();
            if (!(javaType.isPrimitive() && javaType != boolean.class || Number.class.isAssignableFrom(javaType))) {
                throw bad(field, "holds " + javaType.getSimpleName() + ", not numbers");
            }
            int[] dims = dataset.getDimensions();
            Object flat = dataset.isScalar() ? dataset.getData() : dataset.getDataFlat();
            double[] values = new double[dataset.isScalar() ? 1 : Array.getLength(flat)];
            for (int i = 0; i < values.length; i++) {
                Object value = dataset.isScalar() ? flat : Array.get(flat, i);
                values[i] = ((Number) value).doubleValue();
            }
            for (int dim : dims) {
                if (dim <= 0) {
                    throw bad(field, "has an empty axis in shape " + Arrays.toString(dims));
                }
            }
            return Tensor.wrap(Shape.of(dims), values);
        }

        int integer(String field) {
            Tensor tensor = tensor(field);
            if (tensor.size() != 1) {
                throw bad(field, "holds " + tensor.size() + " values, not one integer");
            }
            return exactInt(field, tensor.get(0));
        }

        List<Integer> ints(String field) {
            return intsOf(field, tensor(field));
        }

        List<Integer> optionalInts(String field) {
            return optional(field).map(d -> intsOf(field, tensorOf(field, d))).orElse(List.of());
        }

        /** A field that is a pair of integers or one integer standing for both, as PyTorch writes kernel sizes. */
        List<Integer> pair(String field) {
            List<Integer> values = ints(field);
            if (values.size() == 1) {
                return List.of(values.get(0), values.get(0));
            }
            if (values.size() != 2) {
                throw bad(field, "holds " + values.size() + " values, not one or two");
            }
            return values;
        }

        private List<Integer> intsOf(String field, Tensor tensor) {
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < tensor.size(); i++) {
                values.add(exactInt(field, tensor.get(i)));
            }
            return List.copyOf(values);
        }

        private int exactInt(String field, double value) {
            if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
                throw bad(field, value + " is not an integer of 32 bits");
            }
            return (int) value;
        }
    }
}
