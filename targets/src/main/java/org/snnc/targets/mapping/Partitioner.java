package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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

    private Partitioner(SynapticNetwork network, ChipSpec chip) {
        this.network = network;
        this.chip = chip;
        this.model = new ResourceModel(network, chip);
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
        int size = population.size();
        if (!chip.features().splitLayers()) {
            PieceDemand whole = demand(population, gates, 0, size);
            if (!fitsSomeCore(whole)) {
                throw tooBig(population, "", whole);
            }
            return List.of(whole);
        }
        int[] cuts = IntStream.rangeClosed(0, size).filter(cut -> gates.stream()
                .allMatch(gate -> allowsCut(gate, population.shape(), cut))).toArray();
        List<PieceDemand> pieces = new ArrayList<>();
        int start = 0;
        while (start < cuts.length - 1) {
            int fitting = start + 1;
            PieceDemand best = demand(population, gates, cuts[start], cuts[fitting]);
            Predicate<PieceDemand> fits = this::fitsEveryCore;
            if (!fits.test(best)) {
                fits = this::fitsSomeCore;
            }
            if (!fits.test(best)) {
                String what = best.piece().count() == 1 ? "one neuron: "
                        : "its smallest piece [" + cuts[start] + ", " + cuts[fitting] + "), which keeps the windows"
                                + " of its gate whole: ";
                throw tooBig(population, what, best);
            }
            int failing = cuts.length - 1;
            PieceDemand rest = demand(population, gates, cuts[start], cuts[failing]);
            if (fits.test(rest)) {
                best = rest;
                fitting = failing;
            }
            while (failing - fitting > 1) {
                int middle = (fitting + failing) >>> 1;
                PieceDemand candidate = demand(population, gates, cuts[start], cuts[middle]);
                if (fits.test(candidate)) {
                    best = candidate;
                    fitting = middle;
                } else {
                    failing = middle;
                }
            }
            pieces.add(best);
            start = fitting;
        }
        return pieces;
    }

    private PieceDemand demand(Population population, List<GateUnit> gates, int first, int end) {
        List<Piece> gatePieces = new ArrayList<>();
        for (GateUnit gate : gates) {
            int gateFirst = gateElement(gate, population.shape(), first);
            int gateEnd = gateElement(gate, population.shape(), end);
            if (gateEnd > gateFirst) {
                gatePieces.add(new Piece(gate.name(), gateFirst, gateEnd - gateFirst));
            }
        }
        return model.demand(population, new Piece(population.name(), first, end - first), gatePieces);
    }

    /** Whether windows tile the map they pool: kernel = stride and no padding. */
    private static boolean tiles(Window2d window) {
        return window.kernelH() == window.strideH() && window.kernelW() == window.strideW()
                && window.padding().equals(Padding.NONE);
    }

    private static boolean allowsCut(GateUnit gate, Shape population, int cut) {
        int map = population.dim(1) * population.dim(2);
        int width = population.dim(2);
        return cut % map == 0
                || tiles(gate.window()) && cut % width == 0 && cut % map / width % gate.window().strideH() == 0;
    }

    /** The first gate output whose window starts at or after population element {@code cut} (an allowed cut). */
    private static int gateElement(GateUnit gate, Shape population, int cut) {
        int map = population.dim(1) * population.dim(2);
        int row = cut % map / population.dim(2);
        int gateRows = gate.shape().dim(1);
        int gateWidth = gate.shape().dim(2);
        int stride = gate.window().strideH();
        return cut / map * gateRows * gateWidth + Math.min((row + stride - 1) / stride, gateRows) * gateWidth;
    }

    private boolean fitsEveryCore(PieceDemand demand) {
        CoreUsage usage = demand.alone();
        return chip.coreResources().stream().allMatch(core -> fits(usage, core));
    }

    private boolean fitsSomeCore(PieceDemand demand) {
        CoreUsage usage = demand.alone();
        return chip.coreResources().stream().anyMatch(core -> fits(usage, core));
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
