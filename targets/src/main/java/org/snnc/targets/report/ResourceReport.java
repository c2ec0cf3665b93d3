package org.snnc.targets.report;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
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
 * @param utilization  per resource, over the used cores
 * @param cores        one line per used core
 */
public record ResourceReport(String target, String allocator, int chipCores, int coresUsed, Utilization utilization,
        List<CoreLine> cores) {

    /** Fractions in [0, 1] of each resource of the used cores. */
    public record Utilization(double neurons, double synapseMemory, double biasMemory, double inputAxons,
            double outputAxons) {
    }

    /** One core's use and limit of each resource, and the units it holds. */
    public record CoreLine(int core, List<String> units, CoreUsage used, CoreResources limit) {
    }

    public static ResourceReport of(Mapping mapping) {
        List<CoreLine> lines = mapping.cores().stream().map(core -> new CoreLine(core.core(), units(core),
                core.usage(), mapping.chip().core(core.core()))).toList();
        return new ResourceReport(mapping.chip().name(), mapping.allocator(), mapping.chip().cores(), lines.size(),
                new Utilization(
                        fraction(lines, l -> l.used().neurons(), l -> l.limit().neurons()),
                        fraction(lines, l -> l.used().synapseMemory(), l -> l.limit().synapseMemory()),
                        fraction(lines, l -> l.used().biasMemory(), l -> l.limit().biasMemory()),
                        fraction(lines, l -> l.used().inputAxons(), l -> l.limit().inputAxons()),
                        fraction(lines, l -> l.used().outputAxons(), l -> l.limit().outputAxons())),
                lines);
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
