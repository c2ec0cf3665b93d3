package org.snnc.targets.emit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.emit.Configuration.AxonConfig;
import org.snnc.targets.emit.Configuration.BiasConfig;
import org.snnc.targets.emit.Configuration.Block;
import org.snnc.targets.emit.Configuration.CoreConfig;
import org.snnc.targets.emit.Configuration.GateConfig;
import org.snnc.targets.emit.Configuration.InputConfig;
import org.snnc.targets.emit.Configuration.KernelConfig;
import org.snnc.targets.emit.Configuration.LayerConfig;
import org.snnc.targets.emit.Configuration.NeuronBlock;
import org.snnc.targets.emit.Configuration.ReadoutConfig;
import org.snnc.targets.emit.Configuration.RouteConfig;
import org.snnc.targets.emit.Configuration.SynapseConfig;
import org.snnc.targets.emit.Configuration.UsageConfig;
import org.snnc.targets.mapping.CoreMapping;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.mapping.Piece;
import org.snnc.targets.mapping.Route;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.DenseSynapse;
import org.snnc.targets.net.GateUnit;
import org.snnc.targets.net.Population;
import org.snnc.targets.net.Projection;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpecs;

/**
 * Turns a {@link Mapping} into the {@link Configuration} a board is loaded with, and writes it. The output is
 * canonical: lists follow the network's order and ascending ids, objects their fixed field order, so the same mapping
 * gives byte-identical files.
 *
 * <p>A bias current c is written as mantissa·2^k with k the smallest exponent for which every mantissa of the
 * population fits the chip's bias bits; the quantizer has made every c a multiple of that 2^k.
 */
public final class ConfigurationEmitter {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** Objects indented one field per line; arrays of numbers on one line, so that weights stay compact. */
    private static final ObjectWriter WRITER = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance));

    private ConfigurationEmitter() {
    }

    public static Configuration configuration(Mapping mapping) {
        SynapticNetwork network = mapping.network();
        var input = network.input();
        JsonNode chip = readTree(ChipSpecs.toJson(mapping.chip()));
        List<CoreConfig> cores = mapping.cores().stream().map(core -> core(network, core, mapping)).toList();
        return new Configuration(Configuration.FORMAT, Configuration.VERSION, network.name(), chip,
                mapping.allocator(),
                new InputConfig(input.name(), input.input(), input.shape().dims(), input.dtype().spelling(),
                        input.encoding().spelling(), input.seed()),
                network.populations().stream().map(p -> new LayerConfig(p.name(), p.shape().dims(),
                        coresHolding(mapping, p.name()))).toList(),
                network.populations().stream().flatMap(p -> p.projections().stream())
                        .filter(projection -> projection.synapse() instanceof ConvSynapse)
                        .map(ConfigurationEmitter::kernel).toList(),
                network.gates().stream().map(ConfigurationEmitter::gate).toList(),
                cores,
                mapping.inputRoutes().stream().map(ConfigurationEmitter::route).toList(),
                new ReadoutConfig(network.readout().name(), network.readout().population(),
                        network.readout().mode().spelling(), network.readout().seed()));
    }

    /** The configuration as canonical JSON bytes, ending with a newline as a text file does. */
    public static byte[] toBytes(Configuration configuration) {
        try {
            return (WRITER.writeValueAsString(configuration) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a configuration always serializes", impossible);
        }
    }

    /** Writes the configuration to {@code file} atomically: the file is whole or absent. */
    public static void write(Configuration configuration, Path file) {
        AtomicFiles.write(file, toBytes(configuration));
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("the chip spec writer produced invalid JSON", impossible);
        }
    }

    private static List<Integer> coresHolding(Mapping mapping, String unit) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (CoreMapping core : mapping.cores()) {
            if (core.pieces().stream().anyMatch(piece -> piece.unit().equals(unit))) {
                ids.add(core.core());
            }
        }
        return List.copyOf(ids);
    }

    private static KernelConfig kernel(Projection projection) {
        ConvSynapse conv = (ConvSynapse) projection.synapse();
        Window2d window = conv.window();
        return new KernelConfig(projection.node(), projection.source(), projection.target(), conv.inputShape().dims(),
                conv.outputShape().dims(), List.of(window.kernelH(), window.kernelW()),
                List.of(window.strideH(), window.strideW()), padding(window.padding()), conv.groups(), conv.exponent(),
                conv.mantissas());
    }

    private static GateConfig gate(GateUnit gate) {
        Window2d window = gate.window();
        return new GateConfig(gate.name(), gate.population(), gate.shape().dims(),
                List.of(window.kernelH(), window.kernelW()), List.of(window.strideH(), window.strideW()),
                padding(window.padding()), gate.emaDecay().isPresent() ? "ema" : "count",
                gate.emaDecay().isPresent() ? gate.emaDecay().getAsDouble() : null);
    }

    private static List<Integer> padding(Padding padding) {
        return List.of(padding.top(), padding.left(), padding.bottom(), padding.right());
    }

    private static CoreConfig core(SynapticNetwork network, CoreMapping core, Mapping mapping) {
        List<NeuronBlock> neurons = new ArrayList<>();
        List<SynapseConfig> synapses = new ArrayList<>();
        Set<String> kernels = new HashSet<>();
        Map<String, Integer> biasExponents = new HashMap<>();
        for (Piece piece : core.pieces()) {
            Population population = network.population(piece.unit());
            int biasExponent = biasExponents.computeIfAbsent(population.name(),
                    name -> biasExponent(population.current(), mapping.chip().neurons().maxBiasMantissa()));
            neurons.add(new NeuronBlock(population.name(), piece.first(), piece.count(), population.threshold(),
                    population.reset().spelling(), population.fixed().weightExponent(),
                    bias(population, piece, biasExponent)));
            for (Projection projection : population.projections()) {
                // A conv entry applies its kernel to all of the core's neurons of its target, so a core holding
                // several pieces of one layer lists it once; a dense entry holds one piece's rows.
                if (projection.synapse() instanceof DenseSynapse || kernels.add(projection.node())) {
                    synapses.add(synapse(projection, piece));
                }
            }
        }
        var usage = core.usage();
        return new CoreConfig(core.core(), neurons,
                core.gates().stream().map(g -> new Block(g.unit(), g.first(), g.count())).toList(),
                core.axons().stream().map(a -> new AxonConfig(a.source(), a.sourceFirst(), a.count(), a.axonFirst()))
                        .toList(),
                synapses,
                core.routes().stream().map(ConfigurationEmitter::route).toList(),
                new UsageConfig(usage.neurons(), usage.synapseMemory(), usage.biasMemory(), usage.inputAxons(),
                        usage.outputAxons(), usage.destinations()));
    }

    private static SynapseConfig synapse(Projection projection, Piece piece) {
        if (projection.synapse() instanceof DenseSynapse dense) {
            int[] rows = Arrays.copyOfRange(dense.mantissas(), piece.first() * dense.inputs(),
                    piece.end() * dense.inputs());
            return new SynapseConfig("dense", projection.node(), projection.source(), projection.target(), null,
                    piece.first(), piece.count(), dense.inputs(), dense.exponent(), rows);
        }
        return new SynapseConfig("conv", projection.node(), projection.source(), projection.target(),
                projection.node(), null, null, null, null, null);
    }

    private static RouteConfig route(Route route) {
        return new RouteConfig(route.source(), route.sourceFirst(), route.count(), route.destinationCore(),
                route.axonFirst());
    }

    /** The piece's bias mantissas, per channel when each channel's neurons share one value, else per neuron. */
    static BiasConfig bias(Population population, Piece piece, int exponent) {
        long[] current = population.current();
        long[] block = Arrays.copyOfRange(current, piece.first(), piece.end());
        Shape shape = population.shape();
        if (shape.rank() == 3) {
            int channelSize = shape.dim(1) * shape.dim(2);
            int firstChannel = piece.first() / channelSize;
            int lastChannel = (piece.end() - 1) / channelSize;
            long[] perChannel = new long[lastChannel - firstChannel + 1];
            boolean uniform = true;
            for (int i = 0; i < block.length && uniform; i++) {
                int channel = (piece.first() + i) / channelSize - firstChannel;
                if (i == 0 || (piece.first() + i) % channelSize == 0) {
                    perChannel[channel] = block[i];
                }
                uniform = block[i] == perChannel[channel];
            }
            if (uniform) {
                return new BiasConfig("channel", exponent, shift(perChannel, exponent));
            }
        }
        return new BiasConfig("neuron", exponent, shift(block, exponent));
    }

    /**
     * The smallest k for which every |current|/2^k fits {@code maxMantissa}; quantization made every current a multiple
     * of 2^k.
     */
    static int biasExponent(long[] current, long maxMantissa) {
        long largest = Arrays.stream(current).map(Math::abs).max().orElse(0);
        int exponent = 0;
        while ((largest >> exponent) > maxMantissa) {
            exponent++;
        }
        for (long value : current) {
            if (value % (1L << exponent) != 0) {
                throw new IllegalStateException("bias " + value + " is not a multiple of 2^" + exponent);
            }
        }
        return exponent;
    }

    private static long[] shift(long[] values, int exponent) {
        return Arrays.stream(values).map(v -> v >> exponent).toArray();
    }
}
