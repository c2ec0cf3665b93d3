package org.snnc.targets.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.targets.spec.ChipSpec;

/**
 * The safety net after routing: every used core against the chip. For each core: its id is one of the chip's; each
 * {@link Resource} of its {@link CoreUsage} is within its {@link org.snnc.targets.spec.CoreResources} and the
 * chip's destinations per core; its layers (distinct populations) are within the layers per core; and it routes
 * nothing to itself when the chip has no self routes. Every violation is an E0905 ({@code core 7: kernel memory 40960
 * exceeds 32768}), all of them reported at once, each at the span of the core's first population.
 */
public final class LimitCheck {

    private LimitCheck() {
    }

    /** Throws every violation of {@code mapping}'s limits at once. */
    public static void check(Mapping mapping) {
        List<Diagnostic> violations = violations(mapping);
        if (!violations.isEmpty()) {
            throw new CompilationException(violations);
        }
    }

    /** Every violation of {@code mapping}'s limits, by core. */
    public static List<Diagnostic> violations(Mapping mapping) {
        ChipSpec chip = mapping.chip();
        List<Diagnostic> violations = new ArrayList<>();
        for (CoreMapping core : mapping.cores()) {
            SourceSpan span = core.pieces().isEmpty() ? SourceSpan.GENERATED
                    : mapping.network().population(core.pieces().get(0).unit()).span();
            if (core.core() < 0 || core.core() >= chip.cores()) {
                violations.add(DiagnosticCode.TOO_MANY_CORES.at(span, core.core() + 1, chip.name(), chip.cores(),
                        "core " + core.core() + " is used"));
                continue;
            }
            for (Resource resource : Resource.values()) {
                long limit = resource.limit(chip.core(core.core()), chip.routing());
                long used = resource.of(core.usage());
                if (used > limit) {
                    violations.add(DiagnosticCode.CORE_LIMIT.at(span, core.core(), resource.label(chip.memoryModel()),
                            used, limit));
                }
            }
            long layers = core.pieces().stream().map(Piece::unit).distinct().count();
            OptionalInt layersPerCore = chip.features().layersPerCore();
            if (layersPerCore.isPresent() && layers > layersPerCore.getAsInt()) {
                violations.add(DiagnosticCode.CORE_LIMIT.at(span, core.core(), "layers", layers,
                        layersPerCore.getAsInt()));
            }
            long selfRouted = core.routes().stream().filter(route -> route.destinationCore() == core.core())
                    .mapToLong(Route::count).sum();
            if (!chip.routing().selfRoutes() && selfRouted > 0) {
                violations.add(DiagnosticCode.CORE_LIMIT.at(span, core.core(), "self-routed elements", selfRouted,
                        0));
            }
        }
        return violations;
    }
}
