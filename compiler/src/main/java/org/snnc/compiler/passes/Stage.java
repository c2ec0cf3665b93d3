package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.Set;
import org.snnc.compiler.ir.Affine;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.SpikeEncoder;

/**
 * A property of a graph that passes establish and later passes rely on. A pipeline starts from the stages its input
 * graph already has ({@link #of(Graph)}), and each pass adds the stages it establishes.
 */
public enum Stage {
    DROPOUT_FREE("dropout-free", "remove-dropout", "the network holds no dropout"),
    CANONICAL("canonical", "canonicalize", "identities are gone and every relu follows its pooling"),
    BATCHNORM_FOLDED("batchnorm-folded", "fold-batchnorm", "every batchnorm is folded into its layer or made an affine"),
    AFFINES_FOLDED("affines-folded", "fold-affine",
            "no affine reads a linear value, and no relu a concat of one"),
    LINEAR_COMPOSED("linear-composed", "compose-linear",
            "no conv2d or dense layer reads a weighted layer, an affine or a sum with no relu between"),
    NORMALIZED("normalized", "normalize", "each layer's activations are scaled by 1/λ so that they rarely exceed 1"),
    SPIKING("spiking", "to-spiking", "every relu and the output layer are IF populations"),
    BIAS_AS_CURRENT("bias-as-current", "bias-as-current", "biases are constant currents of the IF populations"),
    GATED("gated", "maxpool-gating", "every maxpool is a spike gate"),
    ENCODED("encoded", "analog-input", "the input is encoded for the spiking network"),
    READOUT("readout", "readout", "the output is a readout of the output population"),
    QUANTIZED("quantized", "quantize", "every population and synapse holds integers that fit the target chip");

    private final String label;
    private final String establisher;
    private final String meaning;

    Stage(String label, String establisher, String meaning) {
        this.label = label;
        this.establisher = establisher;
        this.meaning = meaning;
    }

    /** The name of the standard pass that establishes this stage. */
    public String establisher() {
        return establisher;
    }

    public String label() {
        return label;
    }

    /** What the stage guarantees, as a clause. */
    public String meaning() {
        return meaning;
    }

    /**
     * Whether {@code graph} is a spiking network with a readout (a network file written after conversion, or an
     * imported NIR graph), which needs no conversion and is compiled spike for spike.
     */
    public static boolean isConverted(Graph graph) {
        return of(graph).containsAll(Set.of(SPIKING, READOUT));
    }

    /**
     * The stages {@code graph} has by its content. Normalization cannot be seen in the weights, so a graph counts as
     * normalized only once it is spiking: to-spiking runs only on normalized graphs.
     */
    public static Set<Stage> of(Graph graph) {
        EnumSet<Stage> stages = EnumSet.noneOf(Stage.class);
        var nodes = graph.nodes().values();
        boolean spiking = nodes.stream().anyMatch(IfNeurons.class::isInstance);
        if (nodes.stream().noneMatch(Dropout.class::isInstance)) {
            stages.add(DROPOUT_FREE);
        }
        if (Canonicalize.isCanonical(graph)) {
            stages.add(CANONICAL);
        }
        if (nodes.stream().noneMatch(BatchNorm.class::isInstance)) {
            stages.add(BATCHNORM_FOLDED);
        }
        if (FoldAffine.isFolded(graph)) {
            stages.add(AFFINES_FOLDED);
        }
        if (ComposeLinear.isComposed(graph)) {
            stages.add(LINEAR_COMPOSED);
        }
        if (spiking) {
            stages.add(NORMALIZED);
            if (nodes.stream().noneMatch(Relu.class::isInstance)) {
                stages.add(SPIKING);
            }
            if (nodes.stream().noneMatch(Stage::hasBias)) {
                stages.add(BIAS_AS_CURRENT);
            }
            if (nodes.stream().noneMatch(MaxPool.class::isInstance)) {
                stages.add(GATED);
            }
        }
        if (nodes.stream().anyMatch(SpikeEncoder.class::isInstance)) {
            stages.add(ENCODED);
        }
        if (graph.nodes().get(graph.output()) instanceof Readout) {
            stages.add(READOUT);
        }
        if (spiking && nodes.stream().allMatch(node -> !(node instanceof IfNeurons neurons)
                || neurons.fixed().isPresent())) {
            stages.add(QUANTIZED);
        }
        return stages;
    }

    private static boolean hasBias(Node node) {
        return node instanceof Conv2d conv && conv.bias().isPresent()
                || node instanceof Dense dense && dense.bias().isPresent()
                || node instanceof Affine affine && affine.shift().isPresent();
    }

    @Override
    public String toString() {
        return label;
    }
}
