package org.snnc.compiler.nir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.nir.NirConventions.Flavor;
import org.snnc.compiler.nir.NirImporter.Note;

/**
 * Which {@link Flavor} {@link NirImporter} reads a graph as, and how that flavor steps an IF neuron: the graph's
 * metadata {@value Flavor#METADATA_KEY} names its writer, an IF neuron's input is r·x per step times the flavor's
 * integrator step (dt or 1), and the notes of an import say which reading it took and where snnc's populations step
 * differently from the flavor's.
 */
final class NirFlavorReading {

    private NirFlavorReading() {
    }

    /** The flavor {@code graph}'s metadata names, if it names one; refused when it names no flavor snnc knows. */
    static Optional<Flavor> written(NirGraph graph, SourceSpan span) {
        return Optional.ofNullable(graph.metadata().get(Flavor.METADATA_KEY)).map(written -> {
            try {
                return Flavor.named(written);
            } catch (IllegalArgumentException unknown) {
                throw CompilationException.of(DiagnosticCode.NIR_NOT_COMPILABLE, span, "<root>", "NIRGraph",
                        "its metadata names flavor '" + written + "', not one of "
                                + String.join(", ", flavorNames()));
            }
        });
    }

    /** The flavors' names on the command line. */
    static List<String> flavorNames() {
        return Arrays.stream(Flavor.values()).map(Flavor::cliName).toList();
    }

    /** The factor of an IF neuron's input per step: dt under {@link NirConventions.IntegratorStep#DT}, else 1. */
    static double integratorStep(NirConventions conventions) {
        return conventions.integratorStep() == NirConventions.IntegratorStep.DT ? conventions.dt() : 1;
    }

    /**
     * Which reading the import of a graph whose metadata names {@code written} takes as {@code flavor} (stepped by
     * {@code conventions}) and why; a {@code given} flavor that is not the one the metadata names is a warning.
     */
    static List<Note> reading(Flavor flavor, NirConventions conventions, Optional<Flavor> written, boolean given) {
        List<Note> notes = new ArrayList<>();
        String why = given ? "" : ", as its metadata " + Flavor.METADATA_KEY + " says";
        if (flavor == Flavor.SNNC) {
            notes.add(new Note(false, "read as snnc" + why + ": the IR snnc exported, restored from the graph's "
                    + "metadata (names, each population's θ, reset, v0 and arithmetic, the input and the readout)"));
        } else {
            notes.add(new Note(false, "read as " + flavor + why + ": " + stepRule(conventions)));
        }
        written.filter(w -> given && w != flavor).ifPresent(w -> notes.add(new Note(true, "its metadata says "
                + (w == Flavor.SNNC ? "snnc wrote it" : "it is read as " + w) + "; read as " + flavor + " as asked"
                + (w == Flavor.SNNC ? ", not by the conventions snnc wrote into its metadata" : ""))));
        return notes;
    }

    /** How {@code conventions} step an IF neuron, as a sentence for the import's notes. */
    private static String stepRule(NirConventions conventions) {
        boolean multi = conventions.spikes() == NirConventions.Spikes.MULTI;
        String fire = conventions.fire() == NirConventions.Fire.GREATER_OR_EQUAL ? "≥" : ">";
        String reset = switch (conventions.reset()) {
            case SUBTRACT -> "v ← v − θ per spike";
            case SUBTRACT_DELAYED -> "v ← v − θ per spike at the start of the next step";
            case ZERO -> "v ← v_reset = 0";
            case NONE -> "v kept";
        };
        double step = integratorStep(conventions);
        return "IF v ← v + " + (step == 1 ? "" : step + "·") + "r·x each step, "
                + (multi ? "⌊v/θ⌋ spikes at v " + fire + " θ" : "a spike at v " + fire + " θ") + ", then " + reset
                + (conventions.floorAtMinusThreshold() ? ", and v ≥ −θ" : "");
    }

    /**
     * Where snnc's {@code populations} (their IR names) step differently from {@code flavor}'s, stepped by
     * {@code conventions}: warnings (none for snnc's own graphs).
     */
    static List<Note> differences(Flavor flavor, NirConventions conventions, List<String> populations) {
        List<Note> notes = new ArrayList<>();
        if (flavor == Flavor.SNNC || populations.isEmpty()) {
            return notes;
        }
        if (conventions.fire() == NirConventions.Fire.GREATER) {
            notes.add(new Note(true, flavor + " fires at v > θ, snnc at v ≥ θ: populations " + populations
                    + " spike differently only in a step where v equals θ exactly"));
        }
        if (conventions.reset() == NirConventions.Reset.SUBTRACT_DELAYED) {
            notes.add(new Note(true, flavor + " subtracts θ at the start of the step after a spike, snnc in the "
                    + "step of the spike: populations " + populations + " spike alike (the next step's spike test "
                    + "sees the same v), but the membrane a step leaves behind is θ lower in snnc after a spike"));
        }
        if (conventions.spikes() == NirConventions.Spikes.MULTI) {
            notes.add(new Note(true, flavor + " fires ⌊v/θ⌋ spikes in a step and floors v at −θ; snnc fires at "
                    + "most one spike per step and has no floor: populations " + populations + " spike differently "
                    + "after a step where v reaches 2θ or falls below −θ"));
        }
        return notes;
    }
}
