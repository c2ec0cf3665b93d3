package org.snnc.targets.emit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The emitted configuration, version {@value #VERSION}: what a board running the network is loaded with. It nests like
 * the hardware, chip → cores → neurons, synapses and routes; convolutions stay shared kernels plus geometry
 * ({@link #kernels()}), and only dense layers are weight matrices, stored on the cores that hold their rows. Every
 * integer is in the chip's units: weights m·2^e, thresholds and biases in membrane LSBs. {@code docs/configuration.md}
 * documents each field and {@code docs/config.schema.json} is its JSON Schema.
 *
 * @param format      always {@value #FORMAT}
 * @param version     the format version
 * @param network     the network's name
 * @param chip        the chip spec the configuration targets, in the chip spec format
 * @param allocator   the core allocator that placed the layers
 * @param input       the encoded input
 * @param layers      the populations: name, shape and the cores that hold them
 * @param kernels     the shared convolution kernels, one per conv projection
 * @param gates       the max-pool gate units
 * @param cores       the used cores, by ascending id
 * @param inputRoutes where the host sends each input element
 * @param readout     how the class is read
 */
public record Configuration(
        String format,
        int version,
        String network,
        JsonNode chip,
        String allocator,
        InputConfig input,
        List<LayerConfig> layers,
        List<KernelConfig> kernels,
        List<GateConfig> gates,
        List<CoreConfig> cores,
        List<RouteConfig> inputRoutes,
        ReadoutConfig readout) {

    public static final String FORMAT = "snnc-config";
    public static final int VERSION = 2;

    /**
     * The input: raw stored values of {@code dtype}; analog input feeds them to the first layer's synapses every
     * step, a sequence input one frame of event counts, each at most {@code maxEvents} (null for other encodings), a
     * step.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InputConfig(String name, String input, List<Integer> shape, String dtype, String encoding,
            Integer maxEvents, long seed) {
    }

    /** A population's name, shape and the cores holding its neurons, in order. */
    public record LayerConfig(String name, List<Integer> shape, List<Integer> cores) {
    }

    /**
     * A shared kernel K[F, C/G, kh, kw] of mantissas: target neuron (f, i, j) receives Σ K[f,c,u,v]·2^exponent from
     * source element (g·C/G + c, i·stride_h + u − pad_top, j·stride_w + v − pad_left).
     */
    public record KernelConfig(String name, String source, String target, List<Integer> inputShape,
            List<Integer> outputShape, List<Integer> kernel, List<Integer> stride, List<Integer> padding, int groups,
            int exponent, int[] mantissas) {
    }

    /** A max-pool gate unit over a population; estimator {@code count}, or {@code ema} with {@code decay}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GateConfig(String name, String population, List<Integer> shape, List<Integer> kernel,
            List<Integer> stride, List<Integer> padding, String estimator, Double decay) {
    }

    /**
     * One core: the neurons it updates, with their parameters; the gate outputs it computes; its input axons; its
     * synapses; where its events go; and what it uses of its limits.
     */
    public record CoreConfig(int id, List<NeuronBlock> neurons, List<GateBlock> gates, List<AxonConfig> axons,
            List<SynapseConfig> synapses, List<RouteConfig> routes, UsageConfig usage) {
    }

    /*
     * A box of a unit seen as [C, H, W] (a flat unit of n is [n, 1, 1]) is three [first, count] pairs: channels,
     * rows and cols; its elements are listed in C order (docs/configuration.md, "Boxes").
     */

    /** A box of a gate unit's outputs. */
    public record GateBlock(String unit, List<Integer> channels, List<Integer> rows, List<Integer> cols) {
    }

    /**
     * A box of a layer's neurons with their parameters: threshold θ, reset, initial membrane v0 (written only when not
     * 0), the exponent e shared by the weights of
     * the synapses into them, and the bias current mantissa·2^bias_exponent. A {@code replica} block (written only
     * when true) copies neurons another core owns, for this core's gates to read; its spikes are never routed.
     * {@code decay_u} and {@code decay_v}, both or neither, are the 12-bit decays δu, δv of a CUBA population
     * ({@link org.snnc.compiler.ir.FixedPoint}); without them the neurons integrate and fire.
     */
    public record NeuronBlock(String layer, List<Integer> channels, List<Integer> rows, List<Integer> cols,
            long threshold, String reset, @JsonInclude(JsonInclude.Include.NON_DEFAULT) long v0, int weightExponent,
            BiasConfig bias,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean replica,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer decayU,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer decayV) {
    }

    /**
     * Bias mantissas, one per neuron of the box in its order ({@code per = "neuron"}), or one per channel of the box
     * ({@code per = "channel"}), when every neuron of a channel has the same bias.
     */
    public record BiasConfig(String per, int exponent, long[] mantissas) {
    }

    /**
     * A box of {@code source}'s elements, arriving in the box's order on axons axon_first, axon_first + 1, …; or, with
     * {@code population}, one population axon per position of the box, in its order, on which every channel of the
     * box arrives as the atom (written only when true).
     */
    public record AxonConfig(String source, List<Integer> channels, List<Integer> rows, List<Integer> cols,
            int axonFirst, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean population) {
    }

    /**
     * Synapses into this core's neurons of {@code target}: {@code conv} applies the shared kernel {@code kernel};
     * {@code dense} holds rows [rows_first, rows_first + rows) of the matrix, each of {@code inputs} mantissas.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SynapseConfig(String kind, String name, String source, String target, String kernel,
            Integer rowsFirst, Integer rows, Integer inputs, Integer exponent, int[] mantissas) {
    }

    /** The events of a box of {@code source} go to core {@code core}, each onto the axon whose box holds it. */
    public record RouteConfig(String source, List<Integer> channels, List<Integer> rows, List<Integer> cols,
            int core) {
    }

    /** What the core uses, in the chip's memory model units. */
    public record UsageConfig(long neurons, long synapseMemory, long biasMemory, long inputAxons, long outputAxons,
            int destinations) {
    }

    /**
     * The class is the argmax over the output population by {@code mode}, of the scores over the later half of the
     * steps when {@code window} is {@code "half"} (written only then); with {@code exitMargin} (membrane LSBs) and
     * {@code exitSteps}, both or neither, the host stops an image once its readout settles (configuration.md, "Early
     * exit").
     */
    public record ReadoutConfig(String name, String population, String mode,
            @JsonInclude(JsonInclude.Include.NON_NULL) String window, long seed,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long exitMargin,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer exitSteps) {
    }
}
