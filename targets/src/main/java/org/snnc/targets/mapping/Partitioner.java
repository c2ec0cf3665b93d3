package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.net.ConvSynapse;
import org.snnc.targets.net.GateUnit;
import org.snnc.targets.net.Population;
import org.snnc.targets.net.Projection;
import org.snnc.targets.net.Source;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ConvLimits;
import org.snnc.targets.spec.CoreResources;

/**
 * Cuts every population into tiles that each fit one core of the chip: channel range × row range × column range
 * boxes of its [C, H, W] map ({@link Tile}; a flat population's tiles are unit ranges).
 *
 * <p><b>Checks first</b>, collecting every error: a gate unit on a chip without max-pool gates is E0901, and so is a
 * gate unit over anything but a population, such as another gate's outputs (a chip's gate unit pools the neurons of
 * its core); a layer outside the chip's {@link ConvLimits} is E0907 (a dense projection counts as a conv whose kernel
 * is its whole input: kernel H×W of a [C, H, W] source, or 1×1 with C = its size for a flat one).
 *
 * <p><b>Alignment.</b> A gate's windows must lie on one core: tiles start on rows and columns that are multiples of
 * the stride (of every gate's, their least common multiple). The gate outputs of a tile of rows [r0, r1) are rows
 * [r0/s, ⌈r1/s⌉), or through H_g for the last tile (r1 = H), and columns alike: the outputs whose window starts at a
 * tiled row r·s, clamped into the map, so the tiles' gate outputs partition the gate. When the windows tile the map
 * (kernel = stride, no padding) they lie in the tile. Otherwise (overlapping or padded windows, as in ResNet's and
 * AlexNet's 3×3 stride-2 pools) the core also updates replicas of the neighbouring rows and columns its windows
 * read, [r0/s·s − p, (⌈r1/s⌉ − 1)·s − p + k) clipped to the map: the tile's computed box, the bounding box of the
 * tile and its windows over every gate ({@link PieceDemand#computed()}).
 *
 * <p><b>Cutting.</b> Populations are cut from the last to the first, so that each knows its readers' tiles: an
 * element read by k reader tiles costs up to k output axons (one per destination core), and a tile's sent elements
 * are Σ k over its elements and its gate outputs'. A tile fits a core when the cost of the core holding it alone
 * ({@link PieceDemand#alone()}) is within every limit of that core; {@link TileGrid#search} finds the grid of the
 * fewest tiles that fit every core of the chip, so that the allocator may put them anywhere, or else that each fit
 * some core. It never cuts when the chip forbids splitting layers. A population whose smallest aligned tile fits no
 * core is E0903, naming the resource, its value and the largest core's limit.
 */
public final class Partitioner {

    private final SynapticNetwork network;
    private final ChipSpec chip;
    private final ResourceModel model;
    /** The most neurons any core holds: no tile of more neurons fits anywhere, whatever the memory model. */
    private final long largestNeurons;
    /** The largest core's output axons, times the multicast width: the destinations a sender core can serve. */
    private final double largestOutputAxons;
    /** The distinct resources of the chip's cores: a board of equal cores has one, whatever its size. */
    private final List<CoreResources> coreKinds;
    private final Map<String, Source> sources;

    private Partitioner(SynapticNetwork network, ChipSpec chip) {
        this.network = network;
        this.chip = chip;
        this.model = new ResourceModel(network, chip);
        this.largestNeurons = chip.coreResources().stream().mapToLong(CoreResources::neurons).max().orElse(0);
        this.largestOutputAxons = (double) chip.coreResources().stream().mapToLong(CoreResources::outputAxons).max()
                .orElse(1) * chip.routing().multicast().orElse(1);
        this.coreKinds = List.copyOf(new LinkedHashSet<>(chip.coreResources()));
        this.sources = network.sources();
    }

    /** The pieces of every population of {@code network} on {@code chip}, in network order. */
    public static Partition partition(SynapticNetwork network, ChipSpec chip) {
        DiagnosticBag diagnostics = new DiagnosticBag();
        if (!chip.features().maxPoolGate()) {
            for (GateUnit gate : network.gates()) {
                diagnostics.report(DiagnosticCode.FEATURE_UNSUPPORTED, gate.span(), "maxpool_gate", gate.name(),
                        "a max-pool gate unit", chip.name(), "use average pooling, which folds into the next layer");
            }
        } else {
            for (GateUnit gate : network.gates()) {
                if (network.populations().stream().noneMatch(p -> p.name().equals(gate.population()))) {
                    String pooled = network.input().name().equals(gate.population()) ? "the input" : "gate";
                    diagnostics.report(DiagnosticCode.FEATURE_UNSUPPORTED, gate.span(), "maxpool_gate", gate.name(),
                            "a max-pool gate unit over the outputs of " + pooled + " '" + gate.population() + "'",
                            chip.name(), "a gate unit pools the neurons of its core, so put a population before the "
                                    + "max pooling, or compile with --maxpool-to-avgpool");
                }
            }
        }
        chip.features().convLimits().ifPresent(limits -> network.populations()
                .forEach(population -> checkGeometry(network, chip, population, limits, diagnostics)));
        diagnostics.throwIfErrors();
        Partitioner partitioner = new Partitioner(network, chip);
        Map<String, List<PieceDemand>> cut = new HashMap<>();
        List<Population> populations = network.populations();
        for (int p = populations.size() - 1; p >= 0; p--) {
            Population population = populations.get(p);
            cut.put(population.name(), partitioner.cut(population, partitioner.readers(population, cut)));
        }
        List<PieceDemand> pieces = new ArrayList<>();
        Map<String, SourceSpan> spans = new LinkedHashMap<>();
        for (Population population : populations) {
            spans.put(population.name(), population.span());
            pieces.addAll(cut.get(population.name()));
        }
        return new Partition(pieces, spans);
    }

    /**
     * For {@code population} and each of its gates, the number of reader tiles (already cut, in {@code cut}) whose
     * receptive field holds each element.
     */
    private Map<String, int[]> readers(Population population, Map<String, List<PieceDemand>> cut) {
        Map<String, int[]> readers = new HashMap<>();
        List<String> units = new ArrayList<>();
        units.add(population.name());
        network.gatesOf(population.name()).forEach(gate -> units.add(gate.name()));
        for (String unit : units) {
            int[] counts = new int[network.sources().get(unit).size()];
            for (Projection projection : network.projectionsFrom(unit)) {
                for (PieceDemand reader : cut.getOrDefault(projection.target(), List.of())) {
                    Connectivity.of(projection.synapse(), reader.computed()).sourceElements().forEach(e -> counts[e]++);
                }
            }
            readers.put(unit, counts);
        }
        return readers;
    }

    /**
     * The tiles of {@code population}; {@code readers} counts, per element of it and of its gates, the reader tiles
     * that need it, so that a tile's output axons are bounded by Σ readers(e) (see {@link ResourceModel}).
     */
    private List<PieceDemand> cut(Population population, Map<String, int[]> readers) {
        Layer layer = new Layer(population, network.gatesOf(population.name()), readers);
        if (!chip.features().splitLayers()) {
            PieceDemand whole = demand(layer, Tile.whole(population.name(), population.shape()));
            if (!fitsSomeCore(whole)) {
                throw tooBig(population, "", whole);
            }
            return List.of(whole);
        }
        TileGrid.Alignment alignment = alignment(population.shape(), layer.gates());
        Optional<List<PieceDemand>> tiles = TileGrid.search(population, alignment, largestNeurons,
                tile -> demandIfFits(layer, tile, this::fitsEveryCore), this::senderCores);
        if (tiles.isEmpty()) {
            tiles = TileGrid.search(population, alignment, largestNeurons,
                    tile -> demandIfFits(layer, tile, this::fitsSomeCore), this::senderCores);
        }
        if (tiles.isEmpty()) {
            TileGrid smallest = TileGrid.smallest(population, alignment);
            PieceDemand misfit = smallest.representatives().stream().map(tile -> demand(layer, tile))
                    .filter(demand -> !fitsSomeCore(demand)).findFirst().orElseThrow();
            String what = misfit.tile().size() == 1 ? "one neuron: "
                    : "its smallest tile " + misfit.tile() + ", which keeps the windows of its gate whole: ";
            throw tooBig(population, what, misfit);
        }
        return tiles.get();
    }

    /**
     * The cores the senders of {@code demand}'s tile spend on it: Σ over the sources it reads that live on cores (all
     * but the input, which the host sends) of the elements read × the output-axon slots each takes, over the largest
     * core's output axons times the multicast width.
     */
    private double senderCores(PieceDemand demand) {
        long slots = 0;
        for (Map.Entry<String, ElementSet> input : demand.inputs().entrySet()) {
            if (!input.getKey().equals(network.input().name())) {
                int rank = sources.get(input.getKey()).shape().rank();
                slots += input.getValue().size() * chip.routing().outputSlots(rank);
            }
        }
        return (double) slots / largestOutputAxons;
    }

    /** The demand of {@code tile} when it fits by {@code fits}; tiles beyond every core's neurons fail fast. */
    private Optional<PieceDemand> demandIfFits(Layer layer, Tile tile, Predicate<PieceDemand> fits) {
        if (tile.size() > largestNeurons) {
            return Optional.empty();
        }
        return Optional.of(demand(layer, tile)).filter(fits);
    }

    /** The rows and columns a tile may start at: multiples of every gate's stride. */
    private static TileGrid.Alignment alignment(Shape shape, List<GateUnit> gates) {
        if (shape.rank() != 3) {
            return new TileGrid.Alignment(1, 1);
        }
        int rows = 1;
        int cols = 1;
        for (GateUnit gate : gates) {
            rows = lcm(rows, gate.window().strideH());
            cols = lcm(cols, gate.window().strideW());
        }
        return new TileGrid.Alignment(Math.min(rows, shape.dim(1)), Math.min(cols, shape.dim(2)));
    }

    private static int lcm(int a, int b) {
        return a / gcd(a, b) * b;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** A population being cut, its gates, and how many reader tiles need each element of it and of its gates. */
    private record Layer(Population population, List<GateUnit> gates, Map<String, int[]> readers) {
    }

    /** The demand of {@code tile}, its gate tiles, and the box its core updates for their windows. */
    private PieceDemand demand(Layer layer, Tile tile) {
        List<Tile> gateTiles = new ArrayList<>();
        int[] rows = {tile.rowFirst(), tile.rowEnd()};
        int[] cols = {tile.colFirst(), tile.colEnd()};
        for (GateUnit gate : layer.gates()) {
            Optional<Tile> gateTile = gateTile(gate, tile);
            if (gateTile.isPresent()) {
                Window2d window = gate.window();
                Tile outputs = gateTile.get();
                widenToWindows(rows, outputs.rowFirst(), outputs.rowEnd(), window.strideH(), window.padding().top(),
                        window.kernelH(), tile.height());
                widenToWindows(cols, outputs.colFirst(), outputs.colEnd(), window.strideW(), window.padding().left(),
                        window.kernelW(), tile.width());
                gateTiles.add(outputs);
            }
        }
        Tile computed = new Tile(tile.unit(), tile.height(), tile.width(), tile.channelFirst(), tile.channels(),
                rows[0], rows[1] - rows[0], cols[0], cols[1] - cols[0]);
        return model.demand(layer.population(), tile, computed, gateTiles, layer.readers());
    }

    /**
     * Widens {@code span} [first, end) along one axis to the windows of gate outputs [outputFirst, outputEnd) of this
     * stride, leading padding and kernel, clipped to the axis' extent: [o·s − p, (o' − 1)·s − p + k).
     */
    private static void widenToWindows(int[] span, int outputFirst, int outputEnd, int stride, int padding,
            int kernel, int extent) {
        span[0] = Math.min(span[0], Math.max(0, outputFirst * stride - padding));
        span[1] = Math.max(span[1], Math.min(extent, (outputEnd - 1) * stride - padding + kernel));
    }

    /**
     * The gate outputs of {@code tile} (an aligned tile): the same channels, rows [r0/s, ⌈r1/s⌉), through H_g for the
     * last tile, and columns alike (see the class comment).
     */
    private static Optional<Tile> gateTile(GateUnit gate, Tile tile) {
        int gateRows = gate.shape().dim(1);
        int gateCols = gate.shape().dim(2);
        int strideH = gate.window().strideH();
        int strideW = gate.window().strideW();
        int rowFirst = tile.rowFirst() / strideH;
        int rowEnd = tile.rowEnd() == tile.height() ? gateRows
                : Math.min((tile.rowEnd() + strideH - 1) / strideH, gateRows);
        int colFirst = tile.colFirst() / strideW;
        int colEnd = tile.colEnd() == tile.width() ? gateCols
                : Math.min((tile.colEnd() + strideW - 1) / strideW, gateCols);
        if (rowEnd <= rowFirst || colEnd <= colFirst) {
            return Optional.empty();
        }
        return Optional.of(new Tile(gate.name(), gateRows, gateCols, tile.channelFirst(), tile.channels(), rowFirst,
                rowEnd - rowFirst, colFirst, colEnd - colFirst));
    }

    private boolean fitsEveryCore(PieceDemand demand) {
        CoreUsage usage = demand.alone();
        return coreKinds.stream().allMatch(core -> fits(usage, core));
    }

    private boolean fitsSomeCore(PieceDemand demand) {
        CoreUsage usage = demand.alone();
        return coreKinds.stream().anyMatch(core -> fits(usage, core));
    }

    private boolean fits(CoreUsage usage, CoreResources core) {
        for (Resource resource : Resource.values()) {
            if (resource.of(usage) > resource.limit(core, chip.routing())) {
                return false;
            }
        }
        return true;
    }

    /** E0903 for {@code population}: {@code what} did not fit, by the first resource over every core's. */
    private CompilationException tooBig(Population population, String what, PieceDemand demand) {
        CoreUsage usage = demand.alone();
        for (Resource resource : Resource.values()) {
            long largest = chip.coreResources().stream().mapToLong(core -> resource.limit(core, chip.routing()))
                    .max().orElse(0);
            if (resource.of(usage) > largest) {
                return CompilationException.of(DiagnosticCode.LAYER_TOO_BIG, population.span(), population.name(),
                        chip.name(), what + resource.label(chip.memoryModel()) + " " + resource.of(usage)
                                + " exceeds the largest core's " + largest);
            }
        }
        String needs = Arrays.stream(Resource.values())
                .filter(resource -> chip.coreResources().stream()
                        .anyMatch(core -> resource.of(usage) > resource.limit(core, chip.routing())))
                .map(resource -> resource.label(chip.memoryModel()) + " " + resource.of(usage))
                .collect(Collectors.joining(" and "));
        return CompilationException.of(DiagnosticCode.LAYER_TOO_BIG, population.span(), population.name(),
                chip.name(), what + "no single core has room for " + needs);
    }

    /** Reports every way the projections into {@code population} break the chip's conv geometry limits. */
    private static void checkGeometry(SynapticNetwork network, ChipSpec chip, Population population,
            ConvLimits limits, DiagnosticBag diagnostics) {
        for (Projection projection : population.projections()) {
            String prefix = population.projections().size() > 1 ? projection.node() + ": " : "";
            List<String> problems = new ArrayList<>();
            int kernelH;
            int kernelW;
            int inputChannels;
            int inputH;
            int inputW;
            int outputChannels;
            int outputH = 1;
            int outputW = 1;
            if (projection.synapse() instanceof ConvSynapse conv) {
                Window2d window = conv.window();
                kernelH = window.kernelH();
                kernelW = window.kernelW();
                inputChannels = conv.inputShape().dim(0);
                inputH = conv.inputShape().dim(1);
                inputW = conv.inputShape().dim(2);
                outputChannels = conv.filters();
                outputH = conv.outputShape().dim(1);
                outputW = conv.outputShape().dim(2);
                if (window.strideH() != window.strideW()) {
                    problems.add("stride " + window.strideH() + "x" + window.strideW() + " is not square");
                } else if (!limits.strides().contains(window.strideH())) {
                    problems.add("stride " + window.strideH() + " is not one of " + limits.strides());
                }
                Padding padding = window.padding();
                int pad = Math.max(Math.max(padding.top(), padding.bottom()),
                        Math.max(padding.left(), padding.right()));
                if (pad > limits.maxPadding()) {
                    problems.add("padding " + pad + " exceeds " + limits.maxPadding());
                }
            } else {
                Shape source = network.sources().get(projection.source()).shape();
                boolean flat = source.rank() != 3;
                kernelH = flat ? 1 : source.dim(1);
                kernelW = flat ? 1 : source.dim(2);
                inputChannels = flat ? source.size() : source.dim(0);
                inputH = kernelH;
                inputW = kernelW;
                outputChannels = population.size();
            }
            if (kernelH != kernelW) {
                problems.add("kernel " + kernelH + "x" + kernelW + " is not square");
            } else if (kernelH > limits.maxKernel()) {
                problems.add("kernel " + kernelH + "x" + kernelW + " exceeds " + limits.maxKernel() + "x"
                        + limits.maxKernel());
            }
            if (inputChannels > limits.maxChannels()) {
                problems.add(inputChannels + " input channels exceed " + limits.maxChannels());
            }
            if (outputChannels > limits.maxChannels()) {
                problems.add(outputChannels + " output channels exceed " + limits.maxChannels());
            }
            if (Math.max(inputH, inputW) > limits.maxInputSize()) {
                problems.add("input " + inputH + "x" + inputW + " exceeds " + limits.maxInputSize() + "x"
                        + limits.maxInputSize());
            }
            if (Math.max(outputH, outputW) > limits.maxOutputSize()) {
                problems.add("output " + outputH + "x" + outputW + " exceeds " + limits.maxOutputSize() + "x"
                        + limits.maxOutputSize());
            }
            problems.forEach(problem -> diagnostics.report(DiagnosticCode.UNSUPPORTED_GEOMETRY, population.span(),
                    population.name(), chip.name(), prefix + problem));
        }
    }
}
