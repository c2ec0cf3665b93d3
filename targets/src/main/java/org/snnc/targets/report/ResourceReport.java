package org.snnc.targets.report;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.snnc.targets.mapping.CoreBounds;
import org.snnc.targets.mapping.CoreMapping;
import org.snnc.targets.mapping.CoreUsage;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.mapping.Piece;
import org.snnc.targets.mapping.Tile;
import org.snnc.targets.spec.CoreResources;

/**
 * What a mapping uses of the chip, per core against its limits and in total. Utilization of a resource is
 * Σ used / Σ limit over the used cores; the chip's share is used cores / chip cores.
 *
 * @param target       the chip's name
 * @param allocator    the core allocator
 * @param chipCores    the chip's cores
 * @param coresUsed    the cores that hold anything
 * @param lowerBound   the fewest cores any mapping could use ({@link CoreBounds})
 * @param boundBy      the resource that sets the lower bound
 * @param utilization  per resource, over the used cores
 * @param layers       one line per layer: its cores against its own lower bound
 * @param cores        one line per used core
 */
public record ResourceReport(String target, String allocator, int chipCores, int coresUsed, long lowerBound,
        String boundBy, Utilization utilization, List<LayerLine> layers, List<CoreLine> cores) {

    /** Fractions in [0, 1] of each resource of the used cores. */
    public record Utilization(double neurons, double synapseMemory, double biasMemory, double inputAxons,
            double outputAxons) {
    }

    /** The cores holding a layer's tiles, and the fewest that could hold it, with the resource that says so. */
    public record LayerLine(String layer, long cores, long lowerBound, String boundBy) {
    }

    /** One core's use and limit of each resource, and the units it holds. */
    public record CoreLine(int core, List<String> units, CoreUsage used, CoreResources limit) {
    }

    public static ResourceReport of(Mapping mapping) {
        List<CoreLine> lines = mapping.cores().stream().map(core -> new CoreLine(core.core(), units(core),
                core.usage(), mapping.chip().core(core.core()))).toList();
        CoreBounds bounds = mapping.bounds();
        List<LayerLine> layers = bounds.layers().stream().map(layer -> new LayerLine(layer.layer(),
                mapping.coresHolding(layer.layer()), layer.bound().cores(), label(mapping, layer.bound()))).toList();
        return new ResourceReport(mapping.chip().name(), mapping.allocator(), mapping.chip().cores(), lines.size(),
                bounds.total().cores(), label(mapping, bounds.total()), new Utilization(
                        fraction(lines, l -> l.used().neurons(), l -> l.limit().neurons()),
                        fraction(lines, l -> l.used().synapseMemory(), l -> l.limit().synapseMemory()),
                        fraction(lines, l -> l.used().biasMemory(), l -> l.limit().biasMemory()),
                        fraction(lines, l -> l.used().inputAxons(), l -> l.limit().inputAxons()),
                        fraction(lines, l -> l.used().outputAxons(), l -> l.limit().outputAxons())),
                layers, lines);
    }

    private static String label(Mapping mapping, CoreBounds.Bound bound) {
        return bound.resource().label(mapping.chip().memoryModel());
    }

    private static List<String> units(CoreMapping core) {
        return core.tiles().stream().map(ResourceReport::tileName).toList();
    }

    /** A tile as {@code unit[first..last]} of a flat layer or of whole maps, else {@code unit[c0:c1, r0:r1, x0:x1]}. */
    private static String tileName(Tile tile) {
        List<Piece> runs = tile.runs();
        return runs.size() == 1 ? tile.unit() + "[" + runs.get(0).first() + ".." + (runs.get(0).end() - 1) + "]"
                : tile.toString();
    }

    private static double fraction(List<CoreLine> lines, java.util.function.ToLongFunction<CoreLine> used,
            java.util.function.ToLongFunction<CoreLine> limit) {
        double total = lines.stream().mapToDouble(line -> limit.applyAsLong(line)).sum();
        return total == 0 ? 0 : lines.stream().mapToDouble(line -> used.applyAsLong(line)).sum() / total;
    }

    /** The report as a table for people, one line per core. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "target %s, allocator %s: %d of %d cores used (%.1f%%)%n", target,
                allocator, coresUsed, chipCores, 100.0 * coresUsed / chipCores));
        text.append(String.format(Locale.ROOT, "utilization of the used cores: neurons %.1f%%, synapse memory %.1f%%, "
                        + "bias %.1f%%, input axons %.1f%%, output axons %.1f%%%n", 100 * utilization.neurons(),
                100 * utilization.synapseMemory(), 100 * utilization.biasMemory(), 100 * utilization.inputAxons(),
                100 * utilization.outputAxons()));
        text.append(String.format(Locale.ROOT, "lower bound: %d cores, set by %s; the mapping uses %.2f times that%n", lowerBound,
                boundBy, (double) coresUsed / lowerBound));
        int width = layers.stream().mapToInt(line -> line.layer().length()).max().orElse(5);
        text.append(String.format(Locale.ROOT, "%-" + width + "s  %5s  %11s  %s%n", "layer", "cores", "lower bound",
                "set by"));
        for (LayerLine line : layers) {
            text.append(String.format(Locale.ROOT, "%-" + width + "s  %5d  %11d  %s%n", line.layer(), line.cores(),
                    line.lowerBound(), line.boundBy()));
        }
        text.append(String.format(Locale.ROOT, "%4s  %-17s  %-21s  %-11s  %-15s  %-15s  %4s  %s%n", "core", "neurons",
                "synapse memory", "bias", "input axons", "output axons", "dest", "holds"));
        for (CoreLine line : cores) {
            CoreUsage used = line.used();
            CoreResources limit = line.limit();
            text.append(String.format(Locale.ROOT, "%4d  %-17s  %-21s  %-11s  %-15s  %-15s  %4d  %s%n", line.core(),
                    ratio(used.neurons(), limit.neurons()), ratio(used.synapseMemory(), limit.synapseMemory()),
                    ratio(used.biasMemory(), limit.biasMemory()), ratio(used.inputAxons(), limit.inputAxons()),
                    ratio(used.outputAxons(), limit.outputAxons()), used.destinations(),
                    line.units().stream().collect(Collectors.joining(" "))));
        }
        return text.toString();
    }

    private static String ratio(long used, long limit) {
        return used + "/" + limit;
    }
}
