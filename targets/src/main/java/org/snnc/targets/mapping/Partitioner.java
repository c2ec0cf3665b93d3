package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ConvLimits;
import org.snnc.targets.spec.CoreResources;

/**
 * Cuts every population into pieces that each fit one core of the chip, in flat C order.
 *
 * <p><b>Checks first</b>, collecting every error: a gate unit on a chip without max-pool gates is E0901, and so is a
 * gate unit over anything but a population, such as another gate's outputs (a chip's gate unit pools the neurons of
 * its core); a layer outside the chip's {@link ConvLimits} is E0907 (a dense projection counts as a conv whose kernel
 * is its whole input: kernel H×W of a [C, H, W] source, or 1×1 with C = its size for a flat one).
 *
 * <p><b>Cut points.</b> A piece is [cuts[a], cuts[b]) for allowed cut points. Without a gate, every neuron boundary
 * is allowed. A gate's windows must stay within one piece, so for each gate on the population's [C, H, W] output the
 * allowed cuts are the channel boundaries c·H·W and, when its windows tile the map (kernel = stride, no padding),
 * the row starts c·H·W + r·W with r a multiple of the stride; several gates allow the intersection. The gate's
 * outputs whose windows lie in population piece [a, b) form gate piece [gate(a), gate(b)) with
 * gate(c·H·W + r·W) = c·H_g·W_g + min(⌈r/s⌉, H_g)·W_g, and ride on the same core.
 *
 * <p><b>Cutting.</b> A piece fits a core when the cost of the core holding it alone ({@link PieceDemand#alone()}) is
 * within every limit of that core. Pieces are cut to fit every core of the chip, so that the allocator may put them
 * anywhere; only from a start where even the smallest piece is too big for some core are they cut to fit at least
 * one core, and the allocator matches them to the cores that hold them. Costs only grow with the piece, so from each
 * start the partitioner binary-searches the furthest allowed end that fits (the whole rest first). It never cuts
 * when the chip forbids splitting layers. A population, or a smallest piece of it, that fits no core is E0903,
 * naming the resource, its value and the largest core's limit.
 */
public final class Partitioner {

    private final SynapticNetwork network;
    private final ChipSpec chip;
    private final ResourceModel model;
    /** The most neurons any core holds: no tile of more neurons fits anywhere, whatever the memory model. */
    private final long largestNeurons;
    /** The distinct resources of the chip's cores: a board of equal cores has one, whatever its size. */
    private final List<CoreResources> coreKinds;

    private Partitioner(SynapticNetwork network, ChipSpec chip) {
        this.network = network;
        this.chip = chip;
        this.model = new ResourceModel(network, chip);
        this.largestNeurons = chip.coreResources().stream().mapToLong(CoreResources::neurons).max().orElse(0);
        this.coreKinds = List.copyOf(new LinkedHashSet<>(chip.coreResources()));
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
        List<PieceDemand> pieces = new ArrayList<>();
        Map<String, SourceSpan> spans = new LinkedHashMap<>();
        for (Population population : network.populations()) {
            spans.put(population.name(), population.span());
            pieces.addAll(partitioner.cut(population));
        }
        return new Partition(pieces, spans);
    }

    private List<PieceDemand> cut(Population population) {
        List<GateUnit> gates = network.gatesOf(population.name());
        if (!chip.features().splitLayers()) {
            PieceDemand whole = demand(population, gates, Tile.whole(population.name(), population.shape()));
            if (!fitsSomeCore(whole)) {
                throw tooBig(population, "", whole);
            }
            return List.of(whole);
        }
        TileGrid.Alignment alignment = alignment(population.shape(), gates);
        Optional<TileGrid> grid = TileGrid.search(population, alignment, largestNeurons,
                tile -> axonsIfFits(population, gates, tile, this::fitsEveryCore));
        if (grid.isEmpty()) {
            grid = TileGrid.search(population, alignment, largestNeurons,
                    tile -> axonsIfFits(population, gates, tile, this::fitsSomeCore));
        }
        if (grid.isEmpty()) {
            TileGrid smallest = TileGrid.smallest(population, alignment);
            PieceDemand misfit = smallest.representatives().stream().map(tile -> demand(population, gates, tile))
                    .filter(demand -> !fitsSomeCore(demand)).findFirst().orElseThrow();
            String what = misfit.tile().size() == 1 ? "one neuron: "
                    : "its smallest tile " + misfit.tile() + ", which keeps the windows of its gate whole: ";
            throw tooBig(population, what, misfit);
        }
        return grid.get().tiles().stream().map(tile -> demand(population, gates, tile)).toList();
    }

    /** The input axons of {@code tile} when it fits by {@code fits}; tiles beyond every core's neurons fail fast. */
    private OptionalLong axonsIfFits(Population population, List<GateUnit> gates, Tile tile,
            Predicate<PieceDemand> fits) {
        if (tile.size() > largestNeurons) {
            return OptionalLong.empty();
        }
        PieceDemand demand = demand(population, gates, tile);
        return fits.test(demand) ? OptionalLong.of(demand.inputAxons()) : OptionalLong.empty();
    }

    /**
     * The rows and columns a tile may start at: multiples of every gate's stride when the gate's windows tile the map,
     * and whole maps when some gate's windows overlap or are padded.
     */
    private static TileGrid.Alignment alignment(Shape shape, List<GateUnit> gates) {
        if (shape.rank() != 3) {
            return new TileGrid.Alignment(1, 1);
        }
        int rows = 1;
        int cols = 1;
        for (GateUnit gate : gates) {
            if (!tiles(gate.window())) {
                return new TileGrid.Alignment(shape.dim(1), shape.dim(2));
            }
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

    private PieceDemand demand(Population population, List<GateUnit> gates, Tile tile) {
        List<Tile> gateTiles = new ArrayList<>();
        for (GateUnit gate : gates) {
            gateTile(gate, tile).ifPresent(gateTiles::add);
        }
        return model.demand(population, tile, gateTiles);
    }

    /** Whether windows tile the map they pool: kernel = stride and no padding. */
    private static boolean tiles(Window2d window) {
        return window.kernelH() == window.strideH() && window.kernelW() == window.strideW()
                && window.padding().equals(Padding.NONE);
    }

    /**
     * The gate outputs whose windows lie in {@code tile} (an aligned tile): the same channels, and rows
     * [r0/s, min(⌈r1/s⌉, H_g)) and columns alike; a tile of whole maps holds the whole maps of the gate.
     */
    private static Optional<Tile> gateTile(GateUnit gate, Tile tile) {
        int gateRows = gate.shape().dim(1);
        int gateCols = gate.shape().dim(2);
        if (!tiles(gate.window())) {
            return Optional.of(new Tile(gate.name(), gateRows, gateCols, tile.channelFirst(), tile.channels(), 0,
                    gateRows, 0, gateCols));
        }
        int strideH = gate.window().strideH();
        int strideW = gate.window().strideW();
        int rowFirst = tile.rowFirst() / strideH;
        int rowEnd = Math.min((tile.rowEnd() + strideH - 1) / strideH, gateRows);
        int colFirst = tile.colFirst() / strideW;
        int colEnd = Math.min((tile.colEnd() + strideW - 1) / strideW, gateCols);
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
