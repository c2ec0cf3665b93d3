package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.snnc.emulator.config.Configuration;
import org.snnc.emulator.config.ConfigurationLoader;

/**
 * A convolution's targets cut into spatial tiles (a channel range × a row range × a column range, each written as
 * neuron blocks of one row of one channel, shuffled) over two or three cores, several tiles to a core, give the same
 * spikes, membranes and synaptic operations, step for step, as the same layer in one block on one core. So a core's
 * kernel segments are right whatever intervals of channels it holds at a position. A random geometry (channels,
 * filters, kernel, stride, padding, groups) and random weights; the layer's input is a population driven by the analog
 * input through one synapse each.
 */
class TiledConvProperties {
    private static final int STEPS = 24;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The convolution's geometry and weights, and the layers around it. */
    private record Geometry(int channels, int height, int width, int filters, int groups, int[] kernel, int[] stride,
                            int[] padding, int outHeight, int outWidth, int[] mantissas, int[] biases,
                            int[] thresholds, int[] drive) {
        static Geometry random(Random random) {
            int groups = 1 + random.nextInt(2);
            int channels = groups * (1 + random.nextInt(2));
            int filters = groups * (1 + random.nextInt(4));
            int height = 2 + random.nextInt(5);
            int width = 2 + random.nextInt(5);
            int[] kernel = {1 + random.nextInt(Math.min(3, height)), 1 + random.nextInt(Math.min(3, width))};
            int[] stride = {1 + random.nextInt(2), 1 + random.nextInt(2)};
            int[] padding = new int[4];
            for (int side = 0; side < 4; side++) {
                padding[side] = random.nextInt(Math.min(2, kernel[side % 2]));
            }
            int outHeight = (height + padding[0] + padding[2] - kernel[0]) / stride[0] + 1;
            int outWidth = (width + padding[1] + padding[3] - kernel[1]) / stride[1] + 1;
            int[] mantissas = new int[filters * channels / groups * kernel[0] * kernel[1]];
            Arrays.setAll(mantissas, unused -> random.nextInt(15) - 7);
            int[] biases = new int[filters * outHeight * outWidth];
            Arrays.setAll(biases, unused -> random.nextInt(7) - 3);
            int[] thresholds = {3 + random.nextInt(20), 3 + random.nextInt(20)};
            int[] drive = new int[channels * height * width];
            Arrays.setAll(drive, unused -> random.nextInt(7));
            return new Geometry(channels, height, width, filters, groups, kernel, stride, padding, outHeight,
                    outWidth, mantissas, biases, thresholds, drive);
        }

        int inputs() {
            return channels * height * width;
        }

        int outputs() {
            return filters * outHeight * outWidth;
        }
    }

    @Property(tries = 60)
    void tiledTargetsRunLikeOneBlock(@ForAll long seed) throws JsonProcessingException {
        Random random = new Random(seed);
        Geometry geometry = Geometry.random(random);
        List<List<int[]>> tiled = tiles(geometry, random);
        Chip whole = chip(geometry, List.of(List.of(new int[] {0, geometry.outputs()})));
        Chip tiles = chip(geometry, tiled);
        int[] image = new int[geometry.inputs()];
        Arrays.setAll(image, unused -> random.nextInt(6));
        Emulator one = new Emulator(whole, false);
        Emulator many = new Emulator(tiles, false);
        one.load(image);
        many.load(image);
        int[][] oneAt = neuronsOf(whole);
        int[][] manyAt = neuronsOf(tiles);
        for (int step = 1; step <= STEPS; step++) {
            one.step();
            many.step();
            assertEquals(one.synapticOps(), many.synapticOps(), "step " + step + ": synaptic operations");
            for (int element = 0; element < geometry.outputs(); element++) {
                String at = "step " + step + ", b[" + element + "]";
                assertEquals(one.spiked(oneAt[element][0], oneAt[element][1]),
                        many.spiked(manyAt[element][0], manyAt[element][1]), at + ": spiked");
                assertEquals(one.membrane(oneAt[element][0], oneAt[element][1]),
                        many.membrane(manyAt[element][0], manyAt[element][1]), at + ": v");
            }
        }
    }

    /**
     * The tiles: channel, row and column ranges cut at random, each tile on a random one of up to three cores, as
     * blocks {first, count} of one row of one channel, shuffled on each core.
     */
    private static List<List<int[]>> tiles(Geometry geometry, Random random) {
        int cores = 2 + random.nextInt(2);
        List<List<int[]>> blocks = new ArrayList<>();
        for (int c = 0; c < cores; c++) {
            blocks.add(new ArrayList<>());
        }
        int[] channelCuts = cuts(geometry.filters(), 4, random);
        int[] rowCuts = cuts(geometry.outHeight(), 2, random);
        int[] columnCuts = cuts(geometry.outWidth(), 2, random);
        for (int f = 0; f + 1 < channelCuts.length; f++) {
            for (int i = 0; i + 1 < rowCuts.length; i++) {
                for (int j = 0; j + 1 < columnCuts.length; j++) {
                    List<int[]> core = blocks.get(random.nextInt(cores));
                    for (int channel = channelCuts[f]; channel < channelCuts[f + 1]; channel++) {
                        for (int row = rowCuts[i]; row < rowCuts[i + 1]; row++) {
                            int first = (channel * geometry.outHeight() + row) * geometry.outWidth() + columnCuts[j];
                            core.add(new int[] {first, columnCuts[j + 1] - columnCuts[j]});
                        }
                    }
                }
            }
        }
        blocks.removeIf(List::isEmpty);
        blocks.forEach(core -> Collections.shuffle(core, random));
        return blocks;
    }

    /** 0, up to {@code most} random cut points in (0, extent), and extent, ascending. */
    private static int[] cuts(int extent, int most, Random random) {
        return IntStream.concat(IntStream.of(0, extent),
                        random.ints(random.nextInt(most + 1), 1, Math.max(2, extent)).filter(cut -> cut < extent))
                .distinct().sorted().toArray();
    }

    /** Per element of b: the core index and local neuron that hold it. */
    private static int[][] neuronsOf(Chip chip) {
        List<Configuration.Core> cores = chip.configuration().cores();
        int[][] at = new int[(int) Chip.product(chip.configuration().layers().get(1).shape())][];
        for (int c = 0; c < cores.size(); c++) {
            int local = 0;
            for (Configuration.NeuronBlock block : cores.get(c).neurons()) {
                for (int k = 0; k < block.count(); k++, local++) {
                    if (block.layer().equals("b")) {
                        at[block.first() + k] = new int[] {c, local};
                    }
                }
            }
        }
        return at;
    }

    /**
     * x (analog) → a (one synapse each, on core 0) → b (the convolution), b's blocks on cores 1, 2, …; every b core
     * has an axon for every element of a.
     */
    private static Chip chip(Geometry g, List<List<int[]>> bCores) throws JsonProcessingException {
        int inputs = g.inputs();
        int[] diagonal = new int[inputs * inputs];
        for (int k = 0; k < inputs; k++) {
            diagonal[k * inputs + k] = 1 + g.drive()[k];
        }
        List<Object> cores = new ArrayList<>();
        List<Object> routes = new ArrayList<>();
        List<Integer> bCoreIds = new ArrayList<>();
        for (int c = 0; c < bCores.size(); c++) {
            routes.add(route("a", inputs, 1 + c));
            bCoreIds.add(1 + c);
        }
        cores.add(core(0, List.<Object>of(block("a", 0, inputs, g.thresholds()[0], new int[inputs])),
                List.<Object>of(axons("x.encoded", inputs)), List.<Object>of(Map.of("kind", "dense", "name", "x.a", "source",
                        "x.encoded", "target", "a", "rows_first", 0, "rows", inputs, "inputs", inputs,
                        "exponent", 0, "mantissas", diagonal)), routes));
        for (int c = 0; c < bCores.size(); c++) {
            List<Object> blocks = new ArrayList<>();
            for (int[] block : bCores.get(c)) {
                blocks.add(block("b", block[0], block[1], g.thresholds()[1],
                        Arrays.copyOfRange(g.biases(), block[0], block[0] + block[1])));
            }
            cores.add(core(1 + c, blocks, List.<Object>of(axons("a", inputs)),
                    List.<Object>of(Map.of("kind", "conv", "name", "conv", "source", "a", "target", "b", "kernel", "conv")),
                    List.of()));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("format", "snnc-config");
        config.put("version", 1);
        config.put("network", "tiled");
        config.put("chip", JSON.readTree("""
                {"format":"snnc-chip/1","name":"wide","cores":4,
                 "core":{"neurons":4096,"input_axons":4096,"output_axons":4096,"synapse_memory":1048576,
                   "bias_memory":4096},
                 "memory_model":"entries","weights":{"bits":4,"exponent_min":0,"exponent_max":0},
                 "neurons":{"threshold_bits":8,"threshold_shift":0,"bias_bits":4,"bias_exponent_max":0,
                   "accumulator_bits":32,"state_bits":32,"overflow":"saturate","fire":"ge",
                   "resets":["subtract","zero"]},
                 "features":{"maxpool_gate":true,"split_layers":true},"routing":{"self_routes":true}}"""));
        config.put("allocator", "greedy");
        config.put("input", Map.of("name", "x.encoded", "input", "x", "shape",
                new int[] {g.channels(), g.height(), g.width()}, "dtype", "u8", "encoding", "analog", "seed", 0));
        config.put("layers", List.of(
                Map.of("name", "a", "shape", new int[] {g.channels(), g.height(), g.width()}, "cores", List.of(0)),
                Map.of("name", "b", "shape", new int[] {g.filters(), g.outHeight(), g.outWidth()}, "cores",
                        bCoreIds)));
        Map<String, Object> kernel = new LinkedHashMap<>();
        kernel.put("name", "conv");
        kernel.put("source", "a");
        kernel.put("target", "b");
        kernel.put("input_shape", new int[] {g.channels(), g.height(), g.width()});
        kernel.put("output_shape", new int[] {g.filters(), g.outHeight(), g.outWidth()});
        kernel.put("kernel", g.kernel());
        kernel.put("stride", g.stride());
        kernel.put("padding", g.padding());
        kernel.put("groups", g.groups());
        kernel.put("exponent", 0);
        kernel.put("mantissas", g.mantissas());
        config.put("kernels", List.of(kernel));
        config.put("gates", List.of());
        config.put("cores", cores);
        config.put("input_routes", List.of(route("x.encoded", inputs, 0)));
        config.put("readout", Map.of("name", "b.readout", "population", "b", "mode", "spikecount", "seed", 0));
        String text = JSON.writeValueAsString(config);
        return Chip.build(ConfigurationLoader.parse(text, "tiled.json"), "tiled.json");
    }

    private static Map<String, Object> block(String layer, int first, int count, int threshold, int[] biases) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("layer", layer);
        block.put("first", first);
        block.put("count", count);
        block.put("threshold", threshold);
        block.put("reset", "subtract");
        block.put("weight_exponent", 0);
        block.put("bias", Map.of("per", "neuron", "exponent", 0, "mantissas", biases));
        return block;
    }

    private static Map<String, Object> axons(String source, int count) {
        return Map.of("source", source, "source_first", 0, "count", count, "axon_first", 0);
    }

    private static Map<String, Object> route(String source, int count, int core) {
        return Map.of("source", source, "source_first", 0, "count", count, "core", core, "axon_first", 0);
    }

    private static Map<String, Object> core(int id, List<Object> neurons, List<Object> axons, List<Object> synapses,
                                            List<Object> routes) {
        Map<String, Object> core = new LinkedHashMap<>();
        core.put("id", id);
        core.put("neurons", neurons);
        core.put("gates", List.of());
        core.put("axons", axons);
        core.put("synapses", synapses);
        core.put("routes", routes);
        core.put("usage", Map.of("neurons", 0, "synapse_memory", 0, "bias_memory", 0, "input_axons", 0,
                "output_axons", 0, "destinations", 0));
        return core;
    }
}
