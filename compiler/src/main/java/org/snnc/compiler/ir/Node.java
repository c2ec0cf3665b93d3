package org.snnc.compiler.ir;

import java.util.List;
import java.util.Map;
import org.snnc.compiler.diag.SourceSpan;

/**
 * One named value of a network graph. ANN nodes (conv2d … softmax) describe the trained network; spiking nodes
 * ({@link SpikeEncoder}, {@link IfNeurons}, {@link MaxPoolGate}, {@link Readout}) are what the conversion passes turn it
 * into, and a spiking graph imported whole may hold recurrent edges ({@link PreviousStep}). In a spiking graph the
 * weighted nodes between populations are synapses: they map the spikes of one step to input current, without bias
 * (the bias becomes the populations' constant current).
 *
 * <p>A node holds only its parameters: behaviour lives in the shape inference, the
 * interpreters and the passes. Nodes refer to their operands by name, never by object, so that rebuilding an
 * immutable graph is cheap.
 */
public sealed interface Node
        permits Input, Conv2d, Dense, BatchNorm, Affine, Relu, AvgPool, MaxPool, Flatten, Add, Concat, Dropout, Softmax,
        SpikeEncoder, IfNeurons, MaxPoolGate, Readout, PreviousStep {

    /** The value's name, unique in its graph. */
    String name();

    /** The names of the operand values, in order. */
    List<String> inputs();

    /** Where the node was written. */
    SourceSpan span();

    /** The operator's keyword in the network language, e.g. {@code conv2d}. */
    String operator();

    /** The same node reading {@code operands} instead, for passes that rewire a graph. */
    Node withInputs(List<String> operands);

    /** The node's weight tensors by role ({@code weight}, {@code bias}, {@code gamma}, ...), in printing order. */
    default Map<String, ParamRef> parameters() {
        return Map.of();
    }
}
