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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.ir.FixedPoint.IntegerDecay;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.compiler.sim.EarlyExit;
import org.snnc.targets.emit.Configuration.AxonConfig;
import org.snnc.targets.emit.Configuration.BiasConfig;
import org.snnc.targets.emit.Configuration.CoreConfig;
import org.snnc.targets.emit.Configuration.GateBlock;
import org.snnc.targets.emit.Configuration.GateConfig;
import org.snnc.targets.emit.Configuration.InputConfig;
import org.snnc.targets.emit.Configuration.KernelConfig;
import org.snnc.targets.emit.Configuration.LayerConfig;
import org.snnc.targets.emit.Configuration.NeuronBlock;
import org.snnc.targets.emit.Configuration.ReadoutConfig;
import org.snnc.targets.emit.Configuration.RouteConfig;
import org.snnc.targets.emit.Configuration.SynapseConfig;
import org.snnc.targets.emit.Configuration.UsageConfig;
import org.snnc.targets.mapping.AxonBlock;
import org.snnc.targets.mapping.BoxCover;
import org.snnc.targets.mapping.CoreMapping;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.mapping.Piece;
import org.snnc.targets.mapping.Route;
import org.snnc.targets.mapping.Tile;
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

    /** The configuration of {@code mapping}, asking the host for no early exit. */
    public static Configuration configuration(Mapping mapping) {
        return configuration(mapping, Optional.empty());
    }

    /**
     * The configuration of {@code mapping}; its readout asks the host for {@code earlyExit} (margin in thresholds B),
     * written as {@code exit_margin} = ⌈B·θ⌉ membrane LSBs of the output population ({@link EarlyExit#lsbs}).
     */
    public static Configuration configuration(Mapping mapping, Optional<EarlyExit> earlyExit) {
        SynapticNetwork network = mapping.network();
        var input = network.input();
        JsonNode chip = readTree(ChipSpecs.toJson(mapping.chip()));
        Map<String, Shape> shapes = new HashMap<>();
        network.sources().forEach((name, source) -> shapes.put(name, source.shape()));
        List<CoreConfig> cores = mapping.cores().stream().map(core -> core(network, core, mapping, shapes)).toList();
        return new Configuration(Configuration.FORMAT, Configuration.VERSION, network.name(), chip,
                mapping.allocator(),
                new InputConfig(input.name(), input.input(), input.shape().dims(), input.dtype().spelling(),
                        input.encoding().spelling(), input.maxEvents().isPresent() ? input.maxEvents().getAsInt()
                                : null, input.seed()),
                network.populations().stream().map(p -> new LayerConfig(p.name(), p.shape().dims(),
                        coresHolding(mapping, p.name()))).toList(),
                network.populations().stream().flatMap(p -> p.projections().stream())
                        .filter(projection -> projection.synapse() instanceof ConvSynapse)
                        .map(ConfigurationEmitter::kernel).toList(),
                network.gates().stream().map(ConfigurationEmitter::gate).toList(),
                cores,
                routes(mapping.inputRoutes(), shapes),
                readout(network, earlyExit));
    }

    private static ReadoutConfig readout(SynapticNetwork network, Optional<EarlyExit> earlyExit) {
        var readout = network.readout();
        long theta = network.populations().stream().filter(p -> p.name().equals(readout.population()))
                .findFirst().orElseThrow().threshold();
        return new ReadoutConfig(readout.name(), readout.population(), readout.mode().spelling(),
                readout.window() == ReadoutWindow.ALL ? null : readout.window().spelling(), readout.seed(),
                earlyExit.map(exit -> EarlyExit.lsbs(exit.margin(), theta)).orElse(null),
                earlyExit.map(EarlyExit::steps).orElse(null));
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

    private static CoreConfig core(SynapticNetwork network, CoreMapping core, Mapping mapping,
            Map<String, Shape> shapes) {
        List<NeuronBlock> neurons = new ArrayList<>();
        List<SynapseConfig> synapses = new ArrayList<>();
        Set<String> kernels = new HashSet<>();
        Map<String, Integer> biasExponents = new HashMap<>();
        for (Tile tile : core.tiles()) {
            Population population = network.population(tile.unit());
            int biasExponent = biasExponents.computeIfAbsent(population.name(),
                    name -> biasExponent(population.current(), mapping.chip().neurons().maxBiasMantissa()));
            neurons.add(neuronBlock(population, tile, biasExponent, false));
            for (Projection projection : population.projections()) {
                // A conv entry applies its kernel to all of the core's neurons of its target, so a core holding
                // several tiles of one layer lists it once; a dense entry holds one tile's rows.
                if (projection.synapse() instanceof DenseSynapse || kernels.add(projection.node())) {
                    synapses.add(synapse(projection, tile));
                }
            }
        }
        bySource(core.replicas()).forEach((layer, runs) -> {
            Population population = network.population(layer);
            int biasExponent = biasExponents.computeIfAbsent(layer,
                    name -> biasExponent(population.current(), mapping.chip().neurons().maxBiasMantissa()));
            boxes(layer, shapes, runs).forEach(box -> neurons.add(neuronBlock(population, box, biasExponent, true)));
        });
        List<AxonConfig> axons = new ArrayList<>();
        int axon = 0;
        for (Map.Entry<String, List<AxonBlock>> source : core.axons().stream()
                .collect(Collectors.groupingBy(AxonBlock::source, LinkedHashMap::new, Collectors.toList())).entrySet()) {
            List<Piece> keys = source.getValue().stream()
                    .map(block -> new Piece(block.source(), block.first(), block.count())).toList();
            // Population axons are keyed by position: one per position of a box, every channel arriving as its atom.
            boolean positions = source.getValue().get(0).positions();
            Shape shape = shapes.get(source.getKey());
            List<Tile> boxes = positions ? BoxCover.of(source.getKey(), shape.dim(1), shape.dim(2), keys)
                    : boxes(source.getKey(), shapes, keys);
            for (Tile box : boxes) {
                axons.add(new AxonConfig(box.unit(), positions ? List.of(0, shape.dim(0)) : channels(box), rows(box),
                        cols(box), axon, positions));
                axon += box.size();
            }
        }
        var usage = core.usage();
        return new CoreConfig(core.core(), neurons,
                bySource(core.gates()).entrySet().stream().flatMap(gate -> boxes(gate.getKey(), shapes,
                        gate.getValue()).stream()).map(box -> new GateBlock(box.unit(), channels(box), rows(box), cols(box))).toList(),
                axons, synapses, routes(core.routes(), shapes),
                new UsageConfig(usage.neurons(), usage.synapseMemory(), usage.biasMemory(), usage.inputAxons(),
                        usage.outputAxons(), usage.destinations()));
    }

    private static NeuronBlock neuronBlock(Population population, Tile box, int biasExponent, boolean replica) {
        Optional<IntegerDecay> decay = population.fixed().decay();
        return new NeuronBlock(population.name(), channels(box), rows(box), cols(box), population.threshold(),
                population.reset().spelling(), population.initialMembrane(), population.fixed().weightExponent(),
                bias(population, box, biasExponent), replica, decay.map(IntegerDecay::current).orElse(null),
                decay.map(IntegerDecay::voltage).orElse(null));
    }

    private static List<Integer> channels(Tile box) {
        return List.of(box.channelFirst(), box.channels());
    }

    private static List<Integer> rows(Tile box) {
        return List.of(box.rowFirst(), box.rows());
    }

    private static List<Integer> cols(Tile box) {
        return List.of(box.colFirst(), box.cols());
    }

    /** The runs grouped by their unit, in first-seen order (the mapping lists units in network order). */
    private static Map<String, List<Piece>> bySource(List<Piece> runs) {
        Map<String, List<Piece>> grouped = new LinkedHashMap<>();
        runs.forEach(run -> grouped.computeIfAbsent(run.unit(), unit -> new ArrayList<>()).add(run));
        grouped.values().forEach(list -> list.sort(Comparator.comparingInt(Piece::first)));
        return grouped;
    }

    private static List<Tile> boxes(String unit, Map<String, Shape> shapes, List<Piece> runs) {
        Shape shape = shapes.get(unit);
        return shape.rank() == 3 ? BoxCover.of(unit, shape.dim(1), shape.dim(2), runs)
                : BoxCover.of(unit, 1, 1, runs);
    }

    /**
     * The routes as boxes: for each source and destination core (in the order the routes come), the boxes covering
     * the elements sent there. Which axon each element lands on is the destination's affair (its axon boxes).
     */
    private static List<RouteConfig> routes(List<Route> routes, Map<String, Shape> shapes) {
        Map<List<Object>, List<Piece>> byDestination = new LinkedHashMap<>();
        for (Route route : routes) {
            byDestination.computeIfAbsent(List.of(route.source(), route.destinationCore()), key -> new ArrayList<>())
                    .add(new Piece(route.source(), route.sourceFirst(), route.count()));
        }
        List<RouteConfig> configs = new ArrayList<>();
        byDestination.forEach((key, runs) -> {
            runs.sort(Comparator.comparingInt(Piece::first));
            for (Tile box : boxes((String) key.get(0), shapes, runs)) {
                configs.add(new RouteConfig(box.unit(), channels(box), rows(box), cols(box), (Integer) key.get(1)));
            }
        });
        return configs;
    }

    private static SynapseConfig synapse(Projection projection, Tile tile) {
        if (projection.synapse() instanceof DenseSynapse dense) {
            if (tile.rows() != 1 || tile.cols() != 1) {
                throw new IllegalStateException("dense projection " + projection.node() + " into a [C, H, W] layer");
            }
            int first = tile.channelFirst();
            int[] rows = Arrays.copyOfRange(dense.mantissas(), first * dense.inputs(),
                    (first + tile.channels()) * dense.inputs());
            return new SynapseConfig("dense", projection.node(), projection.source(), projection.target(), null,
                    first, tile.channels(), dense.inputs(), dense.exponent(), rows);
        }
        return new SynapseConfig("conv", projection.node(), projection.source(), projection.target(),
                projection.node(), null, null, null, null, null);
    }

    /** The tile's bias mantissas, per channel when each channel's neurons share one value, else per neuron. */
    static BiasConfig bias(Population population, Tile tile, int exponent) {
        long[] current = population.current();
        long[] block = new long[tile.size()];
        int k = 0;
        for (Piece run : tile.runs()) {
            System.arraycopy(current, run.first(), block, k, run.count());
            k += run.count();
        }
        int perChannel = tile.rows() * tile.cols();
        long[] channels = new long[tile.channels()];
        boolean uniform = true;
        for (int i = 0; i < block.length && uniform; i++) {
            channels[i / perChannel] = block[i - i % perChannel];
            uniform = block[i] == channels[i / perChannel];
        }
        return uniform && population.shape().rank() == 3 ? new BiasConfig("channel", exponent, shift(channels, exponent))
                : new BiasConfig("neuron", exponent, shift(block, exponent));
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
