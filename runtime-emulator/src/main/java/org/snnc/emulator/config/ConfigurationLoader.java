package org.snnc.emulator.config;

import static org.snnc.emulator.config.Configuration.DECAY_ONE;
import static org.snnc.emulator.config.ConfigurationError.BAD_FIELD;
import static org.snnc.emulator.config.ConfigurationError.INCONSISTENT;
import static org.snnc.emulator.config.ConfigurationError.NOT_A_CONFIGURATION;
import static org.snnc.emulator.config.ConfigurationError.NOT_JSON;
import static org.snnc.emulator.config.ConfigurationError.OVER_BUDGET;
import static org.snnc.emulator.config.ConfigurationError.UNREADABLE;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snnc.emulator.EmulatorException;
import org.snnc.emulator.config.Configuration.AxonBlock;
import org.snnc.emulator.config.Configuration.Core;
import org.snnc.emulator.config.Configuration.GateBlock;
import org.snnc.emulator.config.Configuration.GateUnit;
import org.snnc.emulator.config.Configuration.InputEncoding;
import org.snnc.emulator.config.Configuration.InputSpec;
import org.snnc.emulator.config.Configuration.Kernel;
import org.snnc.emulator.config.Configuration.Layer;
import org.snnc.emulator.config.Configuration.NeuronBlock;
import org.snnc.emulator.config.Configuration.NeuronFormat;
import org.snnc.emulator.config.Configuration.EarlyExit;
import org.snnc.emulator.config.Configuration.ReadoutWindow;
import org.snnc.emulator.config.Configuration.Readout;
import org.snnc.emulator.config.Configuration.ReadoutMode;
import org.snnc.emulator.config.Configuration.Route;
import org.snnc.emulator.config.Configuration.Synapse;
import org.snnc.emulator.config.Configuration.WeightFormat;

/**
 * Reads a `config.json` and checks all of it, field by field and then for consistency (see {@link ConsistencyCheck}),
 * before anything is sized from it: every declared size is counted against the emulator's {@link EntryBudget} as it is
 * read, before a box is cut into runs or a table is built. Every problem found is reported in one
 * {@link EmulatorException}, one line each, naming the field by its JSON path (or a syntax error by line:column) and
 * ending with its {@link ConfigurationError} code.
 */
public final class ConfigurationLoader {
    /** The newest configuration format version this emulator reads; version 1 wrote runs where 2 writes boxes. */
    static final int VERSION = 2;
    private static final int MAX_NESTING = 64;
    /** The most bytes one array (the file's text) may have. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
    /** An upper estimate of the heap a byte of JSON takes as a tree: a 2-byte number is a 16-byte node and its slot. */
    private static final long TREE_BYTES_PER_BYTE = 12;
    /** Where Jackson's messages turn from the reason to advice, a source excerpt or its own internals. */
    private static final List<String> JACKSON_ADVICE = List.of(": enable", "; enable", " (for ", " (start marker",
            " (not recognized", " (bound as", ": not allowed as per");
    private static final int MAX_BITS = 62;
    private static final int MAX_CHIP_CORES = 1_000_000;
    /** The most events per element and step a sequence input may declare ({@code input.max_events}). */
    private static final int MAX_EVENTS = 65_535;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
    }

    private ConfigurationLoader() {}

    /**
     * Reads and checks the configuration at {@code file}. It must be a regular file: a directory, a device or a FIFO
     * (even behind a symlink) is refused before it is opened, since /dev/zero or a pipe would never end. At most the
     * file's size is read, and a file too large to parse on this heap ({@link #maxFileBytes()}) is refused unread.
     */
    public static Configuration load(Path file) {
        String name = String.valueOf(file.getFileName());
        if (!Files.exists(file)) {
            throw new EmulatorException(UNREADABLE.at(name, "", "the file does not exist"));
        }
        if (Files.isDirectory(file)) {
            throw new EmulatorException(UNREADABLE.at(name, "", "is a directory, not a configuration file"));
        }
        if (!Files.isRegularFile(file)) {
            throw new EmulatorException(UNREADABLE.at(name, "",
                    "is not a regular file (a device, FIFO or socket); give the configuration file itself"));
        }
        try {
            long size = Files.size(file);
            if (size > maxFileBytes()) {
                throw new EmulatorException(OVER_BUDGET.at(name, "", "the file's " + size + " bytes exceed the "
                        + maxFileBytes() + " this heap can parse (a parsed byte takes up to " + TREE_BYTES_PER_BYTE
                        + " bytes); give Java a larger -Xmx"));
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) size);
            }
            return parse(bytes, name);
        } catch (AccessDeniedException e) {
            throw new EmulatorException(UNREADABLE.at(name, "", "cannot read the file: permission denied"));
        } catch (IOException e) {
            // The exception's message may spell the file's absolute path; the user knows which file they gave.
            throw new EmulatorException(UNREADABLE.at(name, "", "cannot read the file: "
                    + String.valueOf(e.getMessage()).replace(file.toString(), name)));
        }
    }

    /** The largest configuration file this heap parses: its JSON tree takes up to {@link #TREE_BYTES_PER_BYTE} each. */
    static long maxFileBytes() {
        return Math.min(MAX_ARRAY_BYTES, Runtime.getRuntime().maxMemory() / TREE_BYTES_PER_BYTE);
    }

    /** Parses and checks configuration text; {@code fileName} starts every message. */
    public static Configuration parse(String text, String fileName) {
        return parse(text.getBytes(StandardCharsets.UTF_8), fileName);
    }

    private static Configuration parse(byte[] text, String fileName) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String message = "not valid JSON: " + plainReason(e.getOriginalMessage());
            throw new EmulatorException(at == null || at.getLineNr() < 1 ? NOT_JSON.at(fileName, "", message)
                    : NOT_JSON.at(fileName, at.getLineNr(), at.getColumnNr(), message));
        } catch (IOException e) {
            // Not a syntax error but undecodable bytes (CharConversionException), which Jackson does not locate.
            throw new EmulatorException(NOT_JSON.at(fileName, "", "not valid JSON: " + plainReason(e.getMessage())));
        }
        Fields fields = new Fields(fileName);
        if (root == null || !root.isObject()) {
            throw new EmulatorException(NOT_JSON.at(fileName, "", "expected one JSON object"));
        }
        Configuration configuration = read(root, fields);
        if (fields.failed()) {
            throw new EmulatorException(fields.problems());
        }
        new ConsistencyCheck(configuration, fields).run();
        if (fields.failed()) {
            throw new EmulatorException(fields.problems());
        }
        return configuration;
    }

    /**
     * Jackson's account of a syntax error as a plain reason: its first sentence without the advice on parser features
     * (`enable JsonReadFeature.ALLOW_…`), the source excerpt ({@code (for Object starting at [Source: …])}) or the
     * names of its internals, which mean nothing to someone holding a config.json; the location is given apart.
     */
    static String plainReason(String jacksonMessage) {
        String reason = String.valueOf(jacksonMessage).lines().findFirst().orElse("");
        if (reason.startsWith("Trailing token")) {
            return "more text follows the JSON value";
        }
        for (String advice : JACKSON_ADVICE) {
            int at = reason.indexOf(advice);
            reason = at < 0 ? reason : reason.substring(0, at);
        }
        reason = reason.replaceAll("\\(([^()]*), from `[^`]*`\\)", "($1)")
                .replaceAll("\\('(.+?)' \\(code \\d+\\)\\)", "'$1'")
                .replaceAll("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)", "(control character $1)")
                .strip();
        if (reason.isEmpty() || reason.contains("`") || reason.contains("Feature") || reason.contains("Source")) {
            return "malformed JSON";
        }
        return Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }

    private static Configuration read(JsonNode root, Fields fields) {
        String format = fields.text(root, "", "format");
        if (!fields.failed() && !format.equals("snnc-config")) {
            fields.problem(NOT_A_CONFIGURATION, "format",
                    "'" + format + "' is not a chip configuration; expected 'snnc-config'");
        }
        JsonNode versionNode = fields.required(root, "", "version");
        if (versionNode != null && !(versionNode.isIntegralNumber() && versionNode.asLong() >= 1
                && versionNode.asLong() <= VERSION)) {
            fields.problem(NOT_A_CONFIGURATION, "version",
                    versionNode + " is not supported; this emulator reads versions 1 to " + VERSION);
        }
        if (fields.failed()) {
            throw new EmulatorException(fields.problems());
        }
        String network = fields.text(root, "", "network");
        JsonNode chip = fields.object(root, "", "chip");
        int chipCores = fields.integer(chip, "chip", "cores", 1, MAX_CHIP_CORES);
        WeightFormat weights = readWeights(fields.object(chip, "chip", "weights"), fields);
        // The emulator reads only these features of the chip's: the others shaped the mapping, not the step.
        boolean cubaDecay = fields.flag(chip == null ? null : chip.get("features"), "chip.features", "cuba_decay",
                false);
        NeuronFormat neurons = readNeurons(fields.object(chip, "chip", "neurons"), fields, weights, cubaDecay);
        boolean earlyExitFeature = fields.flag(chip == null ? null : chip.get("features"), "chip.features",
                "early_exit", false);
        InputSpec input = readInput(fields.object(root, "", "input"), fields);

        List<Layer> layers = new ArrayList<>();
        List<JsonNode> layerNodes = fields.array(root, "", "layers");
        for (int i = 0; i < layerNodes.size(); i++) {
            String path = Fields.at("layers", i);
            JsonNode node = fields.element(layerNodes.get(i), path);
            layers.add(new Layer(fields.text(node, path, "name"), shape(node, path, "shape", fields),
                    fields.ints(node, path, "cores", 1, Integer.MAX_VALUE, 0, Integer.MAX_VALUE)));
        }
        if (layers.isEmpty() && !fields.failed()) {
            fields.problem(BAD_FIELD, "layers", "the configuration holds no population");
        }
        List<Kernel> kernels = new ArrayList<>();
        List<JsonNode> kernelNodes = fields.array(root, "", "kernels");
        for (int i = 0; i < kernelNodes.size(); i++) {
            String path = Fields.at("kernels", i);
            JsonNode node = fields.element(kernelNodes.get(i), path);
            kernels.add(new Kernel(fields.text(node, path, "name"), fields.text(node, path, "source"),
                    fields.text(node, path, "target"), shape(node, path, "input_shape", fields),
                    shape(node, path, "output_shape", fields), pair(node, path, "kernel", fields),
                    pair(node, path, "stride", fields),
                    fields.ints(node, path, "padding", 4, 4, 0, Integer.MAX_VALUE),
                    fields.integer(node, path, "groups", 1, Integer.MAX_VALUE),
                    fields.integer(node, path, "exponent", weights.exponentMin(), weights.exponentMax()),
                    mantissas(node, path, "mantissas", weights.bits(), fields)));
        }
        List<GateUnit> gates = new ArrayList<>();
        List<JsonNode> gateNodes = fields.array(root, "", "gates");
        for (int i = 0; i < gateNodes.size(); i++) {
            String path = Fields.at("gates", i);
            JsonNode node = fields.element(gateNodes.get(i), path);
            String estimator = fields.choice(node, path, "estimator", Set.of("count", "ema"));
            if (estimator.equals("ema")) {
                fields.problem(BAD_FIELD, Fields.at(path, "estimator"),
                        "'ema' gates are not supported by the emulator; it implements the running-count gate");
            }
            gates.add(new GateUnit(fields.text(node, path, "name"), fields.text(node, path, "population"),
                    shape(node, path, "shape", fields), pair(node, path, "kernel", fields),
                    pair(node, path, "stride", fields),
                    fields.ints(node, path, "padding", 4, 4, 0, Integer.MAX_VALUE)));
        }
        Map<String, int[]> shapes = new HashMap<>();
        shapes.put(input.name(), input.shape());
        fields.budget().spend("input.shape", ConsistencyCheck.size(input.shape()), "the input's elements");
        for (int i = 0; i < layers.size(); i++) {
            shapes.put(layers.get(i).name(), layers.get(i).shape());
            fields.budget().spend(Fields.at(Fields.at("layers", i), "shape"),
                    ConsistencyCheck.size(layers.get(i).shape()), "the neurons of '" + layers.get(i).name() + "'");
        }
        for (int i = 0; i < gates.size(); i++) {
            shapes.put(gates.get(i).name(), gates.get(i).shape());
            fields.budget().spend(Fields.at(Fields.at("gates", i), "shape"),
                    ConsistencyCheck.size(gates.get(i).shape()), "the outputs of '" + gates.get(i).name() + "'");
        }
        // The cores' boxes are read against these shapes, and their arithmetic (flat elements, ranks) fits an int
        // only when every shape does.
        if (fields.failed()) {
            throw new EmulatorException(fields.problems());
        }
        List<JsonNode> coreNodes = fields.array(root, "", "cores");
        Map<Integer, AxonIndex> axonIndex = new HashMap<>();
        List<Core> drafts = new ArrayList<>();
        for (int i = 0; i < coreNodes.size(); i++) {
            Core draft = readCore(fields.element(coreNodes.get(i), Fields.at("cores", i)), Fields.at("cores", i),
                    fields, weights, neurons, shapes, axonIndex);
            drafts.add(draft);
        }
        List<Core> cores = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Core draft = drafts.get(i);
            cores.add(new Core(draft.id(), draft.neurons(), draft.gates(), draft.axons(), draft.synapses(),
                    readRoutes(fields.element(coreNodes.get(i), Fields.at("cores", i)), Fields.at("cores", i),
                            "routes", fields, shapes, axonIndex)));
        }
        if (cores.isEmpty() && !fields.failed()) {
            fields.problem(BAD_FIELD, "cores", "the configuration uses no core");
        }
        List<Route> inputRoutes = readRoutes(root, "", "input_routes", fields, shapes, axonIndex);
        Readout readout = readReadout(fields.object(root, "", "readout"), fields, earlyExitFeature);
        return new Configuration(network, chipCores, weights, neurons, input, layers, kernels, gates, cores,
                inputRoutes, readout);
    }

    private static WeightFormat readWeights(JsonNode node, Fields fields) {
        int bits = fields.integer(node, "chip.weights", "bits", 2, MAX_BITS);
        int min = fields.integer(node, "chip.weights", "exponent_min", 0, MAX_BITS);
        int max = fields.integer(node, "chip.weights", "exponent_max", 0, MAX_BITS);
        if (min > max) {
            fields.problem(BAD_FIELD, "chip.weights.exponent_min", min + " must be at most exponent_max " + max);
            max = min;
        }
        return new WeightFormat(bits, min, max);
    }

    private static NeuronFormat readNeurons(JsonNode node, Fields fields, WeightFormat weights, boolean cubaDecay) {
        String path = "chip.neurons";
        int thresholdBits = fields.integer(node, path, "threshold_bits", 1, MAX_BITS);
        int thresholdShift = fields.integer(node, path, "threshold_shift", 0, MAX_BITS);
        int biasBits = fields.integer(node, path, "bias_bits", 2, MAX_BITS);
        int biasExponentMax = fields.integer(node, path, "bias_exponent_max", 0, MAX_BITS);
        int accumulatorBits = fields.integer(node, path, "accumulator_bits", 2, MAX_BITS);
        int stateBits = fields.integer(node, path, "state_bits", 2, MAX_BITS);
        boolean saturate = fields.choice(node, path, "overflow", Set.of("saturate", "wrap")).equals("saturate");
        boolean hasFloor = node != null && node.has("membrane_floor");
        long floor = hasFloor
                ? fields.integerValue(node.get("membrane_floor"), Fields.at(path, "membrane_floor"),
                        -(1L << (stateBits - 1)), 0)
                : 0;
        boolean fireAtThreshold = fields.choice(node, path, "fire", Set.of("ge", "gt")).equals("ge");
        List<JsonNode> resets = fields.array(node, path, "resets");
        boolean subtract = false;
        boolean zero = false;
        for (int i = 0; i < resets.size(); i++) {
            String reset = resets.get(i).isTextual() ? resets.get(i).textValue() : "";
            if (reset.equals("subtract") && !subtract) {
                subtract = true;
            } else if (reset.equals("zero") && !zero) {
                zero = true;
            } else {
                fields.problem(BAD_FIELD, Fields.at(Fields.at(path, "resets"), i),
                        resets.get(i) + " must be 'subtract' or 'zero', each at most once");
            }
        }
        if (!subtract && !zero && !fields.failed()) {
            fields.problem(BAD_FIELD, Fields.at(path, "resets"), "the chip must implement at least one reset");
        }
        if (!fields.failed()) {
            int widest = weights.bits() + weights.exponentMax();
            if (accumulatorBits < widest) {
                fields.problem(BAD_FIELD, Fields.at(path, "accumulator_bits"), accumulatorBits
                        + " must be at least weights.bits + weights.exponent_max = " + widest);
            }
            if (stateBits < widest) {
                fields.problem(BAD_FIELD, Fields.at(path, "state_bits"), stateBits
                        + " must be at least weights.bits + weights.exponent_max = " + widest);
            }
            if (thresholdBits + thresholdShift > stateBits - 1) {
                fields.problem(BAD_FIELD, Fields.at(path, "threshold_bits"), "threshold_bits + threshold_shift = "
                        + (thresholdBits + thresholdShift) + " must be at most state_bits - 1 = " + (stateBits - 1));
            }
            if (biasBits + biasExponentMax > stateBits) {
                fields.problem(BAD_FIELD, Fields.at(path, "bias_bits"), "bias_bits + bias_exponent_max = "
                        + (biasBits + biasExponentMax) + " must be at most state_bits = " + stateBits);
            }
        }
        return new NeuronFormat(thresholdBits, thresholdShift, biasBits, biasExponentMax, accumulatorBits, stateBits,
                saturate, hasFloor, floor, fireAtThreshold, subtract, zero, cubaDecay);
    }

    private static InputSpec readInput(JsonNode node, Fields fields) {
        String name = fields.text(node, "input", "name");
        int[] shape = shape(node, "input", "shape", fields);
        String dtype = fields.choice(node, "input", "dtype", Set.of("u8", "i8", "i32", "i64", "f32", "f64"));
        String encoding = fields.choice(node, "input", "encoding", Set.of("analog", "poisson", "sequence"));
        fields.integer(node, "input", "seed", 0L, Long.MAX_VALUE);
        if (encoding.equals("poisson")) {
            fields.problem(BAD_FIELD, "input.encoding",
                    "'poisson' input is not supported by the emulator; compile with analog or sequence input");
        }
        if (encoding.equals("sequence")) {
            // Event counts are integers whatever the stored type; the data's values are checked as they are read.
            int maxEvents = fields.integer(node, "input", "max_events", 1, MAX_EVENTS);
            return new InputSpec(name, shape, dtype, InputEncoding.SEQUENCE, maxEvents);
        }
        if (!dtype.isEmpty() && !dtype.equals("u8") && !dtype.equals("i8") && !dtype.equals("i32")) {
            fields.problem(BAD_FIELD, "input.dtype",
                    "'" + dtype + "' is not an integer input; the emulator feeds raw integer values");
        }
        return new InputSpec(name, shape, dtype, InputEncoding.ANALOG, 0);
    }

    /** An axon box of a core: element e of the box arrives on (internal) axon axonFirst + the box's rank of e. */
    private record AxonBox(String path, BoxRuns box, int axonFirst) {
    }

    /**
     * An axon box as the file declares it: {@code count} axons from {@code axonFirst}, one per element, or with
     * {@code population} one per position (row, col) of the box, every channel of the box arriving on it as the atom.
     */
    private record DeclaredAxons(String path, BoxRuns box, int axonFirst, int count, boolean population) {
    }

    /**
     * The boxes with the axons the emulator keys its synapses by: the declared axons of a box of elements, and for a
     * population box one internal axon per (atom, position), numbered after every declared axon, since a population
     * axon's synapses depend on the atom it carries. The declared axons of a core's boxes must be disjoint: sorted by
     * their first axon, a box overlaps an earlier one exactly when it starts before the largest end so far.
     */
    private static List<AxonBox> internalAxons(List<DeclaredAxons> declared, Fields fields) {
        List<DeclaredAxons> byFirst = new ArrayList<>(declared);
        byFirst.sort(Comparator.comparingInt(DeclaredAxons::axonFirst));
        DeclaredAxons reaching = null;
        for (DeclaredAxons axons : byFirst) {
            long end = (long) axons.axonFirst() + axons.count();
            if (reaching != null && axons.axonFirst() < (long) reaching.axonFirst() + reaching.count()) {
                fields.problem(INCONSISTENT, Fields.at(axons.path(), "axon_first"),
                        "axons [" + axons.axonFirst() + ", " + end
                        + ") overlap axons [" + reaching.axonFirst() + ", "
                        + ((long) reaching.axonFirst() + reaching.count()) + ") of " + reaching.path());
            }
            if (reaching == null || end > (long) reaching.axonFirst() + reaching.count()) {
                reaching = axons;
            }
        }
        long next = declared.stream().mapToLong(axons -> (long) axons.axonFirst() + axons.count()).max().orElse(0);
        List<AxonBox> boxes = new ArrayList<>();
        for (DeclaredAxons axons : declared) {
            if (!axons.population()) {
                boxes.add(new AxonBox(axons.path(), axons.box(), axons.axonFirst()));
            } else if (next + axons.box().size() <= Integer.MAX_VALUE) {
                boxes.add(new AxonBox(axons.path(), axons.box(), (int) next));
                next += axons.box().size();
            } else {
                fields.problem(OVER_BUDGET, axons.path(), "more than 2^31 - 1 (atom, axon) pairs on one core");
            }
        }
        return boxes;
    }

    /**
     * One core with its boxes expanded into runs and its routes still to resolve (none yet); its axon blocks go into
     * {@code axonIndex} under its id, for the routes into it.
     */
    private static Core readCore(JsonNode node, String path, Fields fields, WeightFormat weights,
                                 NeuronFormat format, Map<String, int[]> shapes, Map<Integer, AxonIndex> axonIndex) {
        int id = fields.integer(node, path, "id", 0, MAX_CHIP_CORES - 1);
        List<NeuronBlock> neurons = new ArrayList<>();
        List<JsonNode> neuronNodes = fields.array(node, path, "neurons");
        for (int i = 0; i < neuronNodes.size(); i++) {
            String blockPath = Fields.at(Fields.at(path, "neurons"), i);
            neurons.addAll(readNeuronBlocks(fields.element(neuronNodes.get(i), blockPath), blockPath, fields, weights,
                    format, shapes));
        }
        List<GateBlock> gates = new ArrayList<>();
        List<JsonNode> gateNodes = fields.array(node, path, "gates");
        for (int i = 0; i < gateNodes.size(); i++) {
            String blockPath = Fields.at(Fields.at(path, "gates"), i);
            JsonNode gate = fields.element(gateNodes.get(i), blockPath);
            String unit = fields.text(gate, blockPath, "unit");
            BoxRuns box = BoxRuns.read(gate, blockPath, unit, shapes, fields);
            if (box != null && box.spendRuns(blockPath, fields)) {
                box.runs().forEach(run -> gates.add(new GateBlock(unit, run.first(), run.count())));
            }
        }
        List<DeclaredAxons> declared = new ArrayList<>();
        List<JsonNode> axonNodes = fields.array(node, path, "axons");
        for (int i = 0; i < axonNodes.size(); i++) {
            String blockPath = Fields.at(Fields.at(path, "axons"), i);
            JsonNode axon = fields.element(axonNodes.get(i), blockPath);
            String source = fields.text(axon, blockPath, "source");
            int axonFirst = fields.integer(axon, blockPath, "axon_first", 0, Integer.MAX_VALUE);
            boolean population = fields.flag(axon, blockPath, "population", false);
            BoxRuns box = BoxRuns.read(axon, blockPath, source, shapes, fields);
            if (box == null) {
                continue;
            }
            long count = population ? (long) box.rows() * box.cols() : box.size();
            if (axonFirst + count <= Integer.MAX_VALUE) {
                declared.add(new DeclaredAxons(blockPath, box, axonFirst, (int) count, population));
            } else {
                fields.problem(OVER_BUDGET, Fields.at(blockPath, "axon_first"), "axons beyond 2^31 - 1");
            }
        }
        List<AxonBox> boxes = internalAxons(declared, fields);
        List<AxonIndex.Placed> placed = new ArrayList<>();
        AxonBox highest = null;
        for (AxonBox axonBox : boxes) {
            if (highest == null || axonBox.axonFirst() + axonBox.box().size() > highest.axonFirst()
                    + highest.box().size()) {
                highest = axonBox;
            }
            if (axonBox.box().spendRuns(axonBox.path(), fields)) {
                axonBox.box().runs().forEach(run -> placed.add(new AxonIndex.Placed(new AxonBlock(axonBox.box().unit(),
                        run.first(), run.count(), axonBox.axonFirst() + run.rank()), axonBox.path())));
            }
        }
        if (highest != null) {
            // The emulator keeps a table row per axon up to the highest, used or not.
            long span = highest.axonFirst() + highest.box().size();
            fields.budget().spend(Fields.at(highest.path(), "axon_first"), span, "axons 0 to " + (span - 1)
                    + " of core " + id);
        }
        List<AxonBlock> axons = placed.stream().map(AxonIndex.Placed::block).toList();
        axonIndex.put(id, new AxonIndex(placed, fields));
        List<Synapse> synapses = new ArrayList<>();
        List<JsonNode> synapseNodes = fields.array(node, path, "synapses");
        for (int i = 0; i < synapseNodes.size(); i++) {
            String synapsePath = Fields.at(Fields.at(path, "synapses"), i);
            Synapse synapse = readSynapse(fields.element(synapseNodes.get(i), synapsePath), synapsePath, fields,
                    weights);
            int[] source = shapes.get(synapse.source());
            fields.budget().spend(synapsePath, synapse.mantissas().length
                    + (source == null ? 0 : ConsistencyCheck.size(source)), "its matrix entries and source elements");
            synapses.add(synapse);
        }
        return new Core(id, neurons, gates, axons, synapses, List.of());
    }

    /**
     * A box of neurons as one block per run of the box; a run's bias is its slice of the box's mantissas (per neuron),
     * or the mantissas of the channels it spans (per channel).
     */
    private static List<NeuronBlock> readNeuronBlocks(JsonNode node, String path, Fields fields, WeightFormat weights,
                                                      NeuronFormat format, Map<String, int[]> shapes) {
        String layer = fields.text(node, path, "layer");
        BoxRuns box = BoxRuns.read(node, path, layer, shapes, fields);
        long unit = 1L << format.thresholdShift();
        long maxThreshold = ((1L << format.thresholdBits()) - 1) * unit;
        long threshold = fields.integer(node, path, "threshold", 1, maxThreshold);
        if (threshold % unit != 0) {
            fields.problem(BAD_FIELD, Fields.at(path, "threshold"),
                    threshold + " must be a multiple of 2^threshold_shift = "
                    + unit);
        }
        long initialMembrane = fields.optionalInteger(node, path, "v0", 0, 0, Math.max(0, threshold - 1));
        String reset = fields.choice(node, path, "reset", Set.of("subtract", "zero"));
        if ((reset.equals("subtract") && !format.subtractResetAllowed())
                || (reset.equals("zero") && !format.zeroResetAllowed())) {
            fields.problem(BAD_FIELD, Fields.at(path, "reset"), "'" + reset + "' is not a reset this chip implements");
        }
        int weightExponent = fields.integer(node, path, "weight_exponent", weights.exponentMin(),
                weights.exponentMax());
        JsonNode bias = fields.object(node, path, "bias");
        String biasPath = Fields.at(path, "bias");
        boolean perChannel = fields.choice(bias, biasPath, "per", Set.of("neuron", "channel")).equals("channel");
        int biasExponent = fields.integer(bias, biasPath, "exponent", 0, format.biasExponentMax());
        long limit = 1L << (format.biasBits() - 1);
        long[] mantissas = fields.integers(bias, biasPath, "mantissas", 0, Integer.MAX_VALUE, -limit, limit - 1);
        boolean replica = fields.flag(node, path, "replica", false);
        int decayU = DECAY_ONE;
        int decayV = 0;
        if (node != null && (node.has("decay_u") || node.has("decay_v"))) {
            if (!format.cubaDecay()) {
                fields.problem(BAD_FIELD, Fields.at(path, node.has("decay_u") ? "decay_u" : "decay_v"),
                        "the chip does not declare features.cuba_decay, so its neurons do not decay");
            }
            decayU = fields.integer(node, path, "decay_u", 0, DECAY_ONE);
            decayV = fields.integer(node, path, "decay_v", 0, DECAY_ONE);
        }
        if (box == null || !box.spendRuns(path, fields)
                || (replica && !fields.budget().spend(path, box.size(), "its replica neurons"))) {
            return List.of();
        }
        List<BoxRuns.Run> runs = box.runs();
        if (runs.size() == 1) {
            return List.of(new NeuronBlock(layer, runs.get(0).first(), runs.get(0).count(), threshold,
                    initialMembrane, reset.equals("zero"), weightExponent, perChannel, biasExponent, mantissas, replica,
                    decayU, decayV));
        }
        long expected = perChannel ? box.channels() : box.size();
        if (mantissas.length != expected) {
            fields.problem(INCONSISTENT, Fields.at(biasPath, "mantissas"), mantissas.length + " mantissas for a box of "
                    + expected + (perChannel ? " channels" : " neurons"));
            return List.of();
        }
        List<NeuronBlock> blocks = new ArrayList<>();
        int map = box.height() * box.width();
        for (BoxRuns.Run run : runs) {
            long[] slice = perChannel
                    ? Arrays.copyOfRange(mantissas, run.first() / map - box.channelFirst(),
                            (run.first() + run.count() - 1) / map - box.channelFirst() + 1)
                    : Arrays.copyOfRange(mantissas, run.rank(), run.rank() + run.count());
            blocks.add(new NeuronBlock(layer, run.first(), run.count(), threshold, initialMembrane, reset.equals("zero"),
                    weightExponent, perChannel, biasExponent, slice, replica, decayU, decayV));
        }
        return blocks;
    }

    private static Synapse readSynapse(JsonNode node, String path, Fields fields, WeightFormat weights) {
        boolean dense = fields.choice(node, path, "kind", Set.of("conv", "dense")).equals("dense");
        String name = fields.text(node, path, "name");
        String source = fields.text(node, path, "source");
        String target = fields.text(node, path, "target");
        if (!dense) {
            return new Synapse(false, name, source, target, fields.text(node, path, "kernel"), 0, 0, 0, 0,
                    new long[0]);
        }
        return new Synapse(true, name, source, target, "",
                fields.integer(node, path, "rows_first", 0, Integer.MAX_VALUE),
                fields.integer(node, path, "rows", 1, Integer.MAX_VALUE),
                fields.integer(node, path, "inputs", 1, Integer.MAX_VALUE),
                fields.integer(node, path, "exponent", weights.exponentMin(), weights.exponentMax()),
                mantissas(node, path, "mantissas", weights.bits(), fields));
    }

    /**
     * The routes under {@code key}: a version 1 route as it is, a box cut into runs that land on consecutive axons
     * ({@link #resolveRoute}).
     */
    private static List<Route> readRoutes(JsonNode node, String path, String key, Fields fields,
                                          Map<String, int[]> shapes, Map<Integer, AxonIndex> axonIndex) {
        List<Route> routes = new ArrayList<>();
        List<JsonNode> routeNodes = fields.array(node, path, key);
        for (int i = 0; i < routeNodes.size(); i++) {
            String routePath = Fields.at(Fields.at(path, key), i);
            JsonNode route = fields.element(routeNodes.get(i), routePath);
            if (route == null) {
                continue;
            }
            String source = fields.text(route, routePath, "source");
            int core = fields.integer(route, routePath, "core", 0, MAX_CHIP_CORES - 1);
            if (route.has(BoxRuns.SOURCE_FIRST)) {
                int count = fields.integer(route, routePath, "count", 1, Integer.MAX_VALUE);
                routes.add(new Route(source, fields.integer(route, routePath, BoxRuns.SOURCE_FIRST, 0, Integer.MAX_VALUE),
                        count, core, fields.integer(route, routePath, "axon_first", 0, Integer.MAX_VALUE)));
                fields.budget().spend(routePath, count, "its routed elements");
                continue;
            }
            BoxRuns box = BoxRuns.read(route, routePath, source, shapes, fields);
            if (box == null || fields.failed() || !box.spendRuns(routePath, fields)
                    || !fields.budget().spend(routePath, box.size(), "its routed elements")) {
                continue;
            }
            resolveRoute(box, core, axonIndex.get(core), routePath, fields, routes);
        }
        return routes;
    }

    /**
     * Adds the routes of {@code box} to {@code core}: each run of the box, from its first element on, goes to the
     * axon block of {@code destination} (null when the core has no axon) that holds that element, for as many
     * elements as both still hold. The first element without an axon is reported, and ends the box's routes.
     */
    private static void resolveRoute(BoxRuns box, int core, AxonIndex destination, String routePath, Fields fields,
                                     List<Route> routes) {
        String source = box.unit();
        for (BoxRuns.Run run : box.runs()) {
            long runEnd = (long) run.first() + run.count();
            for (int e = run.first(); e < runEnd; ) {
                AxonBlock target = destination == null ? null : destination.holding(source, e);
                if (target == null) {
                    fields.problem(INCONSISTENT, Fields.at(routePath, "core"), "element " + e + " of '" + source
                            + "' is routed to core " + core + ", which has no axon for it");
                    return;
                }
                int count = (int) (Math.min(runEnd, (long) target.sourceFirst() + target.count()) - e);
                routes.add(new Route(source, e, count, core, target.axonFirst() + (e - target.sourceFirst())));
                e += count;
            }
        }
    }

    private static Readout readReadout(JsonNode node, Fields fields, boolean earlyExitFeature) {
        String mode = fields.choice(node, "readout", "mode", Set.of("membrane", "spikecount", "softmax"));
        fields.integer(node, "readout", "seed", 0L, Long.MAX_VALUE);
        if (mode.equals("softmax")) {
            fields.problem(BAD_FIELD, "readout.mode", "'softmax' readout is not supported by the emulator; "
                    + "compile with a membrane or spikecount readout");
        }
        boolean laterHalf = node != null && node.has("window")
                && fields.choice(node, "readout", "window", Set.of("all", "half")).equals("half");
        return new Readout(fields.text(node, "readout", "name"), fields.text(node, "readout", "population"),
                mode.equals("spikecount") ? ReadoutMode.SPIKECOUNT : ReadoutMode.MEMBRANE,
                laterHalf ? ReadoutWindow.HALF : ReadoutWindow.ALL, readEarlyExit(node, fields, mode, earlyExitFeature));
    }

    /**
     * {@code exit_margin} and {@code exit_steps}, given together or not at all; they need a membrane readout, whose
     * scores the margin is taken of, on a chip declaring {@code features.early_exit}.
     */
    private static Optional<EarlyExit> readEarlyExit(JsonNode node, Fields fields, String mode,
            boolean earlyExitFeature) {
        boolean margin = node != null && node.has("exit_margin");
        boolean steps = node != null && node.has("exit_steps");
        if (!margin && !steps) {
            return Optional.empty();
        }
        if (margin != steps) {
            fields.problem(BAD_FIELD, margin ? "readout.exit_steps" : "readout.exit_margin",
                    "missing: exit_margin and exit_steps come together");
            return Optional.empty();
        }
        long bound = fields.integer(node, "readout", "exit_margin", 0L, Long.MAX_VALUE);
        int consecutive = fields.integer(node, "readout", "exit_steps", 1, Integer.MAX_VALUE);
        if (!earlyExitFeature) {
            fields.problem(INCONSISTENT, "readout.exit_margin",
                    "the chip does not declare features.early_exit, so it cannot stop an image early");
        }
        if (!mode.equals("membrane")) {
            fields.problem(INCONSISTENT, "readout.exit_margin",
                    "an early exit reads the membrane readout's margin, but readout.mode is '" + mode + "'");
        }
        return fields.failed() ? Optional.empty() : Optional.of(new EarlyExit(bound, consecutive));
    }

    /** A shape of 1 to 3 extents whose product, the flat elements the emulator numbers with ints, fits an int. */
    private static int[] shape(JsonNode node, String path, String key, Fields fields) {
        int[] shape = fields.ints(node, path, key, 1, 3, 1, Integer.MAX_VALUE);
        if (ConsistencyCheck.size(shape) < 0) {
            fields.problem(OVER_BUDGET, Fields.at(path, key), Arrays.toString(shape)
                    + " holds more than the emulator's limit of " + Integer.MAX_VALUE + " elements");
        }
        return shape;
    }

    private static int[] pair(JsonNode node, String path, String key, Fields fields) {
        return fields.ints(node, path, key, 2, 2, 1, Integer.MAX_VALUE);
    }

    private static long[] mantissas(JsonNode node, String path, String key, int bits, Fields fields) {
        long limit = (1L << (bits - 1)) - 1;
        return fields.integers(node, path, key, 0, Integer.MAX_VALUE, -limit, limit);
    }
}
